package dev.gdn.bench;

import dev.gdn.ruleset.compile.FlagFileException;
import dev.gdn.ruleset.compile.FlagdCompiler;
import dev.gdn.ruleset.eval.CompiledRuleset;
import dev.gdn.ruleset.eval.EvaluationContext;
import dev.gdn.ruleset.eval.FlagResult;
import dev.gdn.ruleset.proto.Ruleset;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Shared set-up: generated flag files compiled to rulesets, and a sanity check of the results. */
final class Fixtures {
    /** Seed of every generator: change it and results are no longer comparable with BENCHMARKS.md. */
    static final long SEED = 20_260_101L;
    /** {@code $flagd.timestamp} for every evaluation (fixed: no clock read inside the measured code). */
    static final long TIMESTAMP = 1_767_225_600L;
    static final long CREATED_AT_MILLIS = TIMESTAMP * 1000;

    private Fixtures() {
    }

    static byte[] flagFile(int flagCount) {
        return FlagdGenerator.generate(flagCount, SEED).getBytes(StandardCharsets.UTF_8);
    }

    static Ruleset ruleset(String flagdJson) {
        return ruleset(flagdJson.getBytes(StandardCharsets.UTF_8));
    }

    static Ruleset ruleset(byte[] flagdJson) {
        try {
            return FlagdCompiler.compile(flagdJson).toRuleset("bench", 1, CREATED_AT_MILLIS, List.of());
        } catch (FlagFileException e) {
            throw new IllegalStateException("generated flag file does not compile: " + e.getMessage(), e);
        }
    }

    /**
     * Fails the run if any flag answers with an error for any context: a benchmark of error paths
     * would measure exception handling and string building instead of rule evaluation.
     */
    static void checkNoErrors(CompiledRuleset rs, EvaluationContext[] contexts) {
        for (EvaluationContext ctx : contexts) {
            for (FlagResult r : rs.evaluateAll(ctx, TIMESTAMP)) {
                if (r.isError()) {
                    throw new IllegalStateException("flag " + r.key() + " errs for " + ctx.attributes() + ": " + r);
                }
            }
        }
    }
}
