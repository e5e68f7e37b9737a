package dev.gdn.ruleset.ofrep;

import java.util.List;
import java.util.Map;

/**
 * The ETag of an OFREP bulk answer (SPEC §3): 128 bits over the environment, the ruleset version and
 * the whole context in canonical form, so the same context sent with its keys in another order gets
 * the same ETag, and a changed attribute a new one.
 *
 * <p>The context is hashed as a structure, not as canonical JSON text: object entries are combined
 * with addition, which does not depend on their order, so nothing is sorted, serialised or copied.
 * (Writing sorted JSON and hashing it was a tenth of a bulk request's CPU on the node.) An ETag is
 * not a security boundary — a caller only ever compares it with the one it got for its own context —
 * so a fast non-cryptographic hash with negligible accidental collisions is enough.
 *
 * <p>The value is part of the wire contract between every GDN server (nodes, the classic API) of a
 * deployment: a CDN or client revalidates against whichever answers next. {@code BulkEtagTest} pins it.
 */
public final class BulkEtag {
    // Two independent 64-bit lanes (different seeds and multipliers) make the 128 bits.
    private static final long SEED_1 = 0x243F6A8885A308D3L;
    private static final long SEED_2 = 0x13198A2E03707344L;
    private static final long MUL_1 = 0x9E3779B97F4A7C15L;
    private static final long MUL_2 = 0xC2B2AE3D27D4EB4FL;

    // Type tags keep "1", 1, true and [1] apart.
    private static final int NULL = 1;
    private static final int FALSE = 2;
    private static final int TRUE = 3;
    private static final int INTEGER = 4;
    private static final int FLOAT = 5;
    private static final int STRING = 6;
    private static final int LIST = 7;
    private static final int OBJECT = 8;
    private static final int OTHER = 9;

    private BulkEtag() {
    }

    /**
     * @param context   the evaluation context (plain JSON values, as {@link OfrepJson#parseRequest} makes them)
     * @param timedBody the response body when a rule may read {@code $flagd.timestamp} (the same context and
     *                  version can then answer differently later, so the answer itself counts), else null
     * @return the quoted ETag: {@code "} + 32 lowercase hex digits + {@code "}
     */
    public static String of(String environmentId, long version, Map<String, Object> context, byte[] timedBody) {
        return of(environmentId, version, context, timedBody, timedBody == null ? 0 : timedBody.length);
    }

    /** The same, with the body as the first {@code bodyLength} bytes of {@code timedBody} (ignored when that is null). */
    public static String of(String environmentId, long version, Map<String, Object> context, byte[] timedBody, int bodyLength) {
        char[] out = new char[34];
        out[0] = '"';
        hex(lane(environmentId, version, context, timedBody, bodyLength, SEED_1, MUL_1), out, 1);
        hex(lane(environmentId, version, context, timedBody, bodyLength, SEED_2, MUL_2), out, 17);
        out[33] = '"';
        return new String(out);
    }

    private static long lane(String env, long version, Map<String, Object> context, byte[] timedBody, int bodyLength,
                             long seed, long mul) {
        long h = string(seed, mul, env);
        h = step(h, mul, version);
        h = step(h, mul, value(seed, mul, context));
        if (timedBody != null) {
            for (int i = 0; i < bodyLength; i++) {
                h = step(h, mul, timedBody[i]);
            }
            h = step(h, mul, bodyLength);
        }
        return fmix(h);
    }

    private static long value(long seed, long mul, Object v) {
        if (v == null) {
            return step(seed, mul, NULL);
        }
        if (v instanceof String s) {
            return string(step(seed, mul, STRING), mul, s);
        }
        if (v instanceof Boolean b) {
            return step(seed, mul, b ? TRUE : FALSE);
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return step(step(seed, mul, INTEGER), mul, ((Number) v).longValue());
        }
        if (v instanceof Number n) {
            double d = n.doubleValue();
            // 2.0 and 2 are the same JSON number (and evaluate alike): one ETag for both.
            if (d == Math.rint(d) && Math.abs(d) < 0x1p63) {
                return step(step(seed, mul, INTEGER), mul, (long) d);
            }
            return step(step(seed, mul, FLOAT), mul, Double.doubleToLongBits(d == 0 ? 0.0 : d));
        }
        if (v instanceof Map<?, ?> map) {
            long sum = 0;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                // Each entry hashed on its own, then added: the order of the keys cannot matter.
                long k = string(seed, mul, String.valueOf(e.getKey()));
                sum += fmix(step(k, mul, value(seed, mul, e.getValue())));
            }
            return step(step(step(seed, mul, OBJECT), mul, map.size()), mul, sum);
        }
        if (v instanceof List<?> list) {
            long h = step(step(seed, mul, LIST), mul, list.size());
            for (Object item : list) {
                h = step(h, mul, value(seed, mul, item));
            }
            return h;
        }
        return string(step(seed, mul, OTHER), mul, v.toString());
    }

    private static long string(long h, long mul, String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            h = step(h, mul, s.charAt(i));
        }
        return step(h, mul, n);
    }

    private static long step(long h, long mul, long x) {
        return Long.rotateLeft((h ^ x) * mul, 29);
    }

    /** Murmur3's 64-bit finaliser: every input bit reaches every output bit. */
    private static long fmix(long k) {
        k ^= k >>> 33;
        k *= 0xFF51AFD7ED558CCDL;
        k ^= k >>> 33;
        k *= 0xC4CEB93FE1A85EC9L;
        k ^= k >>> 33;
        return k;
    }

    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private static void hex(long v, char[] out, int at) {
        for (int i = 15; i >= 0; i--) {
            out[at + i] = DIGITS[(int) (v & 0xF)];
            v >>>= 4;
        }
    }
}
