package dev.gdn.node.conformance.inprocess;

import dev.gdn.node.conformance.steps.TestbedRun;
import io.cucumber.java.AfterAll;
import io.cucumber.java.BeforeAll;

/** Glue of the in-process run: every scenario through the evaluator itself. */
public class InProcessHooks {
    @BeforeAll
    public static void start() {
        TestbedRun.start(new InProcessResolver());
    }

    @AfterAll
    public static void finish() {
        TestbedRun.finish();
    }
}
