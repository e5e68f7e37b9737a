package dev.gdn.ruleset.ofrep;

import dev.gdn.ruleset.eval.CompiledRuleset;
import dev.gdn.ruleset.eval.FlagResult;
import dev.gdn.ruleset.json.JsonWriter;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes OFREP bulk responses for one compiled ruleset from pre-encoded parts: each shared answer
 * (see {@link CompiledRuleset#precomputedResults()}) is encoded once, when the version is loaded, so
 * a response is mostly byte copies. The bytes are identical to {@link OfrepJson#bulk}.
 */
public final class BulkResponseWriter {
    private static final byte[] START = "{\"flags\":[".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] MIDDLE = "],\"metadata\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final IdentityHashMap<FlagResult, byte[]> encoded = new IdentityHashMap<>();
    private final byte[] metadataJson;
    private final int typicalSize;

    public BulkResponseWriter(CompiledRuleset ruleset, Map<String, Object> metadata) {
        Map<String, Integer> longestPerFlag = new java.util.HashMap<>();
        for (FlagResult r : ruleset.precomputedResults()) {
            byte[] b = OfrepJson.single(r);
            encoded.put(r, b);
            longestPerFlag.merge(r.key(), b.length, Math::max);
        }
        this.metadataJson = JsonWriter.toBytes(metadata, false);
        // The longest answer of every flag: a response almost never needs its buffer to grow.
        int flags = longestPerFlag.values().stream().mapToInt(n -> n + 1).sum();
        this.typicalSize = START.length + MIDDLE.length + metadataJson.length + 2 + flags;
    }

    public byte[] write(List<FlagResult> results) {
        byte[] out = new byte[typicalSize];
        int n = 0;
        n = put(out, n, START);
        boolean first = true;
        for (FlagResult r : results) {
            byte[] b = encoded.get(r);
            if (b == null) {
                b = OfrepJson.single(r); // an answer made during evaluation (an error): encoded now
            }
            if (!first) {
                out = ensure(out, n, 1);
                out[n++] = ',';
            }
            first = false;
            out = ensure(out, n, b.length);
            n = put(out, n, b);
        }
        out = ensure(out, n, MIDDLE.length + metadataJson.length + 1);
        n = put(out, n, MIDDLE);
        n = put(out, n, metadataJson);
        out[n++] = '}';
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    private static byte[] ensure(byte[] buf, int used, int more) {
        return used + more <= buf.length ? buf : Arrays.copyOf(buf, Math.max(buf.length * 2, used + more));
    }

    private static int put(byte[] buf, int at, byte[] bytes) {
        System.arraycopy(bytes, 0, buf, at, bytes.length);
        return at + bytes.length;
    }
}
