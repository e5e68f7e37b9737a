package dev.gdn.ruleset.envelope;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.gdn.ruleset.proto.PayloadType;
import dev.gdn.ruleset.proto.Ruleset;
import dev.gdn.ruleset.proto.SignedEnvelope;
import java.security.MessageDigest;
import java.security.PublicKey;

/** Signs payloads into {@link SignedEnvelope}s and verifies them before anything parses the payload. */
public final class Envelopes {
    private static final int SHA256_LENGTH = 32;
    private static final int ED25519_SIGNATURE_LENGTH = 64;
    private static final byte[] EMPTY_SHA256 = KeyIds.sha256(new byte[0]);

    private Envelopes() {
    }

    public static SignedEnvelope sign(byte[] payload, PayloadType type, SigningKey key) {
        return SignedEnvelope.newBuilder()
                .setPayload(ByteString.copyFrom(payload))
                .setPayloadSha256(ByteString.copyFrom(KeyIds.sha256(payload)))
                .setSignature(ByteString.copyFrom(key.sign(payload)))
                .setKeyId(key.keyId())
                .setPayloadType(type)
                .build();
    }

    public static SignedEnvelope sign(Ruleset ruleset, SigningKey key) {
        return sign(ruleset.toByteArray(), PayloadType.RULESET, key);
    }

    /**
     * Checks envelope bytes and returns the verified payload. Order: parse the envelope, check the
     * payload against its SHA-256, find the key id among the trusted keys, verify the signature,
     * check the payload type.
     */
    public static byte[] verify(byte[] envelopeBytes, PayloadType expected, TrustedKeys trusted) throws EnvelopeException {
        return verify(parse(envelopeBytes), expected, trusted);
    }

    /** Parses envelope bytes without verifying anything: for display, never for use. */
    public static SignedEnvelope parse(byte[] envelopeBytes) throws EnvelopeException {
        if (envelopeBytes.length == 0) {
            throw new EnvelopeException(EnvelopeException.Reason.TRUNCATED, "the file is empty");
        }
        try {
            return SignedEnvelope.parseFrom(envelopeBytes);
        } catch (InvalidProtocolBufferException e) {
            String msg = String.valueOf(e.getMessage());
            boolean truncated = msg.contains("truncated") || msg.contains("ended unexpectedly");
            int cut = msg.indexOf(".  ");
            throw new EnvelopeException(truncated ? EnvelopeException.Reason.TRUNCATED : EnvelopeException.Reason.MALFORMED,
                    (truncated ? "the file ends early" : "not a signed envelope") + " (" + envelopeBytes.length + " bytes): "
                            + (cut > 0 ? msg.substring(0, cut + 1) : msg), e);
        }
    }

    public static byte[] verify(SignedEnvelope env, PayloadType expected, TrustedKeys trusted) throws EnvelopeException {
        if (!env.getKeyId().isEmpty() && env.getPayload().isEmpty()
                && !MessageDigest.isEqual(env.getPayloadSha256().toByteArray(), EMPTY_SHA256)) {
            // The payload is the last field on the wire: a signed envelope missing one it promised was cut short.
            throw new EnvelopeException(EnvelopeException.Reason.TRUNCATED, "the envelope ends before its payload");
        }
        if (env.getPayloadSha256().size() != SHA256_LENGTH) {
            throw new EnvelopeException(env.getPayloadSha256().isEmpty() && env.getPayload().isEmpty()
                    ? EnvelopeException.Reason.MALFORMED : EnvelopeException.Reason.TRUNCATED,
                    "payload SHA-256 is " + env.getPayloadSha256().size() + " bytes, expected 32");
        }
        byte[] payload = env.getPayload().toByteArray();
        if (!MessageDigest.isEqual(KeyIds.sha256(payload), env.getPayloadSha256().toByteArray())) {
            throw new EnvelopeException(EnvelopeException.Reason.HASH_MISMATCH,
                    "payload (" + payload.length + " bytes) does not match its SHA-256: corrupted or truncated");
        }
        if (env.getSignature().isEmpty() || env.getKeyId().isEmpty()) {
            throw new EnvelopeException(EnvelopeException.Reason.UNSIGNED,
                    env.getKeyId().isEmpty() ? "no signing key id" : "no signature");
        }
        PublicKey key = trusted.get(env.getKeyId());
        if (key == null) {
            throw new EnvelopeException(EnvelopeException.Reason.UNKNOWN_KEY,
                    "signed by " + env.getKeyId() + ", which is not trusted (trusted: " + String.join(", ", trusted.keyIds()) + ")");
        }
        if (env.getSignature().size() != ED25519_SIGNATURE_LENGTH
                || !TrustedKeys.verifySignature(key, payload, env.getSignature().toByteArray())) {
            throw new EnvelopeException(EnvelopeException.Reason.BAD_SIGNATURE,
                    "signature does not verify with key " + env.getKeyId());
        }
        if (env.getPayloadType() != expected) {
            throw new EnvelopeException(EnvelopeException.Reason.WRONG_PAYLOAD_TYPE,
                    "envelope carries " + env.getPayloadType() + ", expected " + expected);
        }
        return payload;
    }

    /**
     * Protobuf's default (100 nested messages) is below what the compiler accepts: a rule level is two
     * messages (Expr, Operation) and a JSON value level two more (Value, ListValue), so a rule nested 128
     * levels, or a variant nested 128 levels, needs about 260; rules through $refs nest at most 200 levels.
     */
    private static final int RULESET_NESTING = 600;

    /** Parses serialized ruleset bytes (already verified, or from the classic API's own database). */
    public static Ruleset parseRuleset(byte[] bytes) throws InvalidProtocolBufferException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        in.setRecursionLimit(RULESET_NESTING);
        try {
            Ruleset r = Ruleset.parseFrom(in);
            in.checkLastTagWas(0);
            return r;
        } catch (InvalidProtocolBufferException e) {
            throw e;
        } catch (java.io.IOException e) { // a byte array cannot fail to read; the signature says it may
            throw new InvalidProtocolBufferException(e);
        }
    }

    /** Verifies and parses a ruleset envelope. */
    public static Ruleset verifyRuleset(byte[] envelopeBytes, TrustedKeys trusted) throws EnvelopeException {
        byte[] payload = verify(envelopeBytes, PayloadType.RULESET, trusted);
        try {
            return parseRuleset(payload);
        } catch (InvalidProtocolBufferException e) {
            throw new EnvelopeException(EnvelopeException.Reason.BAD_PAYLOAD, "verified payload is not a ruleset: " + e.getMessage(), e);
        }
    }
}
