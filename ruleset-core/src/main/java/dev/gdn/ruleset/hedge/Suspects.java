package dev.gdn.ruleset.hedge;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Candidates that lately went their hedge delay without an answer, shared by every race of one owner
 * (all the calls of one client). A race asks a suspect together with the candidate after it instead
 * of waiting its hedge delay again (see {@link HedgedRace}), so one hung attempt is enough for the
 * later races to stop paying for the hang, long before a breaker has seen enough failures to open.
 *
 * <p>A suspect that answers within its hedge delay is cleared at once, so a one-off slow answer costs
 * about one extra request; otherwise the suspicion lapses after the window (each new hang renews it).
 */
public final class Suspects<C> {
    private final long windowNanos;
    private final LongSupplier nanoClock;
    private final Map<C, Long> until = new ConcurrentHashMap<>();

    public Suspects(Duration window) {
        this(window, System::nanoTime);
    }

    /** @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime}; a test's own) */
    public Suspects(Duration window, LongSupplier nanoClock) {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("the suspicion window must be positive");
        }
        this.windowNanos = window.toNanos();
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /** Whether {@code candidate} went its hedge delay without an answer within the window and has not answered in time since. */
    public boolean contains(C candidate) {
        Long end = until.get(candidate);
        if (end == null) {
            return false;
        }
        if (end - nanoClock.getAsLong() > 0) {
            return true;
        }
        until.remove(candidate, end);
        return false;
    }

    /** It went its hedge delay without an answer: suspect for the window from now. */
    public void suspect(C candidate) {
        until.put(candidate, nanoClock.getAsLong() + windowNanos);
    }

    /** It answered within its hedge delay: no longer suspect. */
    public void clear(C candidate) {
        until.remove(candidate);
    }
}
