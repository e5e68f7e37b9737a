package dev.gdn.ruleset.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.gdn.ruleset.compile.FlagdCompiler;
import dev.gdn.ruleset.envelope.EnvelopeException.Reason;
import dev.gdn.ruleset.proto.PayloadType;
import dev.gdn.ruleset.proto.Ruleset;
import dev.gdn.ruleset.proto.SignedEnvelope;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SPEC §4: the signed envelope, and every way a reader rejects one. */
class EnvelopesTest {
    private static SigningKey key;
    private static SigningKey otherKey;
    private static TrustedKeys trusted;
    private static Ruleset ruleset;
    private static SignedEnvelope envelope;
    private static byte[] bytes;

    @BeforeAll
    static void setUp() throws Exception {
        key = SigningKey.generate();
        otherKey = SigningKey.generate();
        trusted = TrustedKeys.of(key.publicKey());
        ruleset = FlagdCompiler.compile("""
                {"metadata": {"team": "core"},
                 "flags": {"f": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                                 "targeting": {"fractional": [["on", 10], ["off", 90]]}}}}
                """).toRuleset("prod", 42, 1_700_000_000_000L, List.of());
        envelope = Envelopes.sign(ruleset, key);
        bytes = envelope.toByteArray();
    }

    private static Reason reject(byte[] b) {
        return assertThrows(EnvelopeException.class, () -> Envelopes.verifyRuleset(b, trusted)).reason();
    }

    private static Reason reject(SignedEnvelope env) {
        return reject(env.toByteArray());
    }

    private static ByteString flip(ByteString s, int index) {
        byte[] b = s.toByteArray();
        b[index] ^= 0x01;
        return ByteString.copyFrom(b);
    }

