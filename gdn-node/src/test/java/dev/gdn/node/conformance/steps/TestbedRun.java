package dev.gdn.node.conformance.steps;

import dev.gdn.node.conformance.FlagdTestbed;
import dev.gdn.node.conformance.TestbedResolver;

/** Starts and ends one run of the testbed with a resolver, and prints what it did not run and why. */
public final class TestbedRun {
    private TestbedRun() {
    }

    public static void start(TestbedResolver resolver) {
        FlagdTestbed.root(); // fails loudly, before any scenario, when the testbed is missing
        TestbedSteps.NOT_APPLICABLE.clear();
        TestbedSteps.resolver = resolver;
    }

    public static void finish() {
        TestbedResolver r = TestbedSteps.resolver;
        TestbedSteps.resolver = null;
        if (r != null) {
            System.out.println(TestbedSteps.notApplicableReport(r.name()));
            r.close();
        }
    }
}
