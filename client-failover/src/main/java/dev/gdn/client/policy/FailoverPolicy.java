package dev.gdn.client.policy;

import dev.gdn.client.Endpoint;
import dev.gdn.client.Tier;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * All failover policy in one place. Endpoints are tried in chain order:
 * <ul>
 *   <li>an endpoint whose breaker is open, or that answered 429 and is inside its Retry-After, is
 *       skipped without waiting;</li>
 *   <li>when an attempt has not answered within its tier's hedge delay, the next endpoint starts in
 *       parallel; when it fails, the next starts at once;</li>
 *   <li>the first good answer wins;</li>
 *   <li>a 401/403 ends the call at once: it is a configuration error, not an outage;</li>
 *   <li>an overall deadline bounds every call.</li>
 * </ul>
 * So a hung first tier costs about one hedge delay, not its timeout; and only for a few calls,
 * because every attempt gets a verdict on its breaker, the losers of a race included:
 * <ul>
 *   <li>an attempt still out when a later one wins is given until its own hedge delay: if it answers
 *       by then it counts as a success, if not it is cancelled and counts as a failure
 *       ({@link AttemptFailure.OutrunByHedge}). A hung or slow tier therefore fails every race it is
 *       in, its breaker opens after a few calls, and it is skipped at no cost while open;</li>
 *   <li>a half-open endpoint's probe is raced with the next endpoint from the start, so probing a
 *       tier that is still hung costs the calling request nothing; the probe is judged the same way
 *       (an answer within its hedge delay closes the breaker).</li>
 * </ul>
 * A slow answer that still wins is not held against its tier: the alternatives were slower still,
 * and skipping the tier would only move calls to them.
 */
public final class FailoverPolicy implements AutoCloseable {
    /** Breaker settings, per endpoint. */
    public record BreakerSettings(float failureRatePercent, int window, int minimumCalls, Duration openFor) {
        public static final BreakerSettings DEFAULT = new BreakerSettings(50, 20, 5, Duration.ofSeconds(5));
    }

    /** A good answer and which endpoint gave it. */
    public record Result<T>(T value, Endpoint servedBy, List<String> notes) {
    }

