package dev.gdn.chaos.fault;

import dev.gdn.chaos.drill.DrillContext;
import dev.gdn.chaos.drill.Fault;
import dev.gdn.chaos.drill.Publishing;
import dev.gdn.chaos.report.CheckResult;
import dev.gdn.chaos.world.WorldControl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL stopped: evaluations must go on (nodes never touch it, the classic API serves what it
 * loaded), every admin write must answer 503 and write nothing, and once it is back a write succeeds,
 * no version was lost, and every region serves the new one.
 */
public final class PostgresOutage implements Fault {
    private final List<Integer> writesDuring = new ArrayList<>();
    private List<Long> versionsBefore = List.of();
    private Publishing.Published after;
    private List<WorldControl.Part> stopped = List.of();
    private String source;

    @Override
    public void inject(DrillContext ctx) throws Exception {
        versionsBefore = ctx.admin().versions(ctx.world().environment());
        source = Publishing.latestSource(ctx.admin(), ctx.world().environment());
        stopped = ctx.parts("postgres", null);
        for (WorldControl.Part p : stopped) {
            ctx.act(p, "stop");
        }
    }

    @Override
    public void hold(DrillContext ctx, Duration hold) throws Exception {
        long end = System.nanoTime() + hold.toNanos();
        while (System.nanoTime() < end) {
            Thread.sleep(Math.min(1000, Math.max(0, (end - System.nanoTime()) / 1_000_000)));
            if (System.nanoTime() < end) {
                // a real change (if the database were up it would become a version, and the check below would say so)
                int status = ctx.admin().uploadFlags(ctx.world().environment(),
                        Publishing.withMarker(source, "during the outage " + writesDuring.size())).status();
                writesDuring.add(status);
            }
        }
        ctx.event("admin writes during the outage answered " + writesDuring);
    }

    @Override
    public void heal(DrillContext ctx) throws Exception {
        for (WorldControl.Part p : stopped) {
            ctx.act(p, "start");
        }
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        do {
            try {
                after = Publishing.publish(ctx.admin(), ctx.world().environment(), "after the database outage");
            } catch (java.io.IOException e) {
                after = new Publishing.Published(0, 0, e.getMessage()); // the classic API reconnects within its check interval
            }
            if (!after.ok()) {
                Thread.sleep(500);
            }
        } while (!after.ok() && System.nanoTime() < end);
        ctx.event(after.ok() ? "published v" + after.version() + " after the outage" : "no admin write succeeded after the outage: " + after.body());
    }

    @Override
    public List<CheckResult> verify(DrillContext ctx) throws Exception {
        List<CheckResult> out = new ArrayList<>();
        boolean all503 = !writesDuring.isEmpty() && writesDuring.stream().allMatch(s -> s == 503);
        out.add(new CheckResult("admin writes refused during the outage", all503,
                writesDuring.size() + " writes answered " + writesDuring + " (expected 503 each)"));
        out.add(new CheckResult("admin writes work again after it", after != null && after.ok(),
                after == null ? "not tried" : after.ok() ? "v" + after.version() + " written" : "HTTP " + after.status() + " " + after.body()));
        List<Long> now = ctx.admin().versions(ctx.world().environment());
        List<Long> lost = versionsBefore.stream().filter(v -> !now.contains(v)).toList();
        boolean extra = now.stream().anyMatch(v -> !versionsBefore.contains(v) && (after == null || v != after.version()));
        out.add(new CheckResult("nothing lost or half-written", lost.isEmpty() && !extra,
                lost.isEmpty() ? (extra ? "a version appeared that no successful write made: " + now : versionsBefore.size()
                        + " versions from before the outage all there, none added by the refused writes") : "versions lost: " + lost));
        return out;
    }
}
