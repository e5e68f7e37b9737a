package dev.gdn.ruleset.envelope;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.HexFormat;

/** Key ids: {@code ed25519:} and the first 8 bytes (hex) of the SHA-256 of the public key's X.509 encoding. */
final class KeyIds {
    private KeyIds() {
    }

    static String of(PublicKey key) {
        return "ed25519:" + HexFormat.of().formatHex(sha256(key.getEncoded()), 0, 8);
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
