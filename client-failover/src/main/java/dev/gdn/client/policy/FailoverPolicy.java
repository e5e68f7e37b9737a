package dev.gdn.client.policy;

import dev.gdn.client.Endpoint;
import dev.gdn.client.Tier;
import dev.gdn.client.metrics.ClientMetrics;
import dev.gdn.ruleset.hedge.HedgedRace;
import dev.gdn.ruleset.hedge.Suspects;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * All failover policy in one place. A call is a {@link HedgedRace} over the chain's endpoints (the race
 * itself lives in ruleset-core, shared with the store fetcher); this class is its policy:
 * <ul>
 *   <li>an endpoint whose breaker is open, or that answered 429 and is inside its Retry-After, is
 *       skipped without waiting;</li>
 *   <li>when an attempt has not answered within its tier's hedge delay, the next endpoint starts in
 *       parallel; when it fails, the next starts at once; the first good answer wins;</li>
 *   <li>a 401/403 ends the call at once: it is a configuration error, not an outage;</li>
 *   <li>an overall deadline bounds every call.</li>
 * </ul>
 * So a hung first tier costs about one hedge delay, not its timeout; and only for a few calls,
 * because every attempt gets a verdict on its endpoint's breaker, the losers of a race included:
 * <ul>
 *   <li>an attempt that goes its tier's hedge delay without an answer while another wins (or the
 *       deadline passes) is cancelled and counts as a failure ({@link AttemptFailure.OutrunByHedge}).
 *       A hung or slow tier fails every race it is in, its breaker opens after a few calls, and it is
 *       skipped at no cost while open;</li>
 *   <li>a half-open endpoint's probe is raced with the next endpoint from the start, so probing a
 *       tier that is still hung costs the calling request nothing; the probe is given its hedge delay
 *       to answer even when the next endpoint wins, and an answer within it closes the breaker;</li>
 *   <li>a hedge that the earlier attempt beat is cancelled without a verdict: a backup slower than
 *       the primary is not unhealthy.</li>
 * </ul>
 * Breakers need several lost races before they open; the race's {@link Suspects} cover that first
 * second (see {@link HedgedRace}). An endpoint whose attempt has just gone its hedge delay without an
 * answer is suspect: the calls after it ask it together with the next endpoint instead of waiting for
 * it, until it answers one of them within its hedge delay (or the suspicion lapses after the breaker's
 * open period). And a hedge asks the next two endpoints, so a call that meets two hung tiers in a row (a
 * region's CDN POP and node behind one black-holed link) waits one hedge delay, not two. While no
 * attempt goes its hedge delay, a call still asks exactly one endpoint.
 *
 * <p>An open breaker (or a half-open one whose single probe another call holds) defers an endpoint, it
 * does not rule it out: when the rest of the chain is used up and every attempt out has gone its hedge
 * delay, the deferred endpoints are asked as a last resort ({@link HedgedRace.Admission#HOLD}), without
 * a verdict on their breakers. Otherwise a blackhole met while the later tiers' breakers were open (a
 * fresh world's warm-up opens them) leaves the call waiting on hung attempts until its deadline.
 *
 * <p>Every call keeps a {@link CallTrace} of its endpoints, on its {@link Result} or its failure.
 *
 * <p>A slow answer that still wins is not held against its tier either (so Resilience4j's slow-call
 * rate is not used): the alternatives were slower still, and skipping the tier would only move calls
 * to them, or, were every tier slow, open every breaker and serve nothing fresh.
 */
public final class FailoverPolicy implements AutoCloseable {
    /** Breaker settings, per endpoint. */
    public record BreakerSettings(float failureRatePercent, int window, int minimumCalls, Duration openFor) {
        public static final BreakerSettings DEFAULT = new BreakerSettings(50, 20, 5, Duration.ofSeconds(5));
    }

    /** A good answer, which endpoint gave it, and what the call did on the way. */
    public record Result<T>(T value, Endpoint servedBy, List<String> notes, CallTrace trace) {
    }

    private final List<Endpoint> endpoints = new ArrayList<>();
    private final List<EndpointState> states = new ArrayList<>();
    private final List<Integer> indexes;
    private final Duration deadline;
    private final ClientMetrics metrics;
    private final Suspects<Integer> suspects;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gdn-client-hedge");
        t.setDaemon(true);
        return t;
    });

    private static final class EndpointState {
        final CircuitBreaker breaker;
        volatile long coolingUntilNanos;

        EndpointState(CircuitBreaker breaker) {
            this.breaker = breaker;
        }
    }

    public FailoverPolicy(List<Tier> tiers, Duration deadline, BreakerSettings breaker) {
        this(tiers, deadline, breaker, ClientMetrics.NONE);
    }

    public FailoverPolicy(List<Tier> tiers, Duration deadline, BreakerSettings breaker, ClientMetrics metrics) {
        this.deadline = deadline;
        this.metrics = metrics;
        // As long as a breaker stays open: an endpoint still hung is suspected again at every call that
        // asks it, and one that recovers is cleared by its first answer, so the length costs no requests.
        this.suspects = new Suspects<>(breaker.openFor());
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .failureRateThreshold(breaker.failureRatePercent())
                .slidingWindowSize(breaker.window())
                .minimumNumberOfCalls(breaker.minimumCalls())
                .waitDurationInOpenState(breaker.openFor())
                .permittedNumberOfCallsInHalfOpenState(1)
                .recordException(e -> !(e instanceof AttemptFailure f) || f.countsAgainstEndpoint())
                .build();
        for (Tier t : tiers) {
            for (java.net.URI u : t.baseUrls()) {
                Endpoint e = new Endpoint(t, u);
                endpoints.add(e);
                CircuitBreaker b = CircuitBreaker.of(e.label(), config);
                states.add(new EndpointState(b));
                metrics.breaker(e, b);
            }
        }
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("the chain needs at least one tier");
        }
        this.indexes = IntStream.range(0, endpoints.size()).boxed().toList();
    }

    public Duration deadline() {
        return deadline;
    }

    /**
     * Runs one call through the chain.
     *
     * @param attempt asks one endpoint; its future completes with a good answer, or exceptionally
     *                (an {@link AttemptFailure} to steer the policy; anything else counts as a failure)
     * @return the first good answer; exceptionally {@link AttemptFailure.RejectedCredentials},
     *         {@link AllTiersFailed}, or a {@link TimeoutException} at the deadline
     */
    public <T> CompletableFuture<Result<T>> execute(Function<Endpoint, CompletableFuture<T>> attempt) {
        Call<T> call = new Call<>(System.nanoTime());
        CompletableFuture<HedgedRace.Win<Integer, T>> race = HedgedRace.run(indexes, i -> guarded(endpoints.get(i), attempt),
                this::hedgeDelay, timers, call, suspects);
        race.orTimeout(deadline.toNanos(), TimeUnit.NANOSECONDS);
        return race.handle((win, err) -> {
            if (err == null) {
                if (win.candidate() != 0) {
                    metrics.failover(endpoints.get(win.candidate()));
                }
                return new Result<>(win.value(), endpoints.get(win.candidate()), call.notes(), call.trace());
            }
            Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            if (cause instanceof HedgedRace.NoAnswer) {
                cause = new AllTiersFailed("no tier answered", call.notes(), call.trace());
            } else if (cause instanceof TimeoutException) {
                cause = new DeadlinePassed(deadline, call.trace());
            }
            throw new CompletionException(cause);
        });
    }

    private static <T> CompletableFuture<T> guarded(Endpoint e, Function<Endpoint, CompletableFuture<T>> attempt) {
        // A guard in case the transport ignores its own timeout.
        return attempt.apply(e).orTimeout(e.tier().timeout().toNanos() + TimeUnit.MILLISECONDS.toNanos(50), TimeUnit.NANOSECONDS);
    }

    /** The tier's hedge delay, or none when it is not shorter than the tier's timeout. */
    private Duration hedgeDelay(int i) {
        Tier t = endpoints.get(i).tier();
        return t.hedgeDelay().compareTo(t.timeout()) < 0 ? t.hedgeDelay() : null;
    }

    /** The breakers' side of one call's race (endpoints by index in chain order), and its notes for diagnostics. */
    private final class Call<T> implements HedgedRace.Referee<Integer, T> {
        private final List<String> notes = new ArrayList<>();
        private final long startNanos;
        /** By endpoint index, in the order decided (each endpoint is decided at most once per call). */
        private final java.util.Map<Integer, Step> steps = new java.util.LinkedHashMap<>();

        /** One endpoint's entry in the trace, filled in as the call goes. */
        private static final class Step {
            final long atNanos;
            CallTrace.Asked asked;
            CallTrace.Outcome outcome; // null: still out
            long tookNanos;
            String detail;

            Step(long atNanos, CallTrace.Asked asked, CallTrace.Outcome outcome) {
                this.atNanos = atNanos;
                this.asked = asked;
                this.outcome = outcome;
            }
        }

        Call(long startNanos) {
            this.startNanos = startNanos;
        }

        synchronized List<String> notes() {
            return List.copyOf(notes);
        }

        private synchronized void note(String n) {
            notes.add(n);
        }

        private synchronized void step(int i, CallTrace.Asked asked, CallTrace.Outcome skipped) {
            steps.put(i, new Step(System.nanoTime(), asked, skipped));
        }

        /** The trace as of now: attempts without a verdict yet are still out. */
        synchronized CallTrace trace() {
            long now = System.nanoTime();
            List<CallTrace.Attempt> out = new ArrayList<>();
            steps.forEach((i, s) -> out.add(new CallTrace.Attempt(endpoints.get(i).label(), Duration.ofNanos(s.atNanos - startNanos), s.asked,
                    s.outcome == null ? CallTrace.Outcome.STILL_OUT : s.outcome,
                    Duration.ofNanos(s.outcome == null ? now - s.atNanos : s.tookNanos), s.detail)));
            return new CallTrace(out);
        }

        private synchronized boolean lastResortAsked(int i) {
            Step s = steps.get(i);
            return s != null && s.asked == CallTrace.Asked.LAST_RESORT;
        }

        private synchronized void ended(int i, CallTrace.Outcome outcome, long tookNanos, String detail) {
            Step s = steps.get(i);
            if (s != null) {
                s.outcome = outcome;
                s.tookNanos = tookNanos;
                if (detail != null) {
                    s.detail = detail;
                }
            }
        }

        @Override
        public HedgedRace.Admission admit(Integer i) {
            Endpoint e = endpoints.get(i);
            EndpointState s = states.get(i);
            if (s.coolingUntilNanos - System.nanoTime() > 0) {
                note(e.label() + ": skipped (429, within Retry-After)");
                metrics.attempt(e, ClientMetrics.AttemptOutcome.SKIPPED_RATE_LIMITED);
                step(i, CallTrace.Asked.NO, CallTrace.Outcome.SKIPPED_RATE_LIMITED);
                return HedgedRace.Admission.SKIP;
            }
            if (!s.breaker.tryAcquirePermission()) {
                // Held, not dropped: asked as a last resort should the rest of the chain hang (see the class comment).
                boolean halfOpen = s.breaker.getState() == CircuitBreaker.State.HALF_OPEN;
                note(e.label() + (halfOpen ? ": skipped (circuit half-open, its probe taken)" : ": skipped (circuit open)"));
                metrics.attempt(e, ClientMetrics.AttemptOutcome.SKIPPED_OPEN);
                step(i, CallTrace.Asked.NO, halfOpen ? CallTrace.Outcome.SKIPPED_HALF_OPEN : CallTrace.Outcome.SKIPPED_BREAKER_OPEN);
                return HedgedRace.Admission.HOLD;
            }
            if (s.breaker.getState() == CircuitBreaker.State.HALF_OPEN) {
                // A probe of a tier that failed lately: the next endpoint races it from the start, so a
                // tier still hung costs this call nothing.
                note(e.label() + ": probed alongside the next");
                step(i, CallTrace.Asked.HALF_OPEN_PROBE, null);
                return HedgedRace.Admission.START_AND_NEXT;
            }
            step(i, CallTrace.Asked.IN_TURN, null);
            return HedgedRace.Admission.START;
        }

        @Override
        public void hedged(Integer i) {
            note("hedged after " + endpoints.get(i).tier().hedgeDelay().toMillis() + " ms");
        }

        @Override
        public void suspectAsked(Integer i) {
            note(endpoints.get(i).label() + ": asked alongside the next (hung past its hedge delay lately)");
        }

        @Override
        public void lastResort(Integer i) {
            note(endpoints.get(i).label() + ": asked as a last resort (the rest of the chain hung or failed)");
            synchronized (this) {
                Step skipped = steps.get(i);
                step(i, CallTrace.Asked.LAST_RESORT, null);
                if (skipped != null) { // why it was held, until a failure says more
                    steps.get(i).detail = "held: " + skipped.outcome.name().toLowerCase(java.util.Locale.ROOT);
                }
            }
        }

        @Override
        public boolean endsRace(Integer i, Throwable failure) {
            return failure instanceof AttemptFailure.RejectedCredentials;
        }

        @Override
        public void settled(Integer i, HedgedRace.Outcome<T> outcome) {
            Endpoint e = endpoints.get(i);
            EndpointState s = states.get(i);
            long took = outcome.nanos();
            ClientMetrics.AttemptOutcome verdict = verdict(outcome);
            ended(i, switch (verdict) {
                case ANSWERED -> CallTrace.Outcome.ANSWERED;
                case OVERDUE -> CallTrace.Outcome.HUNG_CANCELLED;
                case UNNEEDED -> CallTrace.Outcome.UNNEEDED;
                default -> CallTrace.Outcome.FAILED;
            }, took, outcome instanceof HedgedRace.Failed<T> f ? describe(f.cause()) : null);
            if (lastResortAsked(i)) {
                // Asked without its breaker's permission: the breaker keeps its own probe schedule.
                metrics.attempt(e, verdict);
                return;
            }
            if (outcome instanceof HedgedRace.Answered<T>) {
                s.breaker.onSuccess(took, TimeUnit.NANOSECONDS);
                metrics.attempt(e, ClientMetrics.AttemptOutcome.ANSWERED);
            } else if (outcome instanceof HedgedRace.Overdue<T>) {
                s.breaker.onError(took, TimeUnit.NANOSECONDS, new AttemptFailure.OutrunByHedge(e.label()
                        + ": no answer within its " + e.tier().hedgeDelay().toMillis() + " ms hedge delay"));
                metrics.attempt(e, ClientMetrics.AttemptOutcome.OVERDUE);
            } else if (outcome instanceof HedgedRace.Unneeded<T>) {
                s.breaker.releasePermission(); // ended before its hedge delay: says nothing about the endpoint
                metrics.attempt(e, ClientMetrics.AttemptOutcome.UNNEEDED);
            } else if (outcome instanceof HedgedRace.Failed<T> f) {
                metrics.attempt(e, ClientMetrics.AttemptOutcome.FAILED);
                Throwable cause = f.cause();
                if (cause instanceof AttemptFailure.RejectedCredentials) {
                    s.breaker.releasePermission();
                } else if (cause instanceof AttemptFailure.RateLimited r) {
                    s.breaker.releasePermission();
                    s.coolingUntilNanos = System.nanoTime() + r.retryAfter().toNanos();
                } else {
                    s.breaker.onError(took, TimeUnit.NANOSECONDS, cause);
                }
                note(e.label() + ": " + describe(cause) + " after " + TimeUnit.NANOSECONDS.toMillis(took) + " ms");
            }
        }
    }

    private static ClientMetrics.AttemptOutcome verdict(HedgedRace.Outcome<?> o) {
        if (o instanceof HedgedRace.Answered<?>) {
            return ClientMetrics.AttemptOutcome.ANSWERED;
        } else if (o instanceof HedgedRace.Overdue<?>) {
            return ClientMetrics.AttemptOutcome.OVERDUE;
        } else if (o instanceof HedgedRace.Unneeded<?>) {
            return ClientMetrics.AttemptOutcome.UNNEEDED;
        }
        return ClientMetrics.AttemptOutcome.FAILED;
    }

    private static String describe(Throwable t) {
        if (t instanceof TimeoutException) {
            return "timed out";
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** Every endpoint's breaker state, in chain order. */
    public List<EndpointStatus> status() {
        List<EndpointStatus> out = new ArrayList<>();
        for (int i = 0; i < endpoints.size(); i++) {
            EndpointState s = states.get(i);
            out.add(new EndpointStatus(endpoints.get(i).label(), s.breaker.getState().name(),
                    s.coolingUntilNanos - System.nanoTime() > 0, s.breaker.getMetrics().getFailureRate()));
        }
        return out;
    }

    public List<Endpoint> endpoints() {
        return List.copyOf(endpoints);
    }

    @Override
    public void close() {
        timers.shutdownNow();
    }
}
