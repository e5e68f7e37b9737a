package dev.gdn.ruleset.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gdn.ruleset.compile.CompileProblem;
import dev.gdn.ruleset.compile.CompileReport;
import dev.gdn.ruleset.compile.FlagdCompiler;
import dev.gdn.ruleset.eval.CompiledRuleset;
import dev.gdn.ruleset.eval.EvaluationContext;
import dev.gdn.ruleset.proto.Ruleset;
import java.util.List;
import java.util.Map;

/**
 * The flag-file compiler against any bytes (issue 11): it never throws, never overflows the stack, never
 * runs out of memory; every problem has a JSON pointer and a message in our words; whatever it accepts
 * survives the artifact round trip, loads, and evaluates without an exception escaping. Seeds:
 * {@code FlagFileFuzzTestInputs/compile/} (hostile files come from {@code bench/fuzz-seeds}).
 */
class FlagFileFuzzTest {
    private static final EvaluationContext CONTEXT = EvaluationContext.of(Map.of("targetingKey", "user-1",
            "email", "a@example.com", "version", "1.2.3", "x", 1L, "tier", "premium", "list", List.of(1L, 2L, 3L)));

    @FuzzTest(maxDuration = "10s")
    void compile(byte[] data) throws Exception {
        CompileReport report = FlagdCompiler.check(data);
        for (CompileProblem p : report.problems()) {
            if (!p.pointer().isEmpty() && !p.pointer().startsWith("/")) {
                throw new AssertionError("not a JSON pointer: " + p);
            }
            Messages.assertClean(p.message(), data);
        }
        if (report.hasErrors()) {
            return;
        }
        Ruleset r = report.flagSet().toRuleset("fuzz", 1, 0, List.of());
        CompiledRuleset rs = CompiledRuleset.of(Ruleset.parseFrom(r.toByteArray()));
        rs.evaluateAll(CONTEXT, 1_700_000_000L);
        rs.evaluateAll(EvaluationContext.empty(), 1_700_000_000L);
    }
}
