package dev.gdn.node.server;

import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Gives back to the operating system the heap a burst of connections grew: one full collection, requested when a
 * listener's open connections have fallen back after a burst.
 * <p>
 * Why: the image runs Serial GC (the smallest footprint on a 256 MB machine). A connection flood grows its heap
 * towards {@code -Xmx} (~24 KiB per open connection, {@link ConnectionBudget}), and Serial shrinks the heap (per
 * {@code -XX:MaxHeapFreeRatio}) only at a full collection, which a node answering small requests may not run for
 * hours: after the bench's flood the node stayed ~80 MiB above its start. G1's periodic uncommit costs more memory
 * at rest, and pre-touching the heap only moves the start up (BENCHMARKS.md, "Issue 11, the server half"). When
 * the burst is over its connections are garbage, so the one collection is short (45–80 ms measured) and shrinks
 * the heap to what is live. It can shrink only as far as the image's flags allow: {@code -Xms16m} (the default
 * -Xms is 1/64 of RAM, all of -Xmx on a big host), {@code -XX:-ShrinkHeapInSteps} (else a System.gc() shrinks
 * 0 %, then 10 %, 40 %, ... of the excess) and {@code -XX:MaxHeapFreeRatio=50} (Dockerfile).
 * <p>
 * Deliberate and bounded: one instance for the JVM ({@link #JVM}), shared by every listener, collects at most once
 * per {@code minInterval} however a client pulses its connections, and logs each collection with the heap it gave
 * back. {@code -XX:+DisableExplicitGC} makes the request a no-op: the operator's flag wins.
 */
final class HeapRelease {
    /** A burst: at least this share of a listener's connection cap open at once ... */
    static final int BURST_DIVISOR = 4;
    /** ... over once its open connections are down to this share of the cap. */
    static final int CALM_DIVISOR = 16;
    /** Bursts smaller than this many connections grow the heap by a few MiB at most: not worth a full collection. */
    static final int MIN_BURST = 256;
    static final long MIN_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    static final HeapRelease JVM = new HeapRelease(System::nanoTime, System::gc, MIN_INTERVAL_NANOS);
    private static final System.Logger LOG = System.getLogger(HeapRelease.class.getName());

    private final LongSupplier clock;
    private final Runnable collector;
    private final long minIntervalNanos;
    private final AtomicLong last;
    private final AtomicLong collections = new AtomicLong();

    HeapRelease(LongSupplier clock, Runnable collector, long minIntervalNanos) {
        this.clock = clock;
        this.collector = collector;
        this.minIntervalNanos = minIntervalNanos;
        this.last = new AtomicLong(clock.getAsLong() - minIntervalNanos);
    }

    /**
     * The burst tracker of one listener whose connection cap is {@code cap}; a burst is over once its count has
     * stayed low for {@code settle}. A flood may still be going when its connections wait in the backlog: a
     * collection then is early, not harmful, and the interval lets the next burst end collect again.
     */
    Watch watch(String server, int cap, Duration settle) {
        return new Watch(server, Math.max(MIN_BURST, cap / BURST_DIVISOR), cap / CALM_DIVISOR, settle.toNanos());
    }

    /** How many collections this instance requested (tests). */
    long collections() {
        return collections.get();
    }

    private boolean collect(String server, int peak, int open) {
        long now = clock.getAsLong();
        long previous = last.get();
        if (now - previous < minIntervalNanos || !last.compareAndSet(previous, now)) {
            LOG.log(Level.DEBUG, "{0}: burst of {1} connections over; heap collected less than {2} min ago, not again",
                    server, peak, TimeUnit.NANOSECONDS.toMinutes(minIntervalNanos));
            return false;
        }
        long before = committedHeap();
        long start = System.nanoTime();
        collector.run();
        collections.incrementAndGet();
        LOG.log(Level.INFO, "{0}: burst of {1,number,#} connections over ({2,number,#} open): one full GC to give the heap"
                        + " back, committed {3,number,#} -> {4,number,#} MiB in {5,number,#} ms (at most every {6} min)",
                server, peak, open, before >> 20, committedHeap() >> 20,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), TimeUnit.NANOSECONDS.toMinutes(minIntervalNanos));
        return true;
    }

    private static long committedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
    }

    /**
     * One listener's bursts, fed its open-connection count by one thread (the guard's sweeper): a burst starts when
     * the count reaches {@code burst} and ends when it has stayed at or below {@code calm} for {@code settleNanos};
     * its end asks for a collection.
     */
    final class Watch {
        private final String server;
        private final int burst;
        private final int calm;
        private final long settleNanos;
        private int peak; // 0 while no burst is under way
        private boolean calming;
        private long calmSince;

        private Watch(String server, int burst, int calm, long settleNanos) {
            this.server = server;
            this.burst = burst;
            this.calm = calm;
            this.settleNanos = settleNanos;
        }

        /** @return whether this count ended a burst and a collection ran */
        boolean observe(int open) {
            if (open >= burst) {
                peak = Math.max(peak, open);
            }
            if (peak == 0 || open > calm) {
                calming = false;
                return false;
            }
            long now = clock.getAsLong();
            if (!calming) {
                calming = true;
                calmSince = now;
            }
            if (now - calmSince < settleNanos) {
                return false;
            }
            int ended = peak;
            peak = 0;
            calming = false;
            return collect(server, ended, open);
        }
    }
}
