package dev.gdn.chaos.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.chaos.check.AnswerChecker;
import dev.gdn.chaos.check.CheckingPipeline;
import dev.gdn.chaos.check.RulesetOracle;
import dev.gdn.chaos.drill.DrillCatalog;
import dev.gdn.chaos.drill.DrillRunner;
import dev.gdn.chaos.drill.StandardChecks;
import dev.gdn.chaos.drill.Timings;
import dev.gdn.chaos.report.Reports;
import dev.gdn.chaos.world.WorldControl;
import dev.gdn.chaos.load.ClientKind;
import dev.gdn.chaos.load.Load;
import dev.gdn.chaos.load.LoadPlan;
import dev.gdn.chaos.load.ServingTier;
import dev.gdn.chaos.report.BadAnswer;
import dev.gdn.chaos.report.CheckResult;
import dev.gdn.chaos.report.DrillResult;
import dev.gdn.chaos.report.Observations;
import dev.gdn.chaos.report.SecondSample;
import dev.gdn.chaos.world.AdminApi;
import dev.gdn.chaos.world.World;
import dev.gdn.ruleset.compile.FlagdCompiler;
import dev.gdn.ruleset.eval.CompiledRuleset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load and the checker against real servers (the classic API over PostgreSQL, the sync daemon, a
 * GDN node over the store it publishes to), before the world exists: answers from every tier are
 * checked against the versions' verified artifacts; then a lying server proves the checker catches
 * wrong answers and version regressions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoadAgainstRealServersTest {
    /** The project's example flags: fractional splits, sem_ver, nested attributes, a time window, a disabled flag. */
    static final String V1 = read("../examples/flags.json");
    /** Every context's answers change: a disabled flag comes on, the rollout and the limits move. */
    static final String V2 = V1.replace("\"state\": \"DISABLED\"", "\"state\": \"ENABLED\"")
            .replace("[\"on\", 25], [\"off\", 75]", "[\"on\", 60], [\"off\", 40]").replace("\"large\": 100", "\"large\": 150");
    static final LoadPlan PLAN = new LoadPlan(2, 2, 2, Duration.ofMillis(40), Duration.ofMillis(60), 10, 60, Duration.ofSeconds(2));

    MiniWorld mini;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        mini = new MiniWorld(dir, V1);
        waitFor("the node serves the first upload", () -> mini.nodeVersion() > 0);
    }

    @AfterAll
    void stop() throws Exception {
        mini.close();
    }

    /** One drill's plumbing without faults: oracle (the store's verified artifacts, then the admin API), checker, load. */
    final class Run implements AutoCloseable {
        final AdminApi admin = mini.admin();
        final RulesetOracle oracle = new RulesetOracle(MiniWorld.ENV, List.of(RulesetOracle.store(mini.store, mini.trusted),
                RulesetOracle.admin(admin)));
        final Observations obs;
        final CheckingPipeline pipeline;
        final Load load;

        Run(World world) {
            obs = new Observations(System.currentTimeMillis(), world.regionCodes());
            pipeline = new CheckingPipeline(new AnswerChecker(oracle, obs.t0() / 1000 - 60), obs);
            load = new Load(world, PLAN, pipeline);
        }

        DrillResult finish() throws Exception {
            load.stop();
            pipeline.drain(5_000);
            DrillResult r = obs.finish("it", "it", "it", List.of());
            return r.withChecks(StandardChecks.of(r));
        }

        @Override
        public void close() throws Exception {
            load.close();
            pipeline.close();
            admin.close();
        }
    }

    @Test
    void everyAnswerFromEveryTierIsCheckedThroughAPublishAndTheNodesDeath() throws Exception {
        World world = mini.world(mini.nodeUrl());
        long v1 = mini.nodeVersion();
        DrillResult r;
        try (Run run = new Run(world)) {
            run.load.start();
            Thread.sleep(2_500);
            long v2 = AdminApi.versionOf(run.admin.uploadFlags(MiniWorld.ENV, V2));
            run.obs.event("published v" + v2);
            waitFor("the node serves v" + v2, () -> mini.nodeVersion() == v2);
            Thread.sleep(2_000);
            run.obs.markFault();
            mini.stopNode();
            Thread.sleep(3_000);
            r = run.finish();
            assertEquals(Map.of(v1, mini.store.name(), v2, mini.store.name()), run.oracle.loaded(),
                    "the truth came from the store's verified artifacts");
            assertTrue(v2 > v1);
            assertVersionsSeen(r, v1, v2);
        }
        var t = r.totals();
        assertTrue(t.evaluations() > 150, "evaluations: " + t);
        // Unanswered evaluations are the servers' and the library's business, not the checker's: each is
        // counted and shown with the library's reason. (On a loaded machine the library's breakers can
        // all open at once; the drills report that, and so does this test's output.)
        List<BadAnswer> unanswered = r.firstBad().stream().filter(b -> b.check().equals("answered")).toList();
        assertEquals(t.evaluations() - t.answered() == 0, unanswered.isEmpty());
        unanswered.forEach(b -> assertTrue(b.problem().startsWith("no answer: ") && b.problem().length() > 20, b.problem()));
        if (!unanswered.isEmpty()) {
            System.err.println("LoadAgainstRealServersTest: " + (t.evaluations() - t.answered()) + " of " + t.evaluations()
                    + " unanswered, first: " + unanswered.get(0));
        }
        assertEquals(0, t.wrong(), () -> "wrong: " + r.firstBad());
        assertEquals(0, t.regressions(), () -> "regressions: " + r.firstBad());
        assertEquals(0, t.unverified(), () -> "unverified: " + r.firstBad());
        Map<ServingTier, Integer> tiers = new java.util.EnumMap<>(ServingTier.class);
        r.seconds().forEach(s -> s.byTier().forEach((k, n) -> tiers.merge(k, n, Integer::sum)));
        assertTrue(tiers.getOrDefault(ServingTier.BELT_CDN, 0) > 50, tiers::toString);
        // through its CDN tier or its origin tier, whichever the library's hedging and breakers picked
        assertTrue(tiers.getOrDefault(ServingTier.SUSPENDERS_CDN, 0) + tiers.getOrDefault(ServingTier.CLASSIC, 0) > 10,
                () -> "the library fell over to the classic API: " + tiers);
        assertTrue(tiers.getOrDefault(ServingTier.LOCAL_CACHE, 0) > 5, () -> "plain clients kept answering from their caches: " + tiers);
        assertTrue(r.totals().stale() > 5);
        assertEquals(3, r.byKind().size());
        for (ClientKind k : ClientKind.values()) {
            assertTrue(r.byKind().get(k).evaluations() > 20, k + ": " + r.byKind());
        }
    }

    private static void assertVersionsSeen(DrillResult r, long v1, long v2) {
        List<Long> maxima = r.seconds().stream().map(s -> s.regions().get("ams")).filter(java.util.Objects::nonNull)
                .map(SecondSample.RegionSecond::maxVersion).distinct().sorted().collect(Collectors.toList());
        assertEquals(List.of(v1, v2), maxima.stream().filter(v -> v > 0).toList(), "the version chart climbs from v1 to v2");
    }

    @Test
    void aLyingServerIsCaughtWrongAnswersAndRegressionsNamedTheLibraryNeverStepsBack() throws Exception {
        long before;
        long after;
        String source;
        String changed;
        try (AdminApi admin = mini.admin()) {
            List<Long> versions = admin.versions(MiniWorld.ENV);
            before = versions.get(versions.size() - 1);
            source = admin.source(MiniWorld.ENV, before).body();
            changed = source.replace("\"red\": \"#c0392b\"", "\"red\": \"#ff0000\"");
            after = AdminApi.versionOf(admin.uploadFlags(MiniWorld.ENV, changed));
        }
        CompiledRuleset old = compile(source, before);
        CompiledRuleset neu = compile(changed, after);
        // requests 0-79: the truth (new version); 80-159: the old content claimed as new; then the old version, honestly
        try (LyingServer liar = new LyingServer(n -> n < 80 ? new LyingServer.Move(neu, after)
                : n < 160 ? new LyingServer.Move(old, after) : new LyingServer.Move(old, before))) {
            World world = mini.world(liar.url());
            DrillResult r;
            try (Run run = new Run(world)) {
                run.load.start();
                waitFor("the liar went through its plan", () -> liar.requests.get() > 260);
                r = run.finish();
            }
            var t = r.totals();
            assertTrue(t.wrong() > 0, "wrong answers found: " + t);
            assertTrue(t.regressions() > 0, "regressions found: " + t);
            assertEquals(0, r.byKind().get(ClientKind.LIBRARY).regressions(),
                    "the library keeps the newer answer per context: its sessions never step back");
            assertTrue(r.byKind().get(ClientKind.OFREP).regressions() + r.byKind().get(ClientKind.CDN_GET).regressions() > 0);
            assertFalse(r.passed());
            List<String> failed = r.failures().stream().map(CheckResult::name).toList();
            assertTrue(failed.containsAll(List.of("answers correct", "no version regression")), failed::toString);
            BadAnswer wrong = r.firstBad().stream().filter(b -> b.check().equals("correct")).findFirst().orElseThrow();
            assertEquals(after, wrong.version());
            assertEquals("liar", wrong.servedBy());
            assertTrue(wrong.problem().startsWith("header-color: expected [\"#ff0000\",\"red\",\"TARGETING_MATCH\",null], got [\"#c0392b\","),
                    wrong.problem());
            BadAnswer back = r.firstBad().stream().filter(b -> b.check().equals("no regression")).findFirst().orElseThrow();
            assertEquals("version " + before + " after the session had seen " + after, back.problem());
        }
    }

    @Test
    void aDrillRunsEndToEndInjectsHealsChecksAndWritesItsReports(@TempDir Path out) throws Exception {
        if (mini.node == null) {
            mini.startNode();
        }
        waitFor("the node is ready", () -> mini.nodeVersion() > 0);
        World world = mini.world(mini.nodeUrl());
        WorldControl control = new WorldControl() {
            @Override
            public List<Part> parts() {
                return List.of(new Part("node-ams", "node", "ams", mini.node == null ? "EXITED" : "READY", ProcessHandle.current().pid()));
            }

            @Override
            public Part act(String part, String action) throws java.io.IOException {
                try {
                    switch (action) {
                        case "kill" -> mini.stopNode();
                        case "start" -> {
                            mini.startNode();
                            waitFor("the restarted node is ready", () -> mini.nodeVersion() > 0);
                        }
                        default -> throw new java.io.IOException("unsupported: " + action);
                    }
                } catch (java.io.IOException e) {
                    throw e;
                } catch (Exception e) {
                    throw new java.io.IOException(e);
                }
                return parts().get(0);
            }

            @Override
            public void setLinks(String pattern, dev.gdn.chaos.world.LinkState state) {
                throw new UnsupportedOperationException("no links here");
            }
        };
        List<String> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
        DrillRunner runner = new DrillRunner(world, control, mini.trusted, PLAN,
                new Timings(Duration.ofSeconds(3), Duration.ofSeconds(4), Duration.ofSeconds(5)), progress::add);
        DrillResult r = runner.run(DrillCatalog.find("all-nodes-down").orElseThrow());
        Reports.write(List.of(r), out, "mini world");
        System.err.println(dev.gdn.chaos.report.TerminalSummary.render(List.of(r)));

        assertEquals(null, r.error());
        assertEquals(List.of("fault injected", "kill node-ams", "healed", "start node-ams"),
                r.events().stream().map(e -> e.text().replaceAll(" \\(pid \\d+\\)", "")).toList());
        assertTrue(progress.get(0).startsWith("all-nodes-down: steady state for 3 s"), progress::toString);
        Map<String, Boolean> checks = new java.util.LinkedHashMap<>();
        r.checks().forEach(c -> checks.put(c.name(), c.passed()));
        assertEquals(List.of("steady state healthy", "every evaluation answered", "answers correct", "no version regression",
                "every answer verified", "recovered", "every region converged", "fault injected"), List.copyOf(checks.keySet()));
        for (String must : List.of("steady state healthy", "answers correct", "no version regression", "every answer verified",
                "every region converged", "fault injected")) {
            assertTrue(checks.get(must), () -> must + " failed: " + r.checks() + " " + r.firstBad());
        }
        assertTrue(r.healAtMillis() - r.faultAtMillis() >= 4_000);
        for (String f : List.of("report.html", "report.json", "junit.xml", "charts/all-nodes-down-answers.svg")) {
            assertTrue(Files.size(out.resolve(f)) > 500, f);
        }
    }

    static CompiledRuleset compile(String flags, long version) throws Exception {
        return CompiledRuleset.of(FlagdCompiler.compile(flags).toRuleset(MiniWorld.ENV, version, 0, List.of()));
    }

    static String read(String path) {
        try {
            return Files.readString(Path.of(path));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 20 s: " + what);
            }
            Thread.sleep(50);
        }
    }
}
