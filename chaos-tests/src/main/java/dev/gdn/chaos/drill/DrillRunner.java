package dev.gdn.chaos.drill;

import dev.gdn.chaos.check.AnswerChecker;
import dev.gdn.chaos.check.CheckingPipeline;
import dev.gdn.chaos.check.RulesetOracle;
import dev.gdn.chaos.load.Answer;
import dev.gdn.chaos.load.Load;
import dev.gdn.chaos.load.LoadPlan;
import dev.gdn.chaos.report.CheckResult;
import dev.gdn.chaos.report.DrillResult;
import dev.gdn.chaos.report.Observations;
import dev.gdn.chaos.world.AdminApi;
import dev.gdn.chaos.world.World;
import dev.gdn.chaos.world.WorldControl;
import dev.gdn.chaos.world.WorldStores;
import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.sync.store.ObjectStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs one drill against a running world: the load starts, steady state, the fault injected and held,
 * the heal, the verify phase, then every answer checked and the checks decided. The heal runs whatever
 * happened before it, so a failed drill leaves the world as it found it as far as the fault can.
 */
public final class DrillRunner {
    private final World world;
    private final WorldControl control;
    private final TrustedKeys trusted;
    private final LoadPlan plan;
    private final Timings timings;
    private final Consumer<String> progress;
    /** How long the world may take to answer every client before a drill (a world just started is slow at first). */
    static final Duration WARM_UP = Duration.ofSeconds(60);

    /**
     * @param trusted  the keys the world signs with (store artifacts are verified against them)
     * @param progress one line per step, for the terminal
     */
    public DrillRunner(World world, WorldControl control, TrustedKeys trusted, LoadPlan plan, Timings timings, Consumer<String> progress) {
        this.world = world;
        this.control = control;
        this.trusted = trusted;
        this.plan = plan;
        this.timings = timings;
        this.progress = progress;
    }

    public DrillResult run(Drill drill) {
        Instant startedAt = Instant.now();
        Fault fault;
        try {
            fault = drill.fault().apply(world);
        } catch (RuntimeException e) {
            return DrillResult.notRun(drill.name(), drill.title(), drill.proves(), startedAt, e.getMessage());
        }
        List<ObjectStore> stores = new ArrayList<>();
        try (AdminApi admin = new AdminApi(world.admin(), Duration.ofSeconds(5))) {
            List<RulesetOracle.Source> sources = new ArrayList<>();
            for (String uri : world.stores()) {
                try {
                    ObjectStore s = WorldStores.open(world, uri);
                    stores.add(s);
                    sources.add(RulesetOracle.store(s, trusted));
                } catch (Exception e) {
                    progress.accept(drill.name() + ": cannot open store " + uri + " for checking (" + e.getMessage() + "); using the others");
                }
            }
            sources.add(RulesetOracle.admin(admin));
            return run(drill, fault, admin, new RulesetOracle(world.environment(), sources));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DrillResult.notRun(drill.name(), drill.title(), drill.proves(), startedAt, "interrupted");
        } finally {
            stores.forEach(ObjectStore::close);
        }
    }

    private DrillResult run(Drill drill, Fault fault, AdminApi admin, RulesetOracle oracle) throws InterruptedException {
        java.util.concurrent.atomic.AtomicReference<java.util.function.Consumer<Answer>> sink = new java.util.concurrent.atomic.AtomicReference<>();
        List<CheckResult> faultChecks = new ArrayList<>();
        try (Load load = new Load(world, plan, a -> sink.get().accept(a))) {
            WarmUp warmUp = new WarmUp(world.regionCodes(), plan, load::libraryFirstTiersClosed);
            sink.set(warmUp);
            // Warm-up, not measured: every client in every region has its first fresh answer (connections, JIT, caches).
            load.start();
            if (!warmUp.await(WARM_UP)) {
                return DrillResult.notRun(drill.name(), drill.title(), drill.proves(), Instant.now(), "the world did not answer every client"
                        + " within " + WARM_UP.toSeconds() + " s before the drill (" + warmUp.missing() + ")");
            }
            Observations obs = new Observations(System.currentTimeMillis(), world.regionCodes());
            AnswerChecker checker = new AnswerChecker(oracle, obs.t0() / 1000 - 60);
            DrillContext ctx = new DrillContext(world, control, admin, obs);
            try (CheckingPipeline pipeline = new CheckingPipeline(checker, obs)) {
                sink.set(a -> {
                    if (a.startedAtMillis() >= obs.t0()) {
                        pipeline.accept(a);
                    }
                });
                return measured(drill, fault, load, pipeline, obs, ctx, faultChecks);
            }
        }
    }

    private DrillResult measured(Drill drill, Fault fault, Load load, CheckingPipeline pipeline, Observations obs, DrillContext ctx,
                                 List<CheckResult> faultChecks) throws InterruptedException {
        progress.accept(drill.name() + ": steady state for " + seconds(timings.steady()));
        Thread.sleep(timings.steady().toMillis());
        boolean injected = false;
        try {
            progress.accept(drill.name() + ": injecting the fault, holding " + seconds(timings.hold()));
            obs.markFault();
            fault.inject(ctx);
            injected = true;
            faultChecks.add(CheckResult.pass("fault injected", "as planned"));
            fault.hold(ctx, timings.hold());
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            ctx.event((injected ? "failed during the hold: " : "could not inject the fault: ") + e.getMessage());
            faultChecks.add(CheckResult.fail(injected ? "fault held" : "fault injected", String.valueOf(e.getMessage())));
        } finally {
            progress.accept(drill.name() + ": healing, then verifying for " + seconds(timings.verify()));
            obs.markHeal();
            try {
                fault.heal(ctx);
            } catch (Exception e) {
                ctx.event("could not heal: " + e.getMessage());
                faultChecks.add(CheckResult.fail("healed", String.valueOf(e.getMessage())));
            }
        }
        Thread.sleep(timings.verify().toMillis());
        // A world that has not settled yet gets up to the verify time again, so a slow catch-up is
        // measured (recovery time) rather than cut off; the checks still judge what happened.
        long extra = System.nanoTime() + timings.verify().toNanos();
        if (!obs.settled()) {
            while (!obs.settled() && System.nanoTime() < extra) {
                Thread.sleep(250);
            }
            ctx.event(obs.settled() ? "settled: every region answering fresh, on the newest version" : "not settled after twice the verify time");
        }
        obs.markEnd();
        load.stop();
        pipeline.drain(5_000);
        try {
            faultChecks.addAll(fault.verify(ctx)); // after the drain: a fault's checks may read every answer's record
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            faultChecks.add(CheckResult.fail("drill's own checks", "could not run: " + e.getMessage()));
        }
        DrillResult r = obs.finish(drill.name(), drill.title(), drill.proves(), List.of());
        List<CheckResult> checks = new ArrayList<>(StandardChecks.of(r));
        checks.addAll(faultChecks);
        r = r.withChecks(checks);
        progress.accept(drill.name() + ": " + (r.passed() ? "PASS" : "FAIL"));
        return r;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
    }
}
