package dev.gdn.client.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.client.Endpoint;
import dev.gdn.client.Tier;
import dev.gdn.client.TierKind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The policy on its own: scripted endpoints (futures), no network. */
class FailoverPolicyTest {
    static final Duration HEDGE = Duration.ofMillis(50);

    static List<Tier> chain(String... names) {
        return java.util.Arrays.stream(names).map(n -> tier(n, HEDGE)).toList();
    }

    static Tier tier(String name, Duration hedge) {
        return Tier.of(name, TierKind.GDN, "http://" + name + ".test").withTimeout(Duration.ofSeconds(1)).withHedgeDelay(hedge);
    }

    static CompletableFuture<String> now(String v) {
        return CompletableFuture.completedFuture(v);
    }

    /** The first endpoint's breaker once a probe raced with the next has its verdict (up to 2 s on a loaded machine). */
    static String afterProbe(FailoverPolicy p) throws InterruptedException {
        for (int i = 0; i < 200 && p.status().get(0).breakerState().equals("HALF_OPEN"); i++) {
            Thread.sleep(10);
        }
        return p.status().get(0).breakerState();
    }

    /** What each endpoint does when asked: by tier name. */
    static Function<Endpoint, CompletableFuture<String>> script(Map<String, Function<Endpoint, CompletableFuture<String>>> byTier,
                                                               Map<String, AtomicInteger> calls) {
        return e -> {
            calls.computeIfAbsent(e.tier().name(), k -> new AtomicInteger()).incrementAndGet();
            return byTier.get(e.tier().name()).apply(e);
        };
    }

    static CompletableFuture<String> answer(String v, long afterMs) {
        return CompletableFuture.supplyAsync(() -> v, CompletableFuture.delayedExecutor(afterMs, TimeUnit.MILLISECONDS));
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
        try (FailoverPolicy p = new FailoverPolicy(chain("a", "b"), Duration.ofSeconds(2), FailoverPolicy.BreakerSettings.DEFAULT)) {
            long t0 = System.nanoTime();
            FailoverPolicy.Result<String> r = p.execute(script(Map.of("a", e -> hang(), "b", e -> answer("from-b", 0)), calls)).get();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals("from-b", r.value());
            assertEquals("b", r.servedBy().tier().name());
            assertTrue(ms >= HEDGE.toMillis() - 5 && ms < 500, "took " + ms + " ms");
        }
    }

    @Test
    void aFastFailureFailsOverAtOnceAndTheFirstGoodAnswerWins() throws Exception {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        try (FailoverPolicy p = new FailoverPolicy(chain("a", "b", "c"), Duration.ofSeconds(2), FailoverPolicy.BreakerSettings.DEFAULT)) {
            long t0 = System.nanoTime();
            FailoverPolicy.Result<String> r = p.execute(script(Map.of(
                    "a", e -> fail(new AttemptFailure("HTTP 503")),
                    "b", e -> answer("from-b", 0),
                    "c", e -> answer("from-c", 0)), calls)).get();
            assertEquals("from-b", r.value());
            assertTrue((System.nanoTime() - t0) / 1_000_000 < HEDGE.toMillis(), "no hedge wait after a fast failure");
            assertEquals(null, calls.get("c"), "c was never needed");
            assertTrue(r.notes().get(0).contains("HTTP 503"), r.notes().toString());
        }
    }

