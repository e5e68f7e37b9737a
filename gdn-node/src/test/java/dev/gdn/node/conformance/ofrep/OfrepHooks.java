package dev.gdn.node.conformance.ofrep;

import dev.gdn.node.conformance.steps.TestbedRun;
import io.cucumber.java.AfterAll;
import io.cucumber.java.BeforeAll;
import java.nio.file.Files;

/** Glue of the OFREP run: a real node on loopback, started once for every scenario. */
public class OfrepHooks {
    @BeforeAll
    public static void start() throws Exception {
        TestbedRun.start(new OfrepResolver(Files.createTempDirectory("gdn-flagd-testbed")));
    }

    @AfterAll
    public static void finish() {
        TestbedRun.finish();
    }
}
