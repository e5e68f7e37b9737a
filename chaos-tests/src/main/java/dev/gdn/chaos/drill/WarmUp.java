package dev.gdn.chaos.drill;

import dev.gdn.chaos.load.Answer;
import dev.gdn.chaos.load.ClientKind;
import dev.gdn.chaos.load.LoadPlan;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Before a drill measures anything, every kind of client in every region gets its first fresh answer
 * (connections open, plain clients fill their caches), and then the world answers everyone fresh for
 * {@link #QUIET} in a row (a world just started answers slowly at first while its JITs warm), with the
 * library's first tier's breaker closed: one a cold world opened stays open for seconds, and a steady
 * state measured meanwhile has another tier as its main one. Answers during the warm-up are
 * dropped; a world that cannot get there within the limit is not ready for a drill.
 */
final class WarmUp implements Consumer<Answer> {
    static final Duration QUIET = Duration.ofSeconds(2);
    private final Set<String> missing = ConcurrentHashMap.newKeySet();
    private final Object lock = new Object();
    /** Since when (nanoTime) everything has answered fresh: the later of the last first answer and the last failure. */
    private volatile long quietSince;
    private final BooleanSupplier breakersClosed;

    /** @param breakersClosed whether the breaker of each library client's first tier is closed now */
    WarmUp(List<String> regions, LoadPlan plan, BooleanSupplier breakersClosed) {
        this.breakersClosed = breakersClosed;
        for (String region : regions) {
            if (plan.librarySessions() > 0) {
                missing.add(region + " " + ClientKind.LIBRARY.label());
            }
            if (plan.ofrepSessions() > 0) {
                missing.add(region + " " + ClientKind.OFREP.label());
            }
            if (plan.cdnSessions() > 0) {
                missing.add(region + " " + ClientKind.CDN_GET.label());
            }
        }
    }

    @Override
    public void accept(Answer a) {
        if (!a.fresh()) {
            if (missing.isEmpty()) {
                quietSince = System.nanoTime(); // a failure: the quiet stretch starts again
            }
            return;
        }
        if (missing.remove(a.region() + " " + a.kind().label()) && missing.isEmpty()) {
            quietSince = System.nanoTime();
        }
    }

    /** True once every client had a fresh answer; false when the limit passed first. */
    boolean await(Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        synchronized (lock) {
            while (!missing.isEmpty() || System.nanoTime() - quietSince < QUIET.toNanos() || !breakersClosed.getAsBoolean()) {
                long left = (end - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return false;
                }
                lock.wait(Math.min(left, 100));
            }
        }
        return true;
    }

    /** What kept the warm-up from ending: clients without a fresh answer yet, or recent failures. */
    String missing() {
        if (!missing.isEmpty()) {
            return "no fresh answer yet from " + String.join(", ", new TreeSet<>(missing));
        }
        return System.nanoTime() - quietSince < QUIET.toNanos()
                ? "every client answered, but not for " + QUIET.toSeconds() + " s in a row without a failure"
                : "the failover library's first tier stayed skipped (its breaker open)";
    }
}