    @Test
    void rejectedCredentialsNeverFailOver() {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        try (FailoverPolicy p = new FailoverPolicy(chain("a", "b"), Duration.ofSeconds(2), FailoverPolicy.BreakerSettings.DEFAULT)) {
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> p.execute(script(Map.of(
                    "a", x -> fail(new AttemptFailure.RejectedCredentials(401, "unknown API key")),
                    "b", x -> answer("from-b", 0)), calls)).get());
            assertInstanceOf(AttemptFailure.RejectedCredentials.class, e.getCause());
            assertEquals(null, calls.get("b"));
        }
    }

    @Test
    void aDeadEndpointIsSkippedByItsBreakerAndComesBackAfterAHalfOpenProbe() throws Exception {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        FailoverPolicy.BreakerSettings fast = new FailoverPolicy.BreakerSettings(50, 4, 4, Duration.ofMillis(300));
        AtomicInteger aHealthy = new AtomicInteger(0);
        try (FailoverPolicy p = new FailoverPolicy(chain("a", "b"), Duration.ofSeconds(2), fast)) {
            Function<Endpoint, CompletableFuture<String>> s = script(Map.of(
                    "a", e -> aHealthy.get() == 1 ? answer("from-a", 0) : fail(new AttemptFailure("connection reset")),
                    "b", e -> answer("from-b", 0)), calls);
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
            Thread.sleep(350);
            assertEquals("from-a", p.execute(s).get().value(), "the half-open probe brings traffic back");
            assertEquals("CLOSED", p.status().get(0).breakerState());
        }
    }

    @Test
    void rateLimitedEndpointsAreSkippedUntilRetryAfter() throws Exception {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        try (FailoverPolicy p = new FailoverPolicy(chain("a", "b"), Duration.ofSeconds(2), FailoverPolicy.BreakerSettings.DEFAULT)) {
            Function<Endpoint, CompletableFuture<String>> s = script(Map.of(
                    "a", e -> fail(new AttemptFailure.RateLimited(Duration.ofSeconds(30), "HTTP 429")),
                    "b", e -> answer("from-b", 0)), calls);
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
            assertTrue(ms >= 190 && ms < 1000, "took " + ms + " ms");
        }
    }

    @Test
    void everyEndpointFailingEndsWithEveryReason() {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        try (FailoverPolicy p = new FailoverPolicy(chain("a", "b"), Duration.ofSeconds(2), FailoverPolicy.BreakerSettings.DEFAULT)) {
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
        try (FailoverPolicy p = new FailoverPolicy(chain("a", "b"), Duration.ofSeconds(2), fast)) {
            Function<Endpoint, CompletableFuture<String>> s = script(Map.of("a", e -> hang(), "b", e -> answer("from-b", 0)), calls);
            for (int i = 0; i < 4; i++) {
                assertEquals("from-b", p.execute(s).get().value());
            }
            Thread.sleep(50); // the cancelled losers are recorded as they finish
            assertEquals("OPEN", p.status().get(0).breakerState());
            long t0 = System.nanoTime();
            assertEquals("from-b", p.execute(s).get().value());
            assertTrue((System.nanoTime() - t0) / 1_000_000 < HEDGE.toMillis(), "a skipped tier costs no hedge delay");
            assertEquals(4, calls.get("a").get());
        }
    }

    @Test
    void aHalfOpenProbeOfAStillHungTierCostsTheCallNothingAndReopensTheBreaker() throws Exception {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        Duration openFor = Duration.ofMillis(300);
        FailoverPolicy.BreakerSettings fast = new FailoverPolicy.BreakerSettings(50, 4, 4, openFor);
        try (FailoverPolicy p = new FailoverPolicy(chain("a", "b"), Duration.ofSeconds(2), fast)) {
            Function<Endpoint, CompletableFuture<String>> s = script(Map.of("a", e -> hang(), "b", e -> now("from-b")), calls);
            for (int i = 0; i < 4; i++) {
                assertEquals("from-b", p.execute(s).get().value());
            }
            assertEquals("OPEN", p.status().get(0).breakerState());

            Thread.sleep(openFor.toMillis() + 50);
            long t0 = System.nanoTime();
            FailoverPolicy.Result<String> probed = p.execute(s).get();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals("from-b", probed.value());
            assertEquals(5, calls.get("a").get(), "the open period is over: a is probed");
            assertTrue(ms < HEDGE.toMillis(), "the probe raced b from the start, so it cost no hedge delay: " + ms + " ms");
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
        AtomicInteger aHealthy = new AtomicInteger(0);
        Duration aHedge = Duration.ofMillis(500);
        try (FailoverPolicy p = new FailoverPolicy(List.of(tier("a", aHedge), tier("b", HEDGE)), Duration.ofSeconds(2), fast)) {
            Function<Endpoint, CompletableFuture<String>> s = script(Map.of(
                    // healed: answers well within its 500 ms hedge delay, but after b
                    "a", e -> aHealthy.get() == 1 ? answer("from-a", 15) : hang(),
                    "b", e -> now("from-b")), calls);
            for (int i = 0; i < 4; i++) {
                assertEquals("from-b", p.execute(s).get().value());
            }
            assertEquals("OPEN", p.status().get(0).breakerState());

            aHealthy.set(1);
            Thread.sleep(openFor.toMillis() + 50);
            assertEquals("from-b", p.execute(s).get().value(), "b answered first");
            assertEquals("CLOSED", afterProbe(p), "the probe's own answer closed the breaker");
            int bCalls = calls.get("b").get();
            assertEquals("from-a", p.execute(s).get().value(), "traffic is back on a");
            assertEquals(bCalls, calls.get("b").get(), "b is no longer asked");
        }
    }

    @Test
    void aSlowTierThatStillAnswersFirstIsNotHeldAgainstIt() throws Exception {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        FailoverPolicy.BreakerSettings fast = new FailoverPolicy.BreakerSettings(50, 4, 4, Duration.ofSeconds(30));
        // b's own hedge delay is long, so that a slow moment of the machine cannot make it overdue before a answers.
        try (FailoverPolicy p = new FailoverPolicy(List.of(tier("a", HEDGE), tier("b", Duration.ofMillis(900))), Duration.ofSeconds(2),
                fast)) {
            // a answers after its hedge delay, b (asked by the hedge) never: a is the best there is.
            Function<Endpoint, CompletableFuture<String>> s = script(Map.of(
                    "a", e -> answer("from-a", HEDGE.toMillis() + 30), "b", e -> hang()), calls);
            for (int i = 0; i < 6; i++) {
                assertEquals("from-a", p.execute(s).get().value());
            }
            assertEquals("CLOSED", p.status().get(0).breakerState(), "a won every race");
            assertEquals("CLOSED", p.status().get(1).breakerState(), "b, the hedge a beat, was not needed: not judged");
        }
    }
}
