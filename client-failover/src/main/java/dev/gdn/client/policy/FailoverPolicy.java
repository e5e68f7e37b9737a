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
 *   <li>the first good answer wins and the others are cancelled;</li>
 *   <li>a 401/403 ends the call at once: it is a configuration error, not an outage;</li>
 *   <li>an overall deadline bounds every call.</li>
 * </ul>
 * So a hung first tier costs about one hedge delay, not its timeout.
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
        run.result.orTimeout(deadline.toNanos(), TimeUnit.NANOSECONDS).whenComplete((r, e) -> run.cancelAll());
        return run.result;
    }

    /** One call's progress along the chain. */
    private final class Run<T> {
        final CompletableFuture<Result<T>> result = new CompletableFuture<>();
        final Function<Endpoint, CompletableFuture<T>> attempt;
        final List<CompletableFuture<T>> inFlight = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        int next;
        int running;
        int launched;

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
            inFlight.add(cf);
            CompletableFuture<T> mine = cf;
            cf.whenComplete((v, err) -> finished(e, s, t0, mine, v, err));
            long hedgeNanos = e.tier().hedgeDelay().toNanos();
            if (hedgeNanos < e.tier().timeout().toNanos()) {
                timers.schedule(() -> hedge(myLaunch, mine), hedgeNanos, TimeUnit.NANOSECONDS);
            }
        }

        /** The hedge: the attempt is still out and nothing newer started since, so ask the next endpoint too. */
        synchronized void hedge(int launchNumber, CompletableFuture<T> attemptFuture) {
            if (!result.isDone() && !attemptFuture.isDone() && launched == launchNumber) {
                notes.add("hedged after " + endpoints.get(next - 1).tier().hedgeDelay().toMillis() + " ms");
                launchNext();
            }
        }

        synchronized void finished(Endpoint e, EndpointState s, long t0, CompletableFuture<T> cf, T value, Throwable err) {
            running--;
            long took = System.nanoTime() - t0;
            Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            if (cause instanceof CancellationException || (result.isDone() && cause != null)) {
                if (took >= e.tier().hedgeDelay().toNanos() && e.tier().hedgeDelay().toNanos() > 0) {
                    // Outrun by a hedge: too slow for its place in the chain. Counting it lets the breaker
                    // open, so a hung tier stops costing a hedge delay on every call until a probe succeeds.
                    s.breaker.onError(took, TimeUnit.NANOSECONDS, new TimeoutException("slower than its hedge delay"));
                } else {
                    s.breaker.releasePermission(); // lost the race early: says nothing about the endpoint
                }
                return;
            }
            if (cause == null) {
                s.breaker.onSuccess(took, TimeUnit.NANOSECONDS);
                if (result.complete(new Result<>(value, e, List.copyOf(notes)))) {
                    cancelOthers(cf);
                }
                return;
            }
            if (cause instanceof AttemptFailure.RejectedCredentials) {
                s.breaker.releasePermission();
                result.completeExceptionally(cause);
                cancelOthers(cf);
                return;
            }
            if (cause instanceof AttemptFailure.RateLimited r) {
                s.breaker.releasePermission();
                s.coolingUntilNanos = System.nanoTime() + r.retryAfter().toNanos();
            } else {
                s.breaker.onError(took, TimeUnit.NANOSECONDS, cause);
            }
            notes.add(e.label() + ": " + describe(cause) + " after " + TimeUnit.NANOSECONDS.toMillis(took) + " ms");
            launchNext();
        }

        private void cancelOthers(CompletableFuture<T> winner) {
            for (CompletableFuture<T> f : inFlight) {
                if (f != winner) {
                    f.cancel(true);
                }
            }
        }

        synchronized void cancelAll() {
            inFlight.forEach(f -> f.cancel(true));
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
