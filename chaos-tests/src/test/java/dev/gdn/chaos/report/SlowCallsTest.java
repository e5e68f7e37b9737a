package dev.gdn.chaos.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.chaos.check.AnswerChecker;
import dev.gdn.chaos.check.TestRulesets;
import dev.gdn.chaos.load.Answer;
import dev.gdn.chaos.load.ClientKind;
import dev.gdn.chaos.load.ServingTier;
import dev.gdn.client.policy.CallTrace;
import dev.gdn.ruleset.eval.CompiledRuleset;
import dev.gdn.ruleset.json.JsonReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report keeps the library's slowest calls with the client's trace of each. */
class SlowCallsTest {
    static final long T0 = 1_700_000_000_000L;
    final AtomicLong clock = new AtomicLong(T0);
    final Observations obs = new Observations(T0, List.of("ams"), clock::get);
    final CompiledRuleset v1 = TestRulesets.compile(TestRulesets.V1, 1);
    final AnswerChecker checker = new AnswerChecker(TestRulesets.oracle(Map.of(1L, v1)), T0 / 1000 - 60);

    @TempDir
    Path dir;

    /** A call that hit its deadline: belt and node hung, the rest skipped by their breakers. */
    static final CallTrace DEADLINE = new CallTrace(List.of(
            new CallTrace.Attempt("belt-cdn (http://b)", Duration.ZERO, CallTrace.Asked.IN_TURN, CallTrace.Outcome.HUNG_CANCELLED,
                    Duration.ofMillis(2000), null),
            new CallTrace.Attempt("gdn (http://n)", Duration.ofMillis(75), CallTrace.Asked.IN_TURN, CallTrace.Outcome.HUNG_CANCELLED,
                    Duration.ofMillis(1925), null),
            new CallTrace.Attempt("suspenders-cdn (http://s)", Duration.ofMillis(75), CallTrace.Asked.NO, CallTrace.Outcome.SKIPPED_HALF_OPEN,
                    Duration.ZERO, null)));

    void library(long atMs, long tookMs, CallTrace trace) {
        clock.set(T0 + atMs);
        boolean fresh = trace != DEADLINE; // (the deadline call got its last good answer)
        obs.record(checker.check(new Answer(T0 + atMs, tookMs * 1_000_000, "ams", ClientKind.LIBRARY, "ams/library/0#0", TestRulesets.ANN,
                fresh ? ServingTier.BELT_CDN : ServingTier.LOCAL_CACHE, fresh, 1, "ams/n1", TestRulesets.flags(v1, TestRulesets.ANN),
                fresh ? null : "no tier answered within 2000 ms", trace)));
    }

    @Test
    void theTenSlowestAreKeptWhenNoneTookASecond() {
        for (int i = 1; i <= 30; i++) {
            library(i * 100L, i, CallTrace.NONE);
        }
        DrillResult r = obs.finish("d", "D", "", List.of());
        assertEquals(List.of(21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0), r.slowCalls().stream().map(SlowCall::tookMs).toList());
    }

    @Test
    void everyCallOfASecondOrMoreIsKeptBeyondTheTen() {
        for (int i = 1; i <= 14; i++) {
            library(i * 100L, 1000 + i, CallTrace.NONE);
        }
        library(2000, 5, CallTrace.NONE);
        library(2100, 1999, DEADLINE);
        DrillResult r = obs.finish("d", "D", "", List.of());
        assertEquals(15, r.slowCalls().size(), "the 14 calls over a second and the deadline call; not the 5 ms one");
        SlowCall last = r.slowCalls().get(14);
        assertEquals(2100, last.atMillis(), "by start time");
        assertEquals(DEADLINE, last.trace());
        assertEquals("local cache", last.tier());
    }

    @Test
    @SuppressWarnings("unchecked")
    void reportJsonAndHtmlShowTheTraces() throws Exception {
        library(100, 3, CallTrace.NONE);
        library(200, 1999, DEADLINE);
        Reports.write(List.of(obs.finish("d", "D", "", List.of())), dir, "test");
        Map<String, Object> d = (Map<String, Object>) ((List<Object>) ((Map<String, Object>) JsonReader.standard()
                .read(Files.readString(dir.resolve("report.json")))).get("drills")).get(0);
        List<Object> slow = (List<Object>) d.get("slow_calls");
        assertEquals(2, slow.size());
        Map<String, Object> call = (Map<String, Object>) slow.get(1);
        assertEquals(0.2, call.get("at_s"));
        assertEquals("ams", call.get("region"));
        assertEquals(1999.0, call.get("took_ms"));
        List<Object> attempts = (List<Object>) call.get("attempts");
        assertEquals(3, attempts.size());
        Map<String, Object> skipped = (Map<String, Object>) attempts.get(2);
        assertEquals("suspenders-cdn (http://s)", skipped.get("endpoint"));
        assertEquals(75.0, skipped.get("started_after_ms"));
        assertEquals("no", skipped.get("asked"));
        assertEquals("skipped_half_open", skipped.get("outcome"));
        assertEquals("hung_cancelled", ((Map<String, Object>) attempts.get(0)).get("outcome"));

        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("Slowest failover library calls"));
        assertTrue(html.contains("+75 ms gdn (http://n): in_turn, hung_cancelled after 1925 ms<br>"), html);
        assertTrue(html.contains("+75 ms suspenders-cdn (http://s): no, skipped_half_open<br>"), html);
    }
}