    @Test
    void roundTrip() throws Exception {
        assertEquals(ruleset, Envelopes.verifyRuleset(bytes, trusted));
        assertArrayEquals(ruleset.toByteArray(), Envelopes.verify(bytes, PayloadType.RULESET, trusted));
        assertEquals(key.keyId(), envelope.getKeyId());
        assertEquals(PayloadType.RULESET, envelope.getPayloadType());
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(ruleset.toByteArray()), envelope.getPayloadSha256().toByteArray());
        assertEquals(64, envelope.getSignature().size());
        // Several trusted keys: each verifies its own envelopes.
        TrustedKeys both = TrustedKeys.of(key.publicKey(), otherKey.publicKey());
        assertEquals(ruleset, Envelopes.verifyRuleset(Envelopes.sign(ruleset, otherKey).toByteArray(), both));
        assertEquals(ruleset, Envelopes.verifyRuleset(bytes, both));
        // An empty payload is a legitimate (if useless) signed payload.
        assertArrayEquals(new byte[0], Envelopes.verify(Envelopes.sign(new byte[0], PayloadType.STORE_INDEX, key).toByteArray(),
                PayloadType.STORE_INDEX, trusted));
    }

    @Test
    void flippedPayloadByteIsHashMismatch() {
        for (int i : new int[] {0, envelope.getPayload().size() / 2, envelope.getPayload().size() - 1}) {
            assertEquals(Reason.HASH_MISMATCH, reject(envelope.toBuilder().setPayload(flip(envelope.getPayload(), i)).build()));
        }
        // The payload is the last field on the wire: the file's last byte is payload.
        byte[] b = bytes.clone();
        b[b.length - 1] ^= 0x40;
        assertEquals(Reason.HASH_MISMATCH, reject(b));
        assertEquals(Reason.HASH_MISMATCH, reject(envelope.toBuilder().setPayloadSha256(flip(envelope.getPayloadSha256(), 5)).build()));
    }

    @Test
    void flippedSignatureByteIsBadSignature() {
        for (int i : new int[] {0, 31, 63}) {
            assertEquals(Reason.BAD_SIGNATURE, reject(envelope.toBuilder().setSignature(flip(envelope.getSignature(), i)).build()));
        }
        assertEquals(Reason.BAD_SIGNATURE, reject(envelope.toBuilder().setSignature(envelope.getSignature().substring(0, 63)).build()));
        // A tampered payload with a recomputed hash still fails the signature.
        byte[] forged = ruleset.toBuilder().setVersion(43).build().toByteArray();
        SignedEnvelope tampered = envelope.toBuilder().setPayload(ByteString.copyFrom(forged))
                .setPayloadSha256(ByteString.copyFrom(KeyIds.sha256(forged))).build();
        assertEquals(Reason.BAD_SIGNATURE, reject(tampered));
        // A genuine signature by a trusted key, but from another envelope.
        SignedEnvelope other = Envelopes.sign(forged, PayloadType.RULESET, key);
        assertEquals(Reason.BAD_SIGNATURE, reject(tampered.toBuilder().setSignature(envelope.getSignature()).build()));
        assertEquals(ruleset.toBuilder().setVersion(43).build(), assertDoesNotThrow(other));
    }

    private static Ruleset assertDoesNotThrow(SignedEnvelope env) {
        try {
            return Envelopes.verifyRuleset(env.toByteArray(), trusted);
        } catch (EnvelopeException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Every cut length reads as TRUNCATED: cuts inside a field fail to parse, and a cut exactly on a
     * field boundary leaves a signed envelope without its payload (the last field on the wire).
     */
    @Test
    void truncatedAtEveryLength() {
        int afterKeyId = SignedEnvelope.newBuilder().setKeyId(envelope.getKeyId()).build().getSerializedSize();
        int afterType = envelope.toBuilder().clearSignature().clearPayloadSha256().clearPayload().build().getSerializedSize();
        int afterSignature = envelope.toBuilder().clearPayloadSha256().clearPayload().build().getSerializedSize();
        int afterHash = envelope.toBuilder().clearPayload().build().getSerializedSize();
        assertTrue(afterKeyId < afterType && afterType < afterSignature && afterSignature < afterHash && afterHash < bytes.length);
        Map<Integer, Reason> unexpected = new LinkedHashMap<>();
        int truncated = 0;
        for (int cut = 0; cut < bytes.length; cut++) {
            Reason expected;
            expected = Reason.TRUNCATED;
            truncated++;
            Reason actual = reject(Arrays.copyOf(bytes, cut));
            if (actual != expected) {
                unexpected.put(cut, actual);
            }
        }
        assertEquals(Map.of(), unexpected, "cut length → reason, where it differs from the expectation");
        assertEquals(bytes.length, truncated);
        // A cut anywhere inside the payload (all but the first ~120 bytes here) reads as TRUNCATED.
        assertEquals(Reason.TRUNCATED, reject(Arrays.copyOf(bytes, bytes.length - 1)));
        assertEquals(Reason.TRUNCATED, reject(Arrays.copyOf(bytes, afterHash + 3)));
    }

    @Test
    void unknownKey() {
        EnvelopeException e = assertThrows(EnvelopeException.class,
                () -> Envelopes.verifyRuleset(Envelopes.sign(ruleset, otherKey).toByteArray(), trusted));
        assertEquals(Reason.UNKNOWN_KEY, e.reason());
        assertTrue(e.getMessage().contains(otherKey.keyId()) && e.getMessage().contains(key.keyId()), e.getMessage());
        assertEquals(Reason.UNKNOWN_KEY, reject(envelope.toBuilder().setKeyId("ed25519:0000000000000000").build()));
        assertEquals(Reason.UNKNOWN_KEY, assertThrows(EnvelopeException.class,
                () -> Envelopes.verifyRuleset(bytes, TrustedKeys.of(List.of()))).reason());
    }

    @Test
    void unsigned() {
        assertEquals(Reason.UNSIGNED, reject(envelope.toBuilder().clearSignature().build()));
        assertEquals(Reason.UNSIGNED, reject(envelope.toBuilder().clearKeyId().build()));
        assertEquals(Reason.UNSIGNED, reject(envelope.toBuilder().clearKeyId().clearSignature().build()));
    }

    @Test
    void wrongPayloadType() {
        byte[] index = Envelopes.sign(ruleset.toByteArray(), PayloadType.STORE_INDEX, key).toByteArray();
        EnvelopeException e = assertThrows(EnvelopeException.class, () -> Envelopes.verifyRuleset(index, trusted));
        assertEquals(Reason.WRONG_PAYLOAD_TYPE, e.reason());
        assertTrue(e.getMessage().contains("STORE_INDEX") && e.getMessage().contains("RULESET"), e.getMessage());
        assertEquals(Reason.WRONG_PAYLOAD_TYPE, assertThrows(EnvelopeException.class,
                () -> Envelopes.verify(bytes, PayloadType.STORE_INDEX, trusted)).reason());
        assertEquals(Reason.WRONG_PAYLOAD_TYPE, reject(resignWithType(PayloadType.PAYLOAD_TYPE_UNSPECIFIED)));
    }

    private static byte[] resignWithType(PayloadType type) {
        return Envelopes.sign(ruleset.toByteArray(), type, key).toByteArray();
    }

    @Test
    void garbage() {
        byte[] garbage = new byte[16];
        Arrays.fill(garbage, (byte) 0xff);
        assertEquals(Reason.MALFORMED, reject(garbage));
        // Signed garbage passes the envelope checks but is not a ruleset.
        byte[] signedGarbage = Envelopes.sign(new byte[] {0x07}, PayloadType.RULESET, key).toByteArray();
        assertEquals(Reason.BAD_PAYLOAD, reject(signedGarbage));
    }
}
