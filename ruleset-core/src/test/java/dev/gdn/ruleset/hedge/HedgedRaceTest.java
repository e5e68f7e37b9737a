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
    void aFailureAsksNoOneElseWhileTheCandidateStartedWithItIsStillOut() throws Exception {
        // a (a half-open probe) starts together with b and fails at once: b is the next already, so c is not
        // asked beside it. When b fails too, c is asked at once.
        CompletableFuture<String> bAnswer = new CompletableFuture<>();
        CompletableFuture<HedgedRace.Win<String, String>> r = race(List.of("a", "b", "c"),
                Map.of("a", c -> CompletableFuture.failedFuture(new RuntimeException("503")), "b", c -> bAnswer, "c", c -> now("C")),
                Map.of("a", HedgedRace.Admission.START_AND_NEXT), PATIENT);
        assertTrue(asked.containsKey("b"), "b asked with a: " + asked.keySet());
        assertTrue(!asked.containsKey("c"), "c not asked while b is out: " + asked.keySet());
        assertTrue(!r.isDone());
        bAnswer.completeExceptionally(new RuntimeException("503"));
        assertEquals("c", r.get().candidate());

        // b answering wins with nothing else asked.
        verdicts.clear();
        asked.clear();
        assertEquals("b", race(List.of("a", "b", "c"),
                Map.of("a", c -> CompletableFuture.failedFuture(new RuntimeException("503")), "b", c -> now("B"), "c", c -> now("C")),
                Map.of("a", HedgedRace.Admission.START_AND_NEXT), PATIENT).get().candidate());
        assertTrue(!asked.containsKey("c"), "c never asked: " + asked.keySet());
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
    void aHedgeAsksTheNextTwoAtOnce() throws Exception {
        // a hangs past its short hedge delay; b's and c's hedge delays are 20 s, so c is asked only because
        // the hedge asked it together with b. d is never asked: a hedge adds two, not the rest of the chain.
        CompletableFuture<String> cAnswer = new CompletableFuture<>();
        CompletableFuture<HedgedRace.Win<String, String>> r = HedgedRace.run(List.of("a", "b", "c", "d"), script(Map.of(
                "a", HedgedRaceTest::hang, "b", HedgedRaceTest::hang, "c", c -> cAnswer, "d", c -> now("D"))),
                c -> c.equals("a") ? HEDGE : PATIENT, timers, new Recorder(Map.of()));
        awaitAsked("c");
        assertTrue(asked.containsKey("b"), "b asked with c: " + asked.keySet());
        cAnswer.complete("C");
        assertEquals("c", r.get().candidate());
        assertTrue(!asked.containsKey("d"), "d never asked: " + asked.keySet());
        assertInstanceOf(HedgedRace.Overdue.class, verdict("a"), verdicts::toString);
    }

    @Test
    void aCandidateThatHungIsAskedWithTheNextInLaterRacesUntilItAnswersWithinItsHedgeDelay() throws Exception {
        Suspects<String> suspects = new Suspects<>(PATIENT);
        // 1. a hangs past its hedge delay: suspect as soon as the delay is up, before the race has a verdict.
        CompletableFuture<String> bAnswer = new CompletableFuture<>();
        CompletableFuture<HedgedRace.Win<String, String>> first = HedgedRace.run(List.of("a", "b"), script(Map.of(
                "a", HedgedRaceTest::hang, "b", c -> bAnswer)), c -> c.equals("a") ? HEDGE : PATIENT, timers,
                new Recorder(Map.of()), suspects);
        awaitAsked("b");
        assertTrue(suspects.contains("a"), "suspect once its hedge delay is up");
        assertTrue(!first.isDone());
        bAnswer.complete("B");
        assertEquals("b", first.get().candidate());
        assertInstanceOf(HedgedRace.Overdue.class, verdict("a"), verdicts::toString);

        // 2. The next race asks a and b at once (hedge delays 20 s: no timer asked b), b answers, the race is
        // over when run returns. a answers afterwards, within its hedge delay: no longer suspect.
        asked.clear();
        verdicts.clear();
        CompletableFuture<String> aAnswer = new CompletableFuture<>();
        CompletableFuture<HedgedRace.Win<String, String>> second = HedgedRace.run(List.of("a", "b", "c"), script(Map.of(
                "a", c -> aAnswer, "b", c -> now("B"), "c", c -> now("C"))), c -> PATIENT, timers, new Recorder(Map.of()), suspects);
        assertTrue(second.isDone(), "over when run returns: no hedge delay waited for the suspect");
        assertEquals("b", second.get().candidate());
        assertEquals(java.util.Set.of("a", "b"), asked.keySet(), "the suspect and the next, not the rest");
        aAnswer.complete("A");
        assertInstanceOf(HedgedRace.Answered.class, verdict("a"), verdicts::toString);
        assertTrue(!suspects.contains("a"), "an answer within the hedge delay clears the suspicion");

        // 3. Cleared: asked alone again.
        asked.clear();
        assertEquals("a", HedgedRace.run(List.of("a", "b"), script(Map.of("a", c -> now("A"), "b", c -> now("B"))),
                c -> PATIENT, timers, new Recorder(Map.of()), suspects).get().candidate());
        assertEquals(List.of("a"), List.copyOf(asked.keySet()));
    }

    @Test
    void aSuspectStillHungIsJudgedOverdueAndStaysSuspect() throws Exception {
        Suspects<String> suspects = new Suspects<>(PATIENT);
        suspects.suspect("a");
        CompletableFuture<HedgedRace.Win<String, String>> r = HedgedRace.run(List.of("a", "b"), script(Map.of(
                "a", HedgedRaceTest::hang, "b", c -> now("B"))), c -> HEDGE, timers, new Recorder(Map.of()), suspects);
        assertTrue(r.isDone(), "over when run returns");
        assertInstanceOf(HedgedRace.Overdue.class, verdict("a"), verdicts::toString);
        assertTrue(asked.get("a").isCancelled());
        assertTrue(suspects.contains("a"));
    }

    @Test
    void whileNothingHangsEveryRaceAsksOneCandidate() throws Exception {
        // Suspects kept, answers prompt or held (but within the hedge delay): never a second request.
        Suspects<String> suspects = new Suspects<>(PATIENT);
        Map<String, Integer> requests = new ConcurrentHashMap<>();
        for (int i = 0; i < 50; i++) {
            CompletableFuture<String> held = new CompletableFuture<>();
            boolean hold = i % 2 == 0;
            CompletableFuture<HedgedRace.Win<String, String>> r = HedgedRace.run(List.of("a", "b", "c"), c -> {
                requests.merge(c, 1, Integer::sum);
                return c.equals("a") && hold ? held : now(c.toUpperCase());
            }, c -> PATIENT, timers, new Recorder(Map.of()), suspects);
            held.complete("A");
            assertEquals("a", r.get().candidate());
        }
        assertEquals(Map.of("a", 50), requests);
    }

    @Test
    void suspicionLapsesAfterItsWindow() throws Exception {
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong(1_000);
        Suspects<String> suspects = new Suspects<>(Duration.ofSeconds(2), clock::get);
        suspects.suspect("a");
        clock.addAndGet(Duration.ofSeconds(2).toNanos() - 1);
        assertTrue(suspects.contains("a"));
        clock.addAndGet(1);
        assertTrue(!suspects.contains("a"), "lapsed");
        // a lapsed suspect is asked alone: b waits for a's (20 s) hedge delay
        CompletableFuture<String> aAnswer = new CompletableFuture<>();
        CompletableFuture<HedgedRace.Win<String, String>> r = HedgedRace.run(List.of("a", "b"), script(Map.of(
                "a", c -> aAnswer, "b", c -> now("B"))), c -> PATIENT, timers, new Recorder(Map.of()), suspects);
        assertTrue(!r.isDone() && !asked.containsKey("b"));
        aAnswer.complete("A");
        assertEquals("a", r.get().candidate());
        assertThrows(IllegalArgumentException.class, () -> new Suspects<String>(Duration.ZERO));
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

    @Test
    void aHeldCandidateIsNotAskedWhileAnotherCanStillAnswer() throws Exception {
        HedgedRace.Win<String, String> w = race(List.of("a", "b", "c"), Map.of("a", c -> now("A"), "b", c -> now("B"), "c", c -> now("C")),
                Map.of("a", HedgedRace.Admission.HOLD)).get();
        assertEquals("b", w.candidate());
        assertEquals(List.of("b"), List.copyOf(asked.keySet()));
    }

    @Test
    void heldCandidatesAreAskedWhenTheOthersFailed() throws Exception {
        CompletableFuture<HedgedRace.Win<String, String>> r = race(List.of("a", "b", "c"),
                Map.of("a", c -> now("A"), "b", c -> CompletableFuture.failedFuture(new RuntimeException("refused")), "c", c -> now("C")),
                Map.of("a", HedgedRace.Admission.HOLD, "c", HedgedRace.Admission.HOLD));
        assertTrue(r.isDone(), "no wait: nothing was out");
        assertEquals("a", r.get().candidate(), "the held ones are asked in order");
        assertEquals(List.of("a", "b"), asked.keySet().stream().sorted().toList(), "c was not needed");
    }

    @Test
    void heldCandidatesAreAskedOnceEveryAttemptOutHasGoneItsHedgeDelay() throws Exception {
        long t0 = System.nanoTime();
        HedgedRace.Win<String, String> w = race(List.of("a", "b", "c"),
                Map.of("a", HedgedRaceTest::hang, "b", HedgedRaceTest::hang, "c", c -> now("C")),
                Map.of("c", HedgedRace.Admission.HOLD)).get(20, TimeUnit.SECONDS);
        assertEquals("c", w.candidate(), "the race does not sit on its hung attempts while a held candidate is left");
        assertTrue(ms(t0) >= 2 * HEDGE.toMillis(), "not before a and b (asked together by the hedge) went their hedge delay");
        assertInstanceOf(HedgedRace.Overdue.class, verdict("a"));
        assertInstanceOf(HedgedRace.Overdue.class, verdict("b"));
    }

    @Test
    void heldCandidatesAreHedgedLikeTheRestNotAskedAllAtOnce() throws Exception {
        long t0 = System.nanoTime();
        Map<String, Long> askedAfterMs = new ConcurrentHashMap<>();
        Function<String, CompletableFuture<String>> hangNoted = c -> {
            askedAfterMs.put(c, ms(t0));
            return hang(c);
        };
        HedgedRace.Win<String, String> w = race(List.of("a", "b", "c", "d"), Map.of("a", hangNoted, "b", hangNoted, "c", hangNoted,
                "d", c -> {
                    askedAfterMs.put(c, ms(t0));
                    return now("D");
                }), Map.of("b", HedgedRace.Admission.HOLD, "c", HedgedRace.Admission.HOLD, "d", HedgedRace.Admission.HOLD))
                .get(20, TimeUnit.SECONDS);
        assertEquals("d", w.candidate());
        // a's hedge asks the held b and c (two, as any hedge); only when they too have gone their hedge delay is d asked
        assertTrue(askedAfterMs.get("b") >= HEDGE.toMillis(), askedAfterMs.toString());
        assertTrue(askedAfterMs.get("d") >= 2 * HEDGE.toMillis(), askedAfterMs.toString());
    }
}
