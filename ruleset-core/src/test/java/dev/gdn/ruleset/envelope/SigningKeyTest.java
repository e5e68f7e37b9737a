package dev.gdn.ruleset.envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.ruleset.proto.PayloadType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeyTest {
    @TempDir
    Path dir;

    private static final byte[] DATA = "payload".getBytes(StandardCharsets.UTF_8);

    @Test
    void keyIdIsSha256PrefixOfThePublicKey() throws Exception {
        SigningKey k = SigningKey.generate();
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(k.publicKey().getEncoded());
        assertEquals("ed25519:" + HexFormat.of().formatHex(digest, 0, 8), k.keyId());
        assertEquals(k.keyId(), TrustedKeys.keyIdOf(k.publicKey()));
        assertNotEquals(k.keyId(), SigningKey.generate().keyId());
    }

    @Test
    void pemRoundTrip() throws Exception {
        SigningKey k = SigningKey.generate();
        String pem = k.toPem();
        assertTrue(pem.contains("-----BEGIN PRIVATE KEY-----") && pem.contains("-----BEGIN PUBLIC KEY-----"));
        SigningKey back = SigningKey.parse(pem, "test");
        assertEquals(k.keyId(), back.keyId());
        assertEquals(k.publicKey(), back.publicKey());
        // What the parsed key signs, the original public key verifies (Ed25519 is deterministic, too).
        assertTrue(TrustedKeys.verifySignature(k.publicKey(), DATA, back.sign(DATA)));
        assertEquals(HexFormat.of().formatHex(k.sign(DATA)), HexFormat.of().formatHex(back.sign(DATA)));

        Path keyFile = dir.resolve("signing.pem");
        Files.writeString(keyFile, pem);
        assertEquals(k.keyId(), SigningKey.load(keyFile).keyId());

        Path pubFile = dir.resolve("public.pem");
        Files.writeString(pubFile, k.publicKeyPem());
        assertEquals(k.publicKey(), TrustedKeys.parsePublicKey(k.publicKeyPem(), "pub"));
        // Readers accept a public key file, or the signing key file (its PUBLIC KEY block).
        for (Path trustedFile : List.of(pubFile, keyFile)) {
            TrustedKeys t = TrustedKeys.load(List.of(trustedFile));
            assertEquals(java.util.Set.of(k.keyId()), t.keyIds());
            Envelopes.verify(Envelopes.sign(DATA, PayloadType.STORE_INDEX, back).toByteArray(), PayloadType.STORE_INDEX, t);
        }
    }

    @Test
    void mismatchedBlocksAreRejected() {
        String a = SigningKey.generate().toPem();
        String b = SigningKey.generate().toPem();
        String mixed = a.substring(0, a.indexOf("-----BEGIN PUBLIC KEY-----")) + b.substring(b.indexOf("-----BEGIN PUBLIC KEY-----"));
        IOException e = assertThrows(IOException.class, () -> SigningKey.parse(mixed, "mixed.pem"));
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
        assertTrue(e.getMessage().startsWith("mixed.pem: "), e.getMessage());
    }

    @Test
    void incompleteOrCorruptKeysAreRejected() {
        SigningKey k = SigningKey.generate();
        String pem = k.toPem();
        String publicOnly = k.publicKeyPem();
        IOException missing = assertThrows(IOException.class, () -> SigningKey.parse(publicOnly, "p"));
        assertTrue(missing.getMessage().contains("PRIVATE KEY and PUBLIC KEY"), missing.getMessage());
        assertThrows(IOException.class, () -> SigningKey.parse("", "empty"));
        // Valid base64, wrong bytes.
        String corrupt = pem.replaceFirst("(-----BEGIN PRIVATE KEY-----\n)....", "$1AAAA");
        IOException bad = assertThrows(IOException.class, () -> SigningKey.parse(corrupt, "c"));
        assertTrue(bad.getMessage().contains("not a valid Ed25519 key"), bad.getMessage());
        IOException noPub = assertThrows(IOException.class, () -> TrustedKeys.parsePublicKey("nothing here", "x"));
        assertTrue(noPub.getMessage().contains("no PUBLIC KEY"), noPub.getMessage());
    }
}
