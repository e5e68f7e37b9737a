package dev.gdn.ruleset.json;

/** RFC 6901 JSON pointers, built one reference token at a time. */
public final class JsonPointer {
    private JsonPointer() {
    }

    /** {@code base} extended by one reference token, escaped per RFC 6901 ({@code ~} → {@code ~0}, {@code /} → {@code ~1}). */
    public static String append(String base, String token) {
        return base + "/" + token.replace("~", "~0").replace("/", "~1");
    }

    public static String append(String base, int index) {
        return base + "/" + index;
    }
}
