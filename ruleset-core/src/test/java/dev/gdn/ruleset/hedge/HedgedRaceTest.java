package dev.gdn.ruleset.hedge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The race on its own: scripted candidates (futures), no network.
 *
 * <p>These tests run on a loaded machine, where a timer or a thread may run a second late. So the
 * orders that matter are made by hand: an answer that must come first is a completed future
 * ({@link #now}), or one the test completes once the race is where it must be; "no wait" is shown by the
 * race being over when {@code run} returns, which no timer could have done. Hedge delays that must not
 * pass before the test acts are long; timed checks are lower bounds only.
 */
class HedgedRaceTest {
    static final Duration HEDGE = Duration.ofMillis(50);
    /** A hedge delay no stall of a loaded machine reaches. */
    static final Duration PATIENT = Duration.ofSeconds(20);
    final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    final Map<String, CompletableFuture<String>> asked = new ConcurrentHashMap<>();
    final Map<String, HedgedRace.Outcome<String>> verdicts = new ConcurrentHashMap<>();

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    /** Records every attempt and verdict; admits as told. */
    class Recorder implements HedgedRace.Referee<String, String> {
        final Map<String, HedgedRace.Admission> admissions;

        Recorder(Map<String, HedgedRace.Admission> admissions) {
            this.admissions = admissions;
        }

        @Override
        public HedgedRace.Admission admit(String c) {
            return admissions.getOrDefault(c, HedgedRace.Admission.START);
        }

        @Override
        public boolean endsRace(String c, Throwable failure) {
            return failure instanceof IllegalStateException;
        }

        @Override
        public void settled(String c, HedgedRace.Outcome<String> outcome) {
            verdicts.put(c, outcome);
        }
    }

    Function<String, CompletableFuture<String>> script(Map<String, Function<String, CompletableFuture<String>>> byName) {
        return c -> {
            CompletableFuture<String> f = byName.get(c).apply(c);
            asked.put(c, f);
            return f;
        };
    }

    CompletableFuture<HedgedRace.Win<String, String>> race(List<String> candidates,
                                                           Map<String, Function<String, CompletableFuture<String>>> byName,
                                                           Map<String, HedgedRace.Admission> admissions) {
        return race(candidates, byName, admissions, HEDGE);
    }

    CompletableFuture<HedgedRace.Win<String, String>> race(List<String> candidates,
                                                           Map<String, Function<String, CompletableFuture<String>>> byName,
                                                           Map<String, HedgedRace.Admission> admissions, Duration hedge) {
        return HedgedRace.run(candidates, script(byName), c -> hedge, timers, new Recorder(admissions));
    }

    /** The verdict on {@code c}, waiting up to 20 s for it (a loaded machine). */
    HedgedRace.Outcome<String> verdict(String c) throws InterruptedException {
        awaitAsked(c); // (the verdict comes after the attempt)
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!verdicts.containsKey(c) && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        return verdicts.get(c);
    }

    /** Waits (up to 20 s) until {@code c} has been asked. */
    void awaitAsked(String c) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!asked.containsKey(c) && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertTrue(asked.containsKey(c), c + " was not asked within 20 s");
    }

    static CompletableFuture<String> now(String v) {
        return CompletableFuture.completedFuture(v);
    }

    static CompletableFuture<String> hang(String c) {
        return new CompletableFuture<>();
    }

    static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void aPromptAnswerWinsAndTheNextIsNeverAsked() throws Exception {
        HedgedRace.Win<String, String> w = race(List.of("a", "b"), Map.of("a", c -> now("A"), "b", c -> now("B")), Map.of()).get();
        assertEquals("a", w.candidate());
        assertEquals("A", w.value());
        assertEquals(List.of("a"), List.copyOf(asked.keySet()));
        assertInstanceOf(HedgedRace.Answered.class, verdicts.get("a"));
    }

    @Test
    void aHungCandidateIsHedgedAfterItsDelayAndJudgedOverdueBeforeTheCallerSeesTheWin() throws Exception {
        long t0 = System.nanoTime();
        HedgedRace.Win<String, String> w = race(List.of("a", "b"), Map.of("a", HedgedRaceTest::hang, "b", c -> now("B")), Map.of()).get();
        assertEquals("b", w.candidate());
        assertTrue(ms(t0) >= HEDGE.toMillis() - 2, "the hedge waited its delay: " + ms(t0));
        assertInstanceOf(HedgedRace.Overdue.class, verdicts.get("a"), "judged when the win is seen: " + verdicts);
        assertTrue(asked.get("a").isCancelled(), "the hung attempt is cancelled");
    }

    @Test
    void aFailureAsksTheNextAtOnce() throws Exception {
        CompletableFuture<HedgedRace.Win<String, String>> r = race(List.of("a", "b"),
                Map.of("a", c -> CompletableFuture.failedFuture(new RuntimeException("503")), "b", c -> now("B")), Map.of(), PATIENT);
        assertTrue(r.isDone(), "over when run returns: no wait for the hedge");
        HedgedRace.Win<String, String> w = r.get();
        assertEquals("b", w.candidate());
        HedgedRace.Failed<String> f = assertInstanceOf(HedgedRace.Failed.class, verdicts.get("a"));
        assertEquals("503", f.cause().getMessage());
    }

    @Test
    void aCandidateStartedWithTheNextIsGivenItsHedgeDelayAfterLosing() throws Exception {
        // a starts together with b; b wins at once; a answers afterwards, within its hedge delay.
        CompletableFuture<String> aAnswer = new CompletableFuture<>();
        HedgedRace.Win<String, String> w = race(List.of("a", "b"), Map.of("a", c -> aAnswer, "b", c -> now("B")),
                Map.of("a", HedgedRace.Admission.START_AND_NEXT), PATIENT).get();
        assertEquals("b", w.candidate());
        assertEquals(2, asked.size(), "both asked at once");
        assertTrue(!aAnswer.isDone(), "a is still out after the win, not cancelled");
        aAnswer.complete("A");
        HedgedRace.Answered<String> a = assertInstanceOf(HedgedRace.Answered.class, verdict("a"), verdicts::toString);
        assertEquals("A", a.value());

        // And one still hung at its hedge delay is cancelled as overdue.
        verdicts.clear();
        asked.clear();
        assertEquals("b", race(List.of("a", "b"), Map.of("a", HedgedRaceTest::hang, "b", c -> now("B")),
                Map.of("a", HedgedRace.Admission.START_AND_NEXT)).get().candidate());
        assertInstanceOf(HedgedRace.Overdue.class, verdict("a"), verdicts::toString);
        assertTrue(asked.get("a").isCancelled());
    }

    @Test
    void aHedgeTheEarlierAttemptBeatIsCancelledWithoutAVerdict() throws Exception {
        // a answers once b, asked by the hedge, is out (b's own hedge delay is long, so it is not overdue).
        CompletableFuture<String> aAnswer = new CompletableFuture<>();
        CompletableFuture<HedgedRace.Win<String, String>> r = HedgedRace.run(List.of("a", "b"), script(Map.of(
                "a", c -> aAnswer, "b", HedgedRaceTest::hang)), c -> c.equals("a") ? HEDGE : PATIENT, timers,
                new Recorder(Map.of()));
        awaitAsked("b"); // the hedge asked b
        aAnswer.complete("A");
        assertEquals("a", r.get().candidate());
        assertInstanceOf(HedgedRace.Unneeded.class, verdict("b"), verdicts::toString);
        assertTrue(asked.get("b").isCancelled());
    }

    @Test
    void skippedCandidatesAreNeverAskedAndNothingLeftIsNoAnswer() {
        ExecutionException e = assertThrows(ExecutionException.class, () -> race(List.of("a", "b"),
                Map.of("a", c -> now("A"), "b", c -> CompletableFuture.failedFuture(new RuntimeException("down"))),
                Map.of("a", HedgedRace.Admission.SKIP)).get());
        assertInstanceOf(HedgedRace.NoAnswer.class, e.getCause());
        assertEquals(List.of("b"), List.copyOf(asked.keySet()));
    }

    @Test
    void aFailureTheRefereeSaysEndsTheRaceEndsIt() {
        IllegalStateException fatal = new IllegalStateException("401");
        ExecutionException e = assertThrows(ExecutionException.class, () -> race(List.of("a", "b"),
                Map.of("a", c -> CompletableFuture.failedFuture(fatal), "b", c -> now("B")), Map.of()).get());
        assertSame(fatal, e.getCause());
        assertEquals(List.of("a"), List.copyOf(asked.keySet()));
    }

    @Test
    void aDeadlineFromOutsideCancelsWhatIsOutOverdueOnesCounted() throws Exception {
        CompletableFuture<HedgedRace.Win<String, String>> r = HedgedRace.run(List.of("a", "b"), script(Map.of(
                "a", HedgedRaceTest::hang, "b", HedgedRaceTest::hang)), c -> c.equals("a") ? HEDGE : PATIENT, timers,
                new Recorder(Map.of()));
        awaitAsked("b");
        r.completeExceptionally(new TimeoutException("deadline")); // what orTimeout does, once b is out
        ExecutionException e = assertThrows(ExecutionException.class, r::get);
        assertInstanceOf(TimeoutException.class, e.getCause());
        assertInstanceOf(HedgedRace.Overdue.class, verdict("a"), "out past its hedge delay: " + verdicts);
        assertInstanceOf(HedgedRace.Unneeded.class, verdict("b"), "asked just before, its hedge delay 20 s: " + verdicts);
        assertTrue(asked.get("a").isCancelled() && asked.get("b").isCancelled());
    }

    @Test
    void aCancelledInterruptibleTaskStopsItsWork() throws Exception {
        ExecutorService threads = Executors.newCachedThreadPool();
        try {
            CountDownLatch started = new CountDownLatch(1);
            CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
            CompletableFuture<String> task = InterruptibleTask.submit(threads, () -> {
                started.countDown();
                try {
                    Thread.sleep(10_000);
                    interrupted.complete(false);
                } catch (InterruptedException e) {
                    interrupted.complete(true);
                    throw e;
                }
                return "done";
            });
            started.await();
            task.cancel(true);
            assertTrue(interrupted.get(20, TimeUnit.SECONDS), "the blocking work was interrupted");
            assertEquals("x", InterruptibleTask.submit(threads, () -> "x").get());
        } finally {
            threads.shutdownNow();
        }
        ExecutionException closed = assertThrows(ExecutionException.class, () -> InterruptibleTask.submit(threads, () -> "x").get());
        assertInstanceOf(IllegalStateException.class, closed.getCause());
    }
}
