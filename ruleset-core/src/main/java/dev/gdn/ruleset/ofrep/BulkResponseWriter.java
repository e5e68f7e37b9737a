package dev.gdn.ruleset.ofrep;

import dev.gdn.ruleset.eval.CompiledRuleset;
import dev.gdn.ruleset.eval.FlagResult;
import dev.gdn.ruleset.json.JsonWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes OFREP bulk responses for one compiled ruleset from pre-encoded parts: each shared answer
 * (see {@link CompiledRuleset#precomputedResults(int)}) is encoded once, when the version is loaded,
 * so a response is mostly byte copies. The bytes are identical to {@link OfrepJson#bulk}.
 */
public final class BulkResponseWriter {
    private static final byte[] START = "{\"flags\":[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MIDDLE = "],\"metadata\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STREAMS = "],\"eventStreams\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STREAMS_END = ",\"metadata\":".getBytes(StandardCharsets.US_ASCII);

    // Per flag (key order), its shared answers and their bytes. A flag has a handful (fixed, default,
    // one per variant), so finding an answer is a short identity scan: no hashing per flag.
    private final FlagResult[][] answers;
    private final byte[][][] encoded;
    private final byte[] metadataJson;
    private final int typicalSize;

    public BulkResponseWriter(CompiledRuleset ruleset, Map<String, Object> metadata) {
        int n = ruleset.flagCount();
        this.answers = new FlagResult[n][];
        this.encoded = new byte[n][][];
        this.metadataJson = JsonWriter.toBytes(metadata, false);
        // The longest answer of every flag: a response almost never needs its buffer to grow.
        int size = START.length + MIDDLE.length + metadataJson.length + 1;
        for (int i = 0; i < n; i++) {
            List<FlagResult> shared = ruleset.precomputedResults(i);
            answers[i] = shared.toArray(new FlagResult[0]);
            encoded[i] = new byte[answers[i].length][];
            int longest = 0;
            for (int j = 0; j < answers[i].length; j++) {
                encoded[i][j] = OfrepJson.single(answers[i][j]);
                longest = Math.max(longest, encoded[i][j].length);
            }
            size += longest + 1;
        }
        this.typicalSize = size;
    }

    /** @param results every flag's answer in key order, as {@link CompiledRuleset#evaluateAll} makes them */
    public byte[] write(List<FlagResult> results) {
        return write(results.toArray(new FlagResult[0]));
    }

    /** @param results every flag's answer in key order, as {@link CompiledRuleset#evaluateAll} makes them */
    public byte[] write(FlagResult[] results) {
        Body body = encode(results);
        return body.length() == body.buffer().length ? body.buffer() : Arrays.copyOf(body.buffer(), body.length());
    }

    /**
     * A response body: the first {@code length} bytes of {@code buffer}. Servers send it as it is, without
     * copying it to an array of the exact size first (a response is a few kilobytes).
     */
    public record Body(byte[] buffer, int length) {
    }

    /** @param results every flag's answer in key order, as {@link CompiledRuleset#evaluateAll} makes them */
    public Body encode(FlagResult[] results) {
        return encode(results, null);
    }

    /**
     * @param results      every flag's answer in key order, as {@link CompiledRuleset#evaluateAll} makes them
     * @param eventStreams the {@code eventStreams} member's JSON array (see {@link EventStream#toJsonArray}),
     *                     written between {@code flags} and {@code metadata}; null for none
     */
    public Body encode(FlagResult[] results, byte[] eventStreams) {
        byte[] out = new byte[typicalSize + (eventStreams == null ? 0 : eventStreams.length + STREAMS.length)];
        int n = 0;
        n = put(out, n, START);
        for (int i = 0; i < results.length; i++) {
            byte[] b = encodedAnswer(i, results[i]);
            if (i > 0) {
                out = ensure(out, n, 1);
                out[n++] = ',';
            }
            out = ensure(out, n, b.length);
            n = put(out, n, b);
        }
        if (eventStreams != null) {
            out = ensure(out, n, STREAMS.length + eventStreams.length + STREAMS_END.length + metadataJson.length + 1);
            n = put(out, n, STREAMS);
            n = put(out, n, eventStreams);
            n = put(out, n, STREAMS_END);
        } else {
            out = ensure(out, n, MIDDLE.length + metadataJson.length + 1);
            n = put(out, n, MIDDLE);
        }
        n = put(out, n, metadataJson);
        out[n++] = '}';
        return new Body(out, n);
    }

    private byte[] encodedAnswer(int flag, FlagResult r) {
        if (flag < answers.length) {
            FlagResult[] shared = answers[flag];
            for (int j = 0; j < shared.length; j++) {
                if (shared[j] == r) {
                    return encoded[flag][j];
                }
            }
        }
        return OfrepJson.single(r); // an answer made during evaluation (an error): encoded now
    }

    private static byte[] ensure(byte[] buf, int used, int more) {
        return used + more <= buf.length ? buf : Arrays.copyOf(buf, Math.max(buf.length * 2, used + more));
    }

    private static int put(byte[] buf, int at, byte[] bytes) {
        System.arraycopy(bytes, 0, buf, at, bytes.length);
        return at + bytes.length;
    }
}
