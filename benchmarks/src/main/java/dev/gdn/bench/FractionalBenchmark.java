package dev.gdn.bench;

import dev.gdn.ruleset.eval.CompiledRuleset;
import dev.gdn.ruleset.eval.EvaluationContext;
import dev.gdn.ruleset.eval.FlagResult;
import dev.gdn.ruleset.eval.Reason;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One {@code fractional} flag with 4 variants, evaluated over 4,096 different targeting keys: the
 * MurmurHash3 over {@code flagKey + targetingKey} and the bucket walk. {@code fractionalBucketBy}
 * buckets by an explicit expression ({@code {"var": "userId"}}) instead.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class FractionalBenchmark {
    private static final int KEYS = 4_096; // power of two: the index wraps with a mask
    private static final String FLAGS = """
            {"flags": {
              "rollout": {"state": "ENABLED", "defaultVariant": "a",
                "variants": {"a": "A", "b": "B", "c": "C", "d": "D"},
                "targeting": {"fractional": [["a", 10], ["b", 20], ["c", 30], ["d", 40]]}},
              "rollout-by-user": {"state": "ENABLED", "defaultVariant": "a",
                "variants": {"a": "A", "b": "B", "c": "C", "d": "D"},
                "targeting": {"fractional": [{"var": "userId"}, ["a", 25], ["b", 25], ["c", 25], ["d", 25]]}}
            }}""";

    private CompiledRuleset ruleset;
    private EvaluationContext[] contexts;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        ruleset = CompiledRuleset.of(Fixtures.ruleset(FLAGS));
        Random rnd = new Random(Fixtures.SEED);
        contexts = new EvaluationContext[KEYS];
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < KEYS; i++) {
            String tk = ContextGenerator.targetingKey(rnd);
            contexts[i] = EvaluationContext.of(Map.of("targetingKey", tk, "userId", "u" + tk.substring(5)));
            for (String flag : new String[] {"rollout", "rollout-by-user"}) {
                FlagResult r = ruleset.evaluate(flag, contexts[i], Fixtures.TIMESTAMP);
                if (r.reason() != Reason.TARGETING_MATCH) {
                    throw new IllegalStateException(flag + ": " + r);
                }
                seen.merge(flag + "=" + r.variant(), 1, Integer::sum);
            }
        }
        if (seen.size() != 8) {
            throw new IllegalStateException("not every variant is reached: " + seen);
        }
    }

    private EvaluationContext nextContext() {
        EvaluationContext ctx = contexts[next];
        next = (next + 1) & (KEYS - 1);
        return ctx;
    }

    @Benchmark
    public FlagResult fractional() {
        return ruleset.evaluate("rollout", nextContext(), Fixtures.TIMESTAMP);
    }

    @Benchmark
    public FlagResult fractionalBucketBy() {
        return ruleset.evaluate("rollout-by-user", nextContext(), Fixtures.TIMESTAMP);
    }
}
