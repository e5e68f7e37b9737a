package dev.gdn.chaos.fault;

import dev.gdn.chaos.drill.DrillContext;
import dev.gdn.chaos.drill.Fault;
import dev.gdn.chaos.world.LinkState;
import dev.gdn.chaos.world.WorldControl;
import java.util.ArrayList;
import java.util.List;

/** The simple faults: parts killed and started again, links switched and set back. */
public final class Faults {
    private Faults() {
    }

    /** Kills (SIGKILL) every part of each kind (in one region, or everywhere when region is null); the heal starts them again. */
    public static Fault kill(String region, String... kinds) {
        return new Fault() {
            final List<WorldControl.Part> killed = new ArrayList<>();

            @Override
            public void inject(DrillContext ctx) throws Exception {
                List<WorldControl.Part> targets = new ArrayList<>();
                for (String kind : kinds) {
                    targets.addAll(ctx.parts(kind, region));
                }
                killed.addAll(targets);
                all(ctx, targets, "kill");
            }

            @Override
            public void heal(DrillContext ctx) throws Exception {
                all(ctx, killed, "start");
            }
        };
    }

    /** Acts on every part at once (several nodes go down, and come back, together). */
    static void all(DrillContext ctx, List<WorldControl.Part> parts, String action) throws Exception {
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<WorldControl.Part>> done = new ArrayList<>();
            for (WorldControl.Part p : parts) {
                done.add(pool.submit(() -> ctx.act(p, action)));
            }
            for (java.util.concurrent.Future<WorldControl.Part> f : done) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof Exception x ? x : e;
                }
            }
        }
    }

    /** Puts every link matching each pattern in a state; the heal sets them back up. */
    public static Fault links(LinkState state, String... patterns) {
        return new Fault() {
            @Override
            public void inject(DrillContext ctx) throws Exception {
                for (String p : patterns) {
                    ctx.links(p, state);
                }
            }

            @Override
            public void heal(DrillContext ctx) throws Exception {
                for (String p : patterns) {
                    ctx.links(p, LinkState.UP);
                }
            }
        };
    }
}
