package dev.gdn.sync.publish;

import dev.gdn.sync.store.ObjectStore;
import dev.gdn.sync.store.PreconditionFailedException;
import dev.gdn.sync.store.StoreException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;

/**
 * One store's isolation for writes: retry with exponential backoff for passing faults, and a circuit
 * breaker so a store that keeps failing is skipped at once instead of costing every publication its
 * timeouts. Each store has its own, so one bad store never slows the others.
 */
final class StoreGuard {
    private final ObjectStore store;
    private final Retry retry;
    private final CircuitBreaker breaker;

    StoreGuard(ObjectStore store, WritePolicy policy) {
        this.store = store;
        this.retry = Retry.of(store.name(), RetryConfig.custom()
                .maxAttempts(policy.maxAttempts())
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(policy.initialBackoff(), 2.0, 0.3))
                // a lost compare-and-swap is settled inside the writer; a content conflict will not heal by retrying
                .retryOnException(e -> e instanceof StoreException && !(e instanceof PreconditionFailedException)
                        && !isPermanent((StoreException) e))
                .build());
        this.breaker = CircuitBreaker.of(store.name(), CircuitBreakerConfig.custom()
                .failureRateThreshold(50)
                .slidingWindowSize(10)
                .minimumNumberOfCalls(3)
                .waitDurationInOpenState(policy.breakerOpenFor())
                .permittedNumberOfCallsInHalfOpenState(1)
                .build());
    }

    private static boolean isPermanent(StoreException e) {
        return e.permanent();
    }

    ObjectStore store() {
        return store;
    }

    CircuitBreaker.State state() {
        return breaker.getState();
    }

    interface StoreAction<T> {
        T run() throws StoreException;
    }

    /**
     * Runs an action under breaker and retry.
     *
     * @throws CallNotPermittedException when the breaker is open
     */
    <T> T call(StoreAction<T> action) throws Exception {
        try {
            return CircuitBreaker.decorateCheckedSupplier(breaker,
                    Retry.decorateCheckedSupplier(retry, action::run)).get();
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
