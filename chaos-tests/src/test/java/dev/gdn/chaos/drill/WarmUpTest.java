package dev.gdn.chaos.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.chaos.load.Answer;
import dev.gdn.chaos.load.ClientKind;
import dev.gdn.chaos.load.LoadPlan;
import dev.gdn.chaos.load.ServingTier;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class WarmUpTest {
    static final LoadPlan LIBRARY_ONLY = new LoadPlan(1, 0, 0, Duration.ofMillis(80), Duration.ofMillis(200), 15, 10,
            Duration.ofSeconds(2));

    static Answer fresh(String region) {
        return new Answer(System.currentTimeMillis(), 1_000_000, region, ClientKind.LIBRARY, region + "/library/0#0", Map.of(),
                ServingTier.BELT_CDN, true, 1, "pop", Map.of(), null);
    }

    @Test
    void notOverWhileTheLibrarysFirstTierIsSkippedEvenAfterTheQuietStretch() throws Exception {
        AtomicBoolean closed = new AtomicBoolean(false);
        WarmUp w = new WarmUp(List.of("ams"), LIBRARY_ONLY, closed::get);
        w.accept(fresh("ams"));
        // patient enough for the 2 s quiet stretch on a loaded machine: only the open breaker holds it up
        assertFalse(w.await(WarmUp.QUIET.plusSeconds(3)), "a breaker open: not warm");
        assertEquals("the failover library's first tier stayed skipped (its breaker open)", w.missing());
        closed.set(true);
        assertTrue(w.await(Duration.ofSeconds(20)));
    }
}
