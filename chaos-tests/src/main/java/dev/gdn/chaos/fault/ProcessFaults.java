package dev.gdn.chaos.fault;

import dev.gdn.chaos.drill.DrillContext;
import dev.gdn.chaos.drill.Fault;
import dev.gdn.chaos.drill.Publishing;
import dev.gdn.chaos.report.CheckResult;
import dev.gdn.chaos.world.Processes;
import dev.gdn.chaos.world.WorldControl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Faults that pause, resume and restart the world's nodes while they serve. */
public final class ProcessFaults {
    private ProcessFaults() {
    }

    /**
     * A region's node frozen (SIGSTOP: it neither fetches nor answers, as if cut off) while two versions
     * are published; the heal resumes it with its stale ruleset. Every region must end on the newest
     * version, and no session may see an older one on the way.
     */
    public static Fault publishDuringPartition(String region) {
        return new Fault() {
            WorldControl.Part node;
            final List<Long> published = new ArrayList<>();

            @Override
            public void inject(DrillContext ctx) throws Exception {
                node = ctx.parts("node", region).get(0);
                Processes.signal(node.pid(), Processes.Signal.STOP);
                ctx.event("froze " + node.name() + " (pid " + node.pid() + "): partitioned");
            }

            @Override
            public void hold(DrillContext ctx, Duration hold) throws Exception {
                for (int i = 1; i <= 2; i++) {
                    Thread.sleep(hold.toMillis() / 3);
                    Publishing.Published p = Publishing.publish(ctx.admin(), ctx.world().environment(), "during the partition " + i);
                    if (!p.ok()) {
                        throw new IllegalStateException("publish " + i + " during the partition failed: HTTP " + p.status() + " " + p.body());
                    }
                    published.add(p.version());
                    ctx.event("published v" + p.version() + " during the partition");
                }
                Thread.sleep(hold.toMillis() / 3);
            }

            @Override
            public void heal(DrillContext ctx) throws Exception {
                if (node != null) {
                    Processes.signal(node.pid(), Processes.Signal.CONT);
                    ctx.event("resumed " + node.name());
                }
            }

            @Override
            public List<CheckResult> verify(DrillContext ctx) {
                long newest = published.isEmpty() ? 0 : published.get(published.size() - 1);
                long seen = ctx.observations().recentVersions(3).getOrDefault(region, 0L);
                return List.of(new CheckResult("the partitioned region caught up", newest > 0 && seen == newest,
                        region + " serves v" + seen + " at the end; published during the partition: " + published));
            }
        };
    }

    /** A region's node that keeps vanishing and coming back: paused and resumed every second for the hold. */
    public static Fault flappingNode(String region) {
        return new Fault() {
            WorldControl.Part node;
            volatile boolean paused;

            @Override
            public void inject(DrillContext ctx) throws Exception {
                node = ctx.parts("node", region).get(0);
            }

            @Override
            public void hold(DrillContext ctx, Duration hold) throws Exception {
                long end = System.nanoTime() + hold.toNanos();
                int flaps = 0;
                while (System.nanoTime() < end) {
                    Processes.signal(node.pid(), Processes.Signal.STOP);
                    paused = true;
                    Thread.sleep(1000);
                    Processes.signal(node.pid(), Processes.Signal.CONT);
                    paused = false;
                    flaps++;
                    Thread.sleep(Math.min(1000, Math.max(0, (end - System.nanoTime()) / 1_000_000)));
                }
                ctx.event(node.name() + " flapped " + flaps + " times (1 s away, 1 s back)");
            }

            @Override
            public void heal(DrillContext ctx) throws Exception {
                if (node != null && paused) {
                    Processes.signal(node.pid(), Processes.Signal.CONT);
                }
            }
        };
    }

    /** Every node restarted in turn (graceful stop, start, ready), as a deploy does. */
    public static Fault rollingRestart() {
        return new Fault() {
            final List<String> notReady = new ArrayList<>();

            @Override
            public void inject(DrillContext ctx) throws Exception {
                ctx.parts("node", null); // fails early when the world has none
            }

            @Override
            public void hold(DrillContext ctx, Duration hold) throws Exception {
                long end = System.nanoTime() + hold.toNanos();
                for (WorldControl.Part node : ctx.parts("node", null)) {
                    WorldControl.Part after = ctx.act(node, "restart");
                    if (!after.ready()) {
                        notReady.add(after.name() + " " + after.state());
                    }
                    Thread.sleep(500);
                }
                long left = (end - System.nanoTime()) / 1_000_000;
                if (left > 0) {
                    Thread.sleep(left);
                }
            }

            @Override
            public void heal(DrillContext ctx) throws Exception {
                for (WorldControl.Part p : ctx.control().parts()) {
                    if (p.kind().equals("node") && !p.ready()) {
                        ctx.act(p, "start");
                    }
                }
            }

            @Override
            public List<CheckResult> verify(DrillContext ctx) {
                return List.of(new CheckResult("every node came back ready", notReady.isEmpty(),
                        notReady.isEmpty() ? "each node restarted and was ready before the next" : "not ready: " + notReady));
            }
        };
    }
}
