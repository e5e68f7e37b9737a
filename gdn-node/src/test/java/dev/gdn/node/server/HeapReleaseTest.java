package dev.gdn.node.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** When {@link HeapRelease} asks for a collection: on a clock the test moves, with a collector that counts. */
class HeapReleaseTest {
    static final long INTERVAL = TimeUnit.MINUTES.toNanos(1);
    static final Duration SETTLE = Duration.ofSeconds(10);

    final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    final AtomicInteger collected = new AtomicInteger();
    final HeapRelease release = new HeapRelease(now::get, collected::incrementAndGet, INTERVAL);

    void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void oneCollectionOnceAFloodHasStayedOverForTheSettleTime() {
        HeapRelease.Watch watch = release.watch("test", 3000, SETTLE); // burst ≥ 750, calm ≤ 187
        assertFalse(watch.observe(100));
        assertFalse(watch.observe(3000));
        advance(Duration.ofSeconds(60));
        assertFalse(watch.observe(2900));
        assertFalse(watch.observe(3));
        advance(Duration.ofSeconds(9));
        assertFalse(watch.observe(0), "not before the settle time");
        advance(Duration.ofSeconds(1));
        assertTrue(watch.observe(0));
        advance(Duration.ofSeconds(30));
        assertFalse(watch.observe(0), "one collection per burst");
        assertEquals(1, collected.get());
    }

    @Test
    void aDipDuringTheFloodIsNotItsEnd() {
        HeapRelease.Watch watch = release.watch("test", 3000, SETTLE);
        watch.observe(3000);
        watch.observe(50); // the header timeout closed a batch
        advance(Duration.ofSeconds(5));
        assertFalse(watch.observe(400), "refilled from the backlog");
        advance(Duration.ofSeconds(6));
        assertFalse(watch.observe(50), "the settle time starts again at each calm spell");
        advance(Duration.ofSeconds(9));
        assertFalse(watch.observe(50));
        assertEquals(0, collected.get());
        advance(Duration.ofSeconds(1));
        assertTrue(watch.observe(50));
    }

    @Test
    void noCollectionWithoutABurst() {
        HeapRelease.Watch watch = release.watch("test", 10_000, SETTLE);
        for (int i = 0; i < 100; i++) {
            watch.observe(i % 2 == 0 ? 2000 : 0); // below a quarter of the cap: ordinary traffic
            advance(Duration.ofSeconds(30));
        }
        assertEquals(0, collected.get());
    }

    @Test
    void smallListenersNeedAtLeastTheMinimumBurst() {
        HeapRelease.Watch watch = release.watch("test", 64, SETTLE);
        watch.observe(64);
        advance(Duration.ofSeconds(20));
        assertFalse(watch.observe(0));
        advance(Duration.ofSeconds(20));
        assertFalse(watch.observe(0));
        assertEquals(0, collected.get());
    }

    @Test
    void listenersShareTheRateLimit() {
        HeapRelease.Watch a = release.watch("a", 3000, SETTLE);
        HeapRelease.Watch b = release.watch("b", 3000, SETTLE);
        a.observe(3000);
        b.observe(3000);
        a.observe(0);
        b.observe(0);
        advance(SETTLE);
        assertTrue(a.observe(0));
        assertFalse(b.observe(0), "b's burst ended within the interval of a's collection");
        // pulses every 12 s: one collection per interval however often the bursts end
        for (int pulse = 1; pulse <= 10; pulse++) {
            advance(Duration.ofSeconds(2));
            a.observe(3000);
            a.observe(0);
            advance(SETTLE);
            a.observe(0);
        }
        assertEquals(3, collected.get(), "at 10, 70 and 130 s");
    }
}
