package dev.gdn.chaos.drill;

import dev.gdn.chaos.load.Answer;
import dev.gdn.chaos.load.ClientKind;
import dev.gdn.chaos.load.LoadPlan;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Before a drill measures anything, every kind of client in every region gets its first fresh answer:
 * connections open, the JIT warms, plain clients fill their caches. Answers during the warm-up are
 * dropped; a world that cannot answer everyone within the limit is not ready for a drill.
 */
final class WarmUp implements Consumer<Answer> {
    private final Set<String> missing = ConcurrentHashMap.newKeySet();
    private final Object lock = new Object();

    WarmUp(List<String> regions, LoadPlan plan) {
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
        if (a.fresh() && missing.remove(a.region() + " " + a.kind().label()) && missing.isEmpty()) {
            synchronized (lock) {
                lock.notifyAll();
            }
        }
    }

    /** True once every client had a fresh answer; false when the limit passed first. */
    boolean await(Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        synchronized (lock) {
            while (!missing.isEmpty()) {
                long left = (end - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return false;
                }
                lock.wait(Math.min(left, 200));
            }
        }
        return true;
    }

    String missing() {
        return String.join(", ", new TreeSet<>(missing));
    }
}
