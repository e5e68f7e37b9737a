package dev.gdn.node.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.ruleset.compile.CompileProblem;
import dev.gdn.ruleset.compile.FlagSet;
import dev.gdn.ruleset.compile.FlagdCompiler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The testbed is where the conformance suites look for it (they select its feature files by path, and
 * would find nothing without it), and its merged file is the one issue 10 is about: it compiles, with
 * every one of its broken flags a warning and no file error.
 */
class FlagdTestbedPresentTest {
    @Test
    void testbedIsThereWithEveryFeatureTheSuitesRun() throws Exception {
        Path root = FlagdTestbed.root();
        assertEquals("3.9.0", Files.readString(root.resolve("version.txt")).trim());
        for (String f : List.of("evaluation", "targeting", "disabled", "metadata", "selector")) {
            assertTrue(Files.isRegularFile(Path.of("../../shared/flagd-testbed/gherkin/" + f + ".feature")),
                    "the suites select ../../shared/flagd-testbed/gherkin/" + f + ".feature from " + Path.of("").toAbsolutePath());
            FlagdTestbed.feature(f + ".feature");
        }
    }

    @Test
    void mergedFileCompilesWithWarningsOnly() throws Exception {
        FlagSet fs = FlagdCompiler.compile(FlagdTestbed.merged());
        List<String> pointers = fs.warnings().stream().map(CompileProblem::pointer).toList();
        assertTrue(pointers.contains("/flags/starts-with-wrong-args-flag/targeting/starts_with"), pointers::toString);
        assertTrue(pointers.contains("/flags/ref-to-nonexistent-evaluator-flag/targeting/if/0/$ref"), pointers::toString);
        assertTrue(pointers.contains("/flags/error-targeting-flag/targeting/invalid"), pointers::toString);
        assertTrue(fs.warnings().size() >= 11, fs.warnings()::toString);
        FlagdTestbed.writeMerged(Path.of("target/flagd-testbed")); // for ./gdn eval --flags gdn-node/target/flagd-testbed/allFlags.json
    }
}
