package dev.gdn.client.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.client.Endpoint;
import dev.gdn.client.TestNode;
import dev.gdn.client.Tier;
import dev.gdn.client.TierKind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The policy on its own: scripted endpoints (futures), no network.
 *
 * <p>These tests run on a loaded machine, where a timer or a thread may run a second late. So the
 * orders that matter are made by hand: an answer that must come first is a future completed before the
 * attempt returns it ({@link #now}), or completed by the test once the race is where it must be; "costs
 * no hedge delay" is shown by the call's future being complete when {@code execute} returns, which no
 * timer could have done. Wall-clock checks are lower bounds ("not before the hedge delay"), or tell apart
 * things seconds apart (a hedge delay from a tier's timeout).
 */
class FailoverPolicyTest {
    static final Duration HEDGE = Duration.ofMillis(50);
    /** Tier timeouts and deadlines where a test is not about them: no stall of a loaded machine reaches them. */
    static final Duration PATIENT = Duration.ofSeconds(30);
    /** What a loaded machine may add to a call; what a timed check tells apart is further apart than this. */
    static final Duration LOADED_SLACK = Duration.ofSeconds(2);

    static List<Tier> chain(String... names) {
        return java.util.Arrays.stream(names).map(n -> tier(n, HEDGE)).toList();
    }

    static Tier tier(String name, Duration hedge) {
        return Tier.of(name, TierKind.GDN, "http://" + name + ".test").withTimeout(PATIENT).withHedgeDelay(hedge);
    }

    static FailoverPolicy policy(List<Tier> tiers, FailoverPolicy.BreakerSettings breakers) {
        return new FailoverPolicy(tiers, PATIENT, breakers);
    }

    static CompletableFuture<String> now(String v) {
        return CompletableFuture.completedFuture(v);
    }

    /** The first endpoint's breaker once a probe raced with the next has its verdict (waited for up to 20 s). */
    static String afterProbe(FailoverPolicy p) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (p.status().get(0).breakerState().equals("HALF_OPEN") && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        return p.status().get(0).breakerState();
    }

    /** The call's answer, which must be there when execute returns: no timer, hence no hedge delay, was waited for. */
    static FailoverPolicy.Result<String> atOnce(CompletableFuture<FailoverPolicy.Result<String>> call) throws Exception {
        assertTrue(call.isDone(), "answered within execute: no hedge delay waited for");
        return call.get();
    }

    /** What each endpoint does when asked: by tier name. */
    static Function<Endpoint, CompletableFuture<String>> script(Map<String, Function<Endpoint, CompletableFuture<String>>> byTier,
                                                               Map<String, AtomicInteger> calls) {
        return e -> {
            calls.computeIfAbsent(e.tier().name(), k -> new AtomicInteger()).incrementAndGet();
            return byTier.get(e.tier().name()).apply(e);
        };
    }

    static CompletableFuture<String> hang() {
        return new CompletableFuture<>();
    }

    static CompletableFuture<String> fail(RuntimeException e) {
        return CompletableFuture.failedFuture(e);
    }

    @Test
    void aHungFirstTierCostsAboutOneHedgeDelayNotItsTimeout() throws Exception {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        try (FailoverPolicy p = policy(chain("a", "b"), FailoverPolicy.BreakerSettings.DEFAULT)) {
            long t0 = System.nanoTime();
            FailoverPolicy.Result<String> r = p.execute(script(Map.of("a", e -> hang(), "b", e -> now("from-b")), calls)).get();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals("from-b", r.value());
            assertEquals("b", r.servedBy().tier().name());
            assertTrue(ms >= HEDGE.toMillis() - 5, "never before the hedge delay: " + ms + " ms");
            assertTrue(ms < HEDGE.toMillis() + LOADED_SLACK.toMillis(), "a hedge delay, not a's timeout (30 s): " + ms + " ms");
        }
    }

    @Test
    void aFastFailureFailsOverAtOnceAndTheFirstGoodAnswerWins() throws Exception {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        try (FailoverPolicy p = policy(chain("a", "b", "c"), FailoverPolicy.BreakerSettings.DEFAULT)) {
            FailoverPolicy.Result<String> r = atOnce(p.execute(script(Map.of(
                    "a", e -> fail(new AttemptFailure("HTTP 503")),
                    "b", e -> now("from-b"),
                    "c", e -> now("from-c")), calls)));
            assertEquals("from-b", r.value(), "no hedge wait after a fast failure");
            assertEquals(null, calls.get("c"), "c was never needed");
            assertTrue(r.notes().get(0).contains("HTTP 503"), r.notes().toString());
        }
    }

    @Test
    void rejectedCredentialsNeverFailOver() {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        try (FailoverPolicy p = policy(chain("a", "b"), FailoverPolicy.BreakerSettings.DEFAULT)) {
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> p.execute(script(Map.of(
                    "a", x -> fail(new AttemptFailure.RejectedCredentials(401, "unknown API key")),
                    "b", x -> now("from-b")), calls)).get());
            assertInstanceOf(AttemptFailure.RejectedCredentials.class, e.getCause());
            assertEquals(null, calls.get("b"));
        }
    }

    @Test
    void aDeadEndpointIsSkippedByItsBreakerAndComesBackAfterAHalfOpenProbe() throws Exception {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        // Open for longer than a loaded machine may take between the breaker opening and the next call.
        Duration openFor = Duration.ofSeconds(2);
        FailoverPolicy.BreakerSettings fast = new FailoverPolicy.BreakerSettings(50, 4, 4, openFor);
        AtomicInteger aHealthy = new AtomicInteger(0);
        try (FailoverPolicy p = policy(chain("a", "b"), fast)) {
            Function<Endpoint, CompletableFuture<String>> s = script(Map.of(
                    "a", e -> aHealthy.get() == 1 ? now("from-a") : fail(new AttemptFailure("connection reset")),
                    "b", e -> now("from-b")), calls);
            for (int i = 0; i < 4; i++) {
                assertEquals("from-b", p.execute(s).get().value());
            }
            assertEquals("OPEN", p.status().get(0).breakerState());
            int before = calls.get("a").get();
            FailoverPolicy.Result<String> skipped = p.execute(s).get();
            assertEquals("from-b", skipped.value());
            assertEquals(before, calls.get("a").get(), "an open breaker skips a without asking it");
            assertTrue(skipped.notes().get(0).contains("circuit open"), skipped.notes().toString());

            aHealthy.set(1);
            Thread.sleep(openFor.toMillis() + 50);
            assertEquals("from-a", p.execute(s).get().value(), "the half-open probe brings traffic back");
            assertEquals("CLOSED", p.status().get(0).breakerState());
        }
    }

    @Test
    void rateLimitedEndpointsAreSkippedUntilRetryAfter() throws Exception {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        try (FailoverPolicy p = policy(chain("a", "b"), FailoverPolicy.BreakerSettings.DEFAULT)) {
            Function<Endpoint, CompletableFuture<String>> s = script(Map.of(
                    "a", e -> fail(new AttemptFailure.RateLimited(Duration.ofSeconds(30), "HTTP 429")),
                    "b", e -> now("from-b")), calls);
            assertEquals("from-b", p.execute(s).get().value());
            assertEquals("from-b", p.execute(s).get().value());
            assertEquals(1, calls.get("a").get(), "a is not asked again within its Retry-After");
            assertTrue(p.status().get(0).rateLimited());
            assertEquals("CLOSED", p.status().get(0).breakerState(), "429 is not a health failure");
        }
    }

    @Test
    void theDeadlineBoundsEveryCall() {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        try (FailoverPolicy p = new FailoverPolicy(chain("a", "b"), Duration.ofMillis(200), FailoverPolicy.BreakerSettings.DEFAULT)) {
            long t0 = System.nanoTime();
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> p.execute(script(Map.of("a", x -> hang(), "b", x -> hang()), calls)).get());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertInstanceOf(TimeoutException.class, e.getCause());
            assertTrue(ms >= 190, "not before the deadline: " + ms + " ms");
            assertTrue(ms < 200 + LOADED_SLACK.toMillis(), "at the deadline, not at the tiers' timeout (30 s): " + ms + " ms");
        }
    }

    @Test
    void everyEndpointFailingEndsWithEveryReason() {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        try (FailoverPolicy p = policy(chain("a", "b"), FailoverPolicy.BreakerSettings.DEFAULT)) {
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> p.execute(script(Map.of(
                    "a", x -> fail(new AttemptFailure("HTTP 500")),
                    "b", x -> fail(new AttemptFailure("malformed body"))), calls)).get());
            AllTiersFailed all = assertInstanceOf(AllTiersFailed.class, e.getCause());
            assertEquals(2, all.attempts().size(), all.attempts().toString());
        }
    }

    @Test
    void aTierThatKeepsLosingToItsHedgeGetsItsBreakerOpened() throws Exception {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        FailoverPolicy.BreakerSettings fast = new FailoverPolicy.BreakerSettings(50, 4, 4, Duration.ofSeconds(30));
        try (FailoverPolicy p = policy(chain("a", "b"), fast)) {
            Function<Endpoint, CompletableFuture<String>> s = script(Map.of("a", e -> hang(), "b", e -> now("from-b")), calls);
            for (int i = 0; i < 4; i++) {
                assertEquals("from-b", p.execute(s).get().value());
            }
            // (after the first call a is suspect, asked alongside b, and judged at its hedge delay after b's answer)
            TestNode.waitFor("a's breaker open", () -> p.status().get(0).breakerState().equals("OPEN"));
            assertEquals("from-b", atOnce(p.execute(s)).value(), "a skipped tier costs no hedge delay");
            assertEquals(4, calls.get("a").get());
        }
    }

    @Test
    void aHalfOpenProbeOfAStillHungTierCostsTheCallNothingAndReopensTheBreaker() throws Exception {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        Duration openFor = Duration.ofMillis(300);
        FailoverPolicy.BreakerSettings fast = new FailoverPolicy.BreakerSettings(50, 4, 4, openFor);
        try (FailoverPolicy p = policy(chain("a", "b"), fast)) {
            Function<Endpoint, CompletableFuture<String>> s = script(Map.of("a", e -> hang(), "b", e -> now("from-b")), calls);
            for (int i = 0; i < 4; i++) {
                assertEquals("from-b", p.execute(s).get().value());
            }
            TestNode.waitFor("a's breaker open", () -> p.status().get(0).breakerState().equals("OPEN"));

            Thread.sleep(openFor.toMillis() + 50);
            FailoverPolicy.Result<String> probed = atOnce(p.execute(s)); // the probe raced b from the start: no hedge delay
            assertEquals("from-b", probed.value());
            assertEquals(5, calls.get("a").get(), "the open period is over: a is probed");
            assertTrue(probed.notes().get(0).contains("probed alongside"), probed.notes().toString());
            // The probe is given its hedge delay to answer; still hung, it is cancelled and counted.
            assertEquals("OPEN", afterProbe(p), "a failed probe opens the breaker again");
        }
    }

    @Test
    void aProbeThatAnswersWithinItsHedgeDelayClosesTheBreakerEvenWhenTheNextEndpointWins() throws Exception {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        Duration openFor = Duration.ofMillis(300);
        FailoverPolicy.BreakerSettings fast = new FailoverPolicy.BreakerSettings(50, 4, 4, openFor);
        // What a does when asked: fail at once (that opens its breaker), then, healed, whatever the test hands it.
        java.util.concurrent.atomic.AtomicReference<java.util.function.Supplier<CompletableFuture<String>>> aDoes =
                new java.util.concurrent.atomic.AtomicReference<>(() -> fail(new AttemptFailure("connection reset")));
        // a's hedge delay: longer than a loaded machine takes between b's win and the test answering for a.
        Duration aHedge = Duration.ofSeconds(10);
        try (FailoverPolicy p = policy(List.of(tier("a", aHedge), tier("b", HEDGE)), fast)) {
            Function<Endpoint, CompletableFuture<String>> s = script(Map.of("a", e -> aDoes.get().get(), "b", e -> now("from-b")), calls);
            for (int i = 0; i < 4; i++) {
                assertEquals("from-b", p.execute(s).get().value());
            }
            assertEquals("OPEN", p.status().get(0).breakerState());

            // Healed: the probe answers after b (which answers at once), well within its hedge delay.
            CompletableFuture<String> probe = new CompletableFuture<>();
            aDoes.set(() -> probe);
            Thread.sleep(openFor.toMillis() + 50);
            assertEquals("from-b", p.execute(s).get().value(), "b answered first");
            assertEquals(5, calls.get("a").get(), "a was probed");
            assertEquals("HALF_OPEN", p.status().get(0).breakerState(), "the probe is still out, given its hedge delay");
            probe.complete("from-a");
            assertEquals("CLOSED", afterProbe(p), "the probe's own answer closed the breaker");
            aDoes.set(() -> now("from-a"));
            int bCalls = calls.get("b").get();
            assertEquals("from-a", p.execute(s).get().value(), "traffic is back on a");
            assertEquals(bCalls, calls.get("b").get(), "b is no longer asked");
        }
    }

    @Test
    void afterOneCallWaitedForAHungTierTheNextCallsAskItAlongsideTheNextAndWaitForNothing() throws Exception {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        try (FailoverPolicy p = policy(chain("a", "b", "c"), FailoverPolicy.BreakerSettings.DEFAULT)) {
            Function<Endpoint, CompletableFuture<String>> s = script(Map.of(
                    "a", e -> hang(), "b", e -> now("from-b"), "c", e -> now("from-c")), calls);
            FailoverPolicy.Result<String> first = p.execute(s).get();
            assertEquals("from-b", first.value());
            assertTrue(first.notes().toString().contains("hedged after"), first.notes().toString());
            for (int i = 0; i < 3; i++) {
                FailoverPolicy.Result<String> later = atOnce(p.execute(s));
                assertEquals("from-b", later.value());
                assertTrue(later.notes().get(0).contains("asked alongside the next"), later.notes().toString());
            }
            assertEquals(4, calls.get("a").get(), "the suspect is still asked: its answer would clear it");
            assertEquals(null, calls.get("c"), "b answered every time: c never needed");
        }
    }

    @Test
    void twoHungTiersInARowCostOneHedgeDelayAndThenNothing() throws Exception {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        // b's own hedge delay is far longer than the test: c is asked only because the hedge past a asked b and c together.
        try (FailoverPolicy p = policy(List.of(tier("a", HEDGE), tier("b", PATIENT.dividedBy(2)), tier("c", HEDGE), tier("d", HEDGE)),
                FailoverPolicy.BreakerSettings.DEFAULT)) {
            CompletableFuture<String> cAnswer = new CompletableFuture<>();
            CompletableFuture<FailoverPolicy.Result<String>> first = p.execute(script(Map.of(
                    "a", e -> hang(), "b", e -> hang(), "c", e -> cAnswer, "d", e -> now("from-d")), calls));
            TestNode.waitFor("c asked", () -> calls.containsKey("c"));
            assertEquals(1, calls.get("b").get());
            cAnswer.complete("from-c");
            assertEquals("from-c", first.get().value());
            assertEquals(null, calls.get("d"), "a hedge asks two, not the rest of the chain");

            // a is suspect now (b, still out short of its long hedge delay, is not): the next call asks a with b at once.
            Function<Endpoint, CompletableFuture<String>> healed = script(Map.of(
                    "a", e -> hang(), "b", e -> now("from-b"), "c", e -> now("from-c"), "d", e -> now("from-d")), calls);
            assertEquals("from-b", atOnce(p.execute(healed)).value(), "a asked alongside b, which answers");
            assertEquals(2, calls.get("a").get());
            assertEquals(1, calls.get("c").get(), "c not asked when b answers");
        }
    }

    @Test
    void aHealthyChainSendsExactlyOneRequestPerCall() throws Exception {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        try (FailoverPolicy p = policy(chain("a", "b", "c"), FailoverPolicy.BreakerSettings.DEFAULT)) {
            for (int i = 0; i < 100; i++) {
                // every other answer comes after execute returned (held, then given), within the hedge delay
                CompletableFuture<String> held = new CompletableFuture<>();
                boolean hold = i % 2 == 1;
                CompletableFuture<FailoverPolicy.Result<String>> call = p.execute(script(Map.of(
                        "a", e -> hold ? held : now("from-a"), "b", e -> now("from-b"), "c", e -> now("from-c")), calls));
                held.complete("from-a");
                assertEquals("from-a", call.get().value());
            }
            assertEquals(100, calls.get("a").get());
            assertEquals(Map.of("a", 100), Map.copyOf(calls).entrySet().stream()
                    .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, x -> x.getValue().get())));
        }
    }

    @Test
    void aSuspectThatAnswersWithinItsHedgeDelayIsAskedAloneAgain() throws Exception {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicReference<java.util.function.Supplier<CompletableFuture<String>>> aDoes =
                new java.util.concurrent.atomic.AtomicReference<>(FailoverPolicyTest::hang);
        // a's hedge delay: the first call waits it out once; long enough that the held answer below is well within it
        try (FailoverPolicy p = policy(List.of(tier("a", Duration.ofSeconds(1)), tier("b", HEDGE)), FailoverPolicy.BreakerSettings.DEFAULT)) {
            Function<Endpoint, CompletableFuture<String>> s = script(Map.of("a", e -> aDoes.get().get(), "b", e -> now("from-b")), calls);
            assertEquals("from-b", p.execute(s).get().value());

            CompletableFuture<String> late = new CompletableFuture<>();
            aDoes.set(() -> late);
            assertEquals("from-b", atOnce(p.execute(s)).value(), "a, suspect, asked alongside b");
            late.complete("from-a"); // within a's hedge delay: the suspicion is cleared (the verdict comes with the answer)
            aDoes.set(() -> now("from-a"));
            assertEquals("from-a", p.execute(s).get().value());
            assertEquals(2, calls.get("b").get(), "a answers alone again: b not asked");
        }
    }

    @Test
    void aSlowTierThatStillAnswersFirstIsNotHeldAgainstIt() throws Exception {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        FailoverPolicy.BreakerSettings fast = new FailoverPolicy.BreakerSettings(50, 4, 4, Duration.ofSeconds(30));
        // b's own hedge delay is long: a loaded machine never makes it overdue before the test has a answer.
        try (FailoverPolicy p = policy(List.of(tier("a", HEDGE), tier("b", PATIENT.dividedBy(2))), fast)) {
            for (int i = 0; i < 6; i++) {
                // a answers after its hedge delay, once the hedge has asked b; b never answers: a is the best there is.
                CompletableFuture<String> aAnswer = new CompletableFuture<>();
                Function<Endpoint, CompletableFuture<String>> s = script(Map.of("a", e -> aAnswer, "b", e -> hang()), calls);
                CompletableFuture<FailoverPolicy.Result<String>> call = p.execute(s);
                int asked = i + 1;
                TestNode.waitFor("the hedge asked b", () -> calls.containsKey("b") && calls.get("b").get() == asked);
                aAnswer.complete("from-a");
                assertEquals("from-a", call.get().value());
            }
            assertEquals("CLOSED", p.status().get(0).breakerState(), "a won every race");
            assertEquals("CLOSED", p.status().get(1).breakerState(), "b, the hedge a beat, was not needed: not judged");
        }
    }

    /** Opens c's breaker, leaving a's and b's closed: a and b answer 429 with no wait (which their breakers do not count), c fails. */
    static void openOnlyC(FailoverPolicy p) throws InterruptedException {
        Function<Endpoint, CompletableFuture<String>> warmUp = script(Map.of(
                "a", e -> fail(new AttemptFailure.RateLimited(Duration.ZERO, "HTTP 429")),
                "b", e -> fail(new AttemptFailure.RateLimited(Duration.ZERO, "HTTP 429")),
                "c", e -> fail(new AttemptFailure("HTTP 503"))), new ConcurrentHashMap<>());
        for (int i = 0; i < 4; i++) {
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> p.execute(warmUp).get());
            assertInstanceOf(AllTiersFailed.class, e.getCause());
        }
        assertEquals(List.of("CLOSED", "CLOSED", "OPEN"), p.status().stream().map(EndpointStatus::breakerState).toList());
    }

    static CallTrace.Attempt traced(CallTrace t, String tier) {
        return t.attempts().stream().filter(a -> a.endpoint().startsWith(tier)).findFirst().orElseThrow(() -> new AssertionError(tier + " not in " + t));
    }

    @Test
    void whenTheRestOfTheChainFailsAnEndpointWhoseBreakerIsOpenIsAskedAsALastResort() throws Exception {
        FailoverPolicy.BreakerSettings breakers = new FailoverPolicy.BreakerSettings(50, 4, 4, PATIENT);
        try (FailoverPolicy p = policy(chain("a", "b", "c"), breakers)) {
            openOnlyC(p);
            Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
            FailoverPolicy.Result<String> r = atOnce(p.execute(script(Map.of(
                    "a", e -> fail(new AttemptFailure("connection refused")),
                    "b", e -> fail(new AttemptFailure("connection refused")),
                    "c", e -> now("from-c")), calls)));
            assertEquals("from-c", r.value(), "an open breaker defers an endpoint; it must not leave the call with nothing to ask");
            CallTrace.Attempt c = traced(r.trace(), "c");
            assertEquals(CallTrace.Asked.LAST_RESORT, c.asked());
            assertEquals(CallTrace.Outcome.ANSWERED, c.outcome());
            assertEquals("held: skipped_breaker_open", c.detail());
            assertEquals(CallTrace.Outcome.FAILED, traced(r.trace(), "a").outcome());
            assertEquals("connection refused", traced(r.trace(), "a").detail());
            assertEquals("OPEN", p.status().get(2).breakerState(), "asked without its breaker's permission: no verdict on it");
        }
    }

    @Test
    void aBlackholeMetWhileTheLaterTiersBreakersAreOpenCostsHedgeDelaysNotTheDeadline() throws Exception {
        FailoverPolicy.BreakerSettings breakers = new FailoverPolicy.BreakerSettings(50, 4, 4, PATIENT);
        // The deadline is seconds longer than the two hedge delays the call may wait: a call that
        // waited for its hung attempts fails with DeadlinePassed instead of answering.
        try (FailoverPolicy p = new FailoverPolicy(chain("a", "b", "c"), LOADED_SLACK.multipliedBy(3), breakers)) {
            openOnlyC(p);
            Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
            FailoverPolicy.Result<String> r = p.execute(script(Map.of("a", e -> hang(), "b", e -> hang(), "c", e -> now("from-c")), calls)).get();
            assertEquals("from-c", r.value());
            assertEquals(CallTrace.Asked.LAST_RESORT, traced(r.trace(), "c").asked());
            assertEquals(CallTrace.Outcome.HUNG_CANCELLED, traced(r.trace(), "a").outcome(), r.trace().toString());
            assertEquals(CallTrace.Outcome.HUNG_CANCELLED, traced(r.trace(), "b").outcome(), r.trace().toString());
            assertTrue(r.notes().toString().contains("c: asked as a last resort") || r.notes().stream().anyMatch(n -> n.contains("last resort")),
                    r.notes().toString());
        }
    }

    @Test
    void aCallThatFindsTheHalfOpenProbeTakenAsksThatEndpointOnceTheRestHasHung() throws Exception {
        Duration openFor = Duration.ofMillis(300);
        FailoverPolicy.BreakerSettings breakers = new FailoverPolicy.BreakerSettings(50, 4, 4, openFor);
        try (FailoverPolicy p = new FailoverPolicy(chain("a", "b", "c"), LOADED_SLACK.multipliedBy(3), breakers)) {
            openOnlyC(p);
            Thread.sleep(openFor.toMillis() + 50);
            // Call 1 reaches c first and holds its one half-open probe (c's answer to it is the test's to give).
            CompletableFuture<String> probe = new CompletableFuture<>();
            CompletableFuture<FailoverPolicy.Result<String>> first = p.execute(script(Map.of(
                    "a", e -> fail(new AttemptFailure("connection refused")),
                    "b", e -> fail(new AttemptFailure("connection refused")),
                    "c", e -> probe), new ConcurrentHashMap<>()));
            assertEquals("HALF_OPEN", p.status().get(2).breakerState());
            // Call 2 meets the blackhole: a and b hang, and c's probe is taken.
            FailoverPolicy.Result<String> second = p.execute(script(Map.of(
                    "a", e -> hang(), "b", e -> hang(), "c", e -> now("from-c")), new ConcurrentHashMap<>())).get();
            assertEquals("from-c", second.value());
            CallTrace.Attempt c = traced(second.trace(), "c");
            assertEquals(CallTrace.Asked.LAST_RESORT, c.asked());
            assertEquals("held: skipped_half_open", c.detail());
            assertTrue(c.startedAfter().compareTo(HEDGE) >= 0, "asked once a and b had gone their hedge delay: " + second.trace());
            probe.complete("from-c");
            assertEquals("from-c", first.get().value());
            assertEquals("CLOSED", p.status().get(2).breakerState(), "the probe's answer, not the last resort, closes the breaker");
        }
    }
}