    private final List<Endpoint> endpoints = new ArrayList<>();
    private final List<EndpointState> states = new ArrayList<>();
    private final Duration deadline;
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
        this.deadline = deadline;
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
                states.add(new EndpointState(CircuitBreaker.of(e.label(), config)));
            }
        }
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("the chain needs at least one tier");
        }
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
        Run<T> run = new Run<>(attempt);
        run.launchNext();
        run.result.orTimeout(deadline.toNanos(), TimeUnit.NANOSECONDS).whenComplete((r, e) -> {
            if (e != null) {
                run.cancelAll(e);
            }
        });
        return run.result;
    }

    /** One request to one endpoint within a call. */
    private static final class Attempt<T> {
        final Endpoint endpoint;
        final EndpointState state;
        final int launch;
        final long startNanos;
        final CompletableFuture<T> future;
        /** Why the policy cancelled it, if it did; read when the cancellation lands. */
        volatile String cancelledBecause;

        Attempt(Endpoint endpoint, EndpointState state, int launch, long startNanos, CompletableFuture<T> future) {
            this.endpoint = endpoint;
            this.state = state;
            this.launch = launch;
            this.startNanos = startNanos;
            this.future = future;
        }

        long hedgeNanos() {
            return endpoint.tier().hedgeDelay().toNanos();
        }

        /** Out for longer than its hedge delay: had the tier been healthy, it would have answered by now. */
        boolean overdue(long nowNanos) {
            return hedgeNanos() > 0 && nowNanos - startNanos >= hedgeNanos();
        }

        void cancel(String because) {
            cancelledBecause = because;
            future.cancel(true);
        }
    }

    /** One call's progress along the chain. */
    private final class Run<T> {
        final CompletableFuture<Result<T>> result = new CompletableFuture<>();
        final Function<Endpoint, CompletableFuture<T>> attempt;
        final List<Attempt<T>> inFlight = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        int next;
        int running;
        int launched;
        int winner;

        Run(Function<Endpoint, CompletableFuture<T>> attempt) {
            this.attempt = attempt;
        }

        synchronized void launchNext() {
            while (next < endpoints.size() && !result.isDone()) {
                int i = next++;
                Endpoint e = endpoints.get(i);
                EndpointState s = states.get(i);
                if (s.coolingUntilNanos - System.nanoTime() > 0) {
                    notes.add(e.label() + ": skipped (429, within Retry-After)");
                    continue;
                }
                if (!s.breaker.tryAcquirePermission()) {
                    notes.add(e.label() + ": skipped (circuit open)");
                    continue;
                }
                start(e, s);
                if (s.breaker.getState() == CircuitBreaker.State.HALF_OPEN && next < endpoints.size()) {
                    // A probe of a tier that failed lately: the next endpoint races it from the start, so
                    // a tier still hung costs this call nothing.
                    notes.add(e.label() + ": probed alongside the next");
                    continue;
                }
                return;
            }
            if (running == 0 && !result.isDone()) {
                result.completeExceptionally(new AllTiersFailed("no tier answered", notes));
            }
        }

        private void start(Endpoint e, EndpointState s) {
            running++;
            int myLaunch = ++launched;
            long t0 = System.nanoTime();
            CompletableFuture<T> cf;
            try {
                cf = attempt.apply(e);
            } catch (RuntimeException ex) {
                cf = CompletableFuture.failedFuture(ex);
            }
            // A guard in case the transport ignores its own timeout.
            cf = cf.orTimeout(e.tier().timeout().toNanos() + TimeUnit.MILLISECONDS.toNanos(50), TimeUnit.NANOSECONDS);
            Attempt<T> a = new Attempt<>(e, s, myLaunch, t0, cf);
            inFlight.add(a);
            cf.whenComplete((v, err) -> finished(a, v, err));
            long hedgeNanos = a.hedgeNanos();
            if (hedgeNanos < e.tier().timeout().toNanos()) {
                timers.schedule(() -> hedge(myLaunch, a), hedgeNanos, TimeUnit.NANOSECONDS);
            }
        }

        /** The hedge: the attempt is still out and nothing newer started since, so ask the next endpoint too. */
        synchronized void hedge(int launchNumber, Attempt<T> a) {
            if (!result.isDone() && !a.future.isDone() && launched == launchNumber) {
                notes.add("hedged after " + a.endpoint.tier().hedgeDelay().toMillis() + " ms");
                launchNext();
            }
        }

        synchronized void finished(Attempt<T> a, T value, Throwable err) {
            running--;
            EndpointState s = a.state;
            long took = System.nanoTime() - a.startNanos;
            Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            if (cause instanceof CancellationException) {
                String because = a.cancelledBecause;
                if (because != null && a.overdue(a.startNanos + took)) {
                    s.breaker.onError(took, TimeUnit.NANOSECONDS, new AttemptFailure.OutrunByHedge(a.endpoint.label() + ": " + because));
                } else {
                    // Not needed any more (a rejected key, a hedge the first attempt beat, close), or
                    // ended before its hedge delay: says nothing about the endpoint.
                    s.breaker.releasePermission();
                }
                return;
            }
            if (cause == null) {
                s.breaker.onSuccess(took, TimeUnit.NANOSECONDS);
                if (!result.isDone()) {
                    winner = a.launch;
                    retireLosers(); // first, so that the caller sees breakers that already count this race
                    result.complete(new Result<>(value, a.endpoint, List.copyOf(notes)));
                }
                return;
            }
            if (cause instanceof AttemptFailure.RejectedCredentials) {
                s.breaker.releasePermission();
                result.completeExceptionally(cause);
                return;
            }
            if (cause instanceof AttemptFailure.RateLimited r) {
                s.breaker.releasePermission();
                s.coolingUntilNanos = System.nanoTime() + r.retryAfter().toNanos();
            } else {
                s.breaker.onError(took, TimeUnit.NANOSECONDS, cause);
            }
            if (!result.isDone()) {
                notes.add(a.endpoint.label() + ": " + describe(cause) + " after " + TimeUnit.NANOSECONDS.toMillis(took) + " ms");
                launchNext();
            }
        }

        /**
         * After a win. An attempt launched before the winner was outrun: it is given until its own hedge
         * delay (a probe raced from the start may still answer in time), then cancelled and counted
         * against its endpoint. An attempt launched after the winner (a hedge the earlier attempt beat) was
         * never needed and is cancelled at once without a verdict: a backup slower than the primary is not
         * unhealthy.
         */
        private void retireLosers() {
            long now = System.nanoTime();
            for (Attempt<T> a : inFlight) {
                if (a.future.isDone()) {
                    continue;
                }
                if (a.launch > winner) {
                    a.cancel(null);
                    continue;
                }
                String because = "outrun: no answer within its " + a.endpoint.tier().hedgeDelay().toMillis() + " ms hedge delay";
                long left = a.hedgeNanos() - (now - a.startNanos);
                if (left <= 0) {
                    a.cancel(because);
                } else {
                    try {
                        timers.schedule(() -> a.cancel(because), left, TimeUnit.NANOSECONDS);
                    } catch (RejectedExecutionException closed) {
                        a.cancel(null);
                    }
                }
            }
        }

        /** The call ended without an answer: attempts out past their hedge delay count as failed. */
        synchronized void cancelAll(Throwable why) {
            Throwable cause = why instanceof CompletionException && why.getCause() != null ? why.getCause() : why;
            String because = cause instanceof TimeoutException ? "no answer by the call's " + deadline.toMillis() + " ms deadline" : null;
            inFlight.forEach(a -> a.cancel(because));
        }
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
