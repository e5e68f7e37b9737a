package dev.gdn.bench;

import dev.gdn.ruleset.eval.CompiledRuleset;
import dev.gdn.ruleset.eval.EvaluationContext;
import dev.gdn.ruleset.eval.FlagResult;
import dev.gdn.ruleset.json.JsonWriter;
import dev.gdn.ruleset.ofrep.BulkEtag;
import dev.gdn.ruleset.ofrep.BulkResponseWriter;
import dev.gdn.ruleset.ofrep.InvalidContextException;
import dev.gdn.ruleset.ofrep.OfrepJson;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What a GDN server does for one OFREP bulk request besides HTTP: parse the request body, evaluate
 * every flag, encode the answer and compute its ETag — the same calls, in the same order, as
 * {@code EvaluationService}. Inputs match {@code bench/node-bench.sh}: the {@link FlagdGenerator}
 * mix (50 flags there) and 1,000 generated contexts, sent as request bodies.
 *
 * <ul>
 *   <li>{@code bulkRequest}: all four steps, ns per request</li>
 *   <li>{@code parse}, {@code evaluate}, {@code encode}, {@code etag}: one step each</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"-Xmx160m", "-XX:+UseSerialGC"})
public class BulkRequestBenchmark {
    static final int CONTEXTS = 1_000;
    static final long TIMESTAMP = Fixtures.TIMESTAMP;

    @Param({"50"})
    public int flags;

    private CompiledRuleset ruleset;
    private BulkResponseWriter writer;
    private byte[][] bodies;
    private EvaluationContext[] contexts;
    private FlagResult[][] answers;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws InvalidContextException {
        ruleset = CompiledRuleset.of(Fixtures.ruleset(FlagdGenerator.generate(flags, Fixtures.SEED)));
        Map<String, Object> metadata = new LinkedHashMap<>(ruleset.metadata());
        metadata.put("rulesetVersion", ruleset.version());
        writer = new BulkResponseWriter(ruleset, metadata);
        EvaluationContext[] generated = ContextGenerator.generate(CONTEXTS, Fixtures.SEED);
        Fixtures.checkNoErrors(ruleset, generated);
        bodies = new byte[CONTEXTS][];
        contexts = new EvaluationContext[CONTEXTS];
        answers = new FlagResult[CONTEXTS][];
        for (int i = 0; i < CONTEXTS; i++) {
            bodies[i] = JsonWriter.toJson(Map.of("context", generated[i].attributes())).getBytes(StandardCharsets.UTF_8);
            contexts[i] = OfrepJson.parseRequest(bodies[i]);
            answers[i] = ruleset.evaluateAll(contexts[i], TIMESTAMP).toArray(new FlagResult[0]);
        }
    }

    private int next() {
        int i = next;
        if (++next == CONTEXTS) {
            next = 0;
        }
        return i;
    }

    @Benchmark
    public void bulkRequest(Blackhole bh) throws InvalidContextException {
        EvaluationContext ctx = OfrepJson.parseRequest(bodies[next()]);
        FlagResult[] results = new FlagResult[ruleset.flagCount()];
        ruleset.evaluateAll(ctx, TIMESTAMP, results);
        BulkResponseWriter.Body body = writer.encode(results);
        bh.consume(body);
        bh.consume(BulkEtag.of(ruleset.environmentId(), ruleset.version(), ctx.attributes(), null));
    }

    @Benchmark
    public EvaluationContext parse() throws InvalidContextException {
        return OfrepJson.parseRequest(bodies[next()]);
    }

    @Benchmark
    public FlagResult[] evaluate() {
        FlagResult[] results = new FlagResult[ruleset.flagCount()];
        ruleset.evaluateAll(contexts[next()], TIMESTAMP, results);
        return results;
    }

    @Benchmark
    public BulkResponseWriter.Body encode() {
        return writer.encode(answers[next()]);
    }

    @Benchmark
    public String etag() {
        return BulkEtag.of(ruleset.environmentId(), ruleset.version(), contexts[next()].attributes(), null);
    }
}
