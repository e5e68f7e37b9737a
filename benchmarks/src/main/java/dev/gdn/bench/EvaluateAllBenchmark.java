package dev.gdn.bench;

import dev.gdn.ruleset.eval.CompiledRuleset;
import dev.gdn.ruleset.eval.EvaluationContext;
import dev.gdn.ruleset.eval.FlagResult;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * All-flags evaluation (what the OFREP bulk endpoint does per request) of a 100-flag ruleset with
 * the {@link FlagdGenerator} mix, cycling through 1,000 different contexts.
 *
 * <ul>
 *   <li>{@code evaluateAll}: ns per {@code evaluateAll} call (100 flags). Per-flag cost = score / 100.</li>
 *   <li>{@code evaluateAllPerFlag}: the same call with {@code @OperationsPerInvocation(100)}, so the
 *       score already is ns per flag.</li>
 *   <li>{@code evaluateEachPerFlag}: 100 single-flag {@code evaluate(key, ctx, ts)} calls (the OFREP
 *       single-flag path, with its key lookup), ns per flag.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class EvaluateAllBenchmark {
    /** Flags in the ruleset; {@code @OperationsPerInvocation} below must equal it. */
    static final int FLAGS = 100;
    static final int CONTEXTS = 1_000;

    private CompiledRuleset ruleset;
    private String[] keys;
    private EvaluationContext[] contexts;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        ruleset = CompiledRuleset.of(Fixtures.ruleset(FlagdGenerator.generate(FLAGS, Fixtures.SEED)));
        if (ruleset.flagCount() != FLAGS) {
            throw new IllegalStateException("expected " + FLAGS + " flags, got " + ruleset.flagCount());
        }
        keys = ruleset.ruleset().getFlagsList().stream().map(f -> f.getKey()).toArray(String[]::new);
        contexts = ContextGenerator.generate(CONTEXTS, Fixtures.SEED);
        Fixtures.checkNoErrors(ruleset, contexts);
    }

    private EvaluationContext nextContext() {
        EvaluationContext ctx = contexts[next];
        if (++next == contexts.length) {
            next = 0;
        }
        return ctx;
    }

    @Benchmark
    public List<FlagResult> evaluateAll() {
        return ruleset.evaluateAll(nextContext(), Fixtures.TIMESTAMP);
    }

    @Benchmark
    @OperationsPerInvocation(FLAGS)
    public void evaluateAllPerFlag(Blackhole bh) {
        bh.consume(ruleset.evaluateAll(nextContext(), Fixtures.TIMESTAMP));
    }

    @Benchmark
    @OperationsPerInvocation(FLAGS)
    public void evaluateEachPerFlag(Blackhole bh) {
        EvaluationContext ctx = nextContext();
        for (String key : keys) {
            bh.consume(ruleset.evaluate(key, ctx, Fixtures.TIMESTAMP));
        }
    }
}
