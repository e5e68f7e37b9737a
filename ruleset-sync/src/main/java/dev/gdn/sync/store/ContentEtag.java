package dev.gdn.sync.store;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** An ETag derived from an object's bytes (the first 16 bytes of their SHA-256, hex), for stores that have none of their own. */
public final class ContentEtag {
    private ContentEtag() {
    }

    public static String of(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
