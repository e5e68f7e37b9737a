package dev.gdn.client.metrics;

import dev.gdn.client.Endpoint;
import dev.gdn.client.Evaluations;
import dev.gdn.client.ServingStatus;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.function.Supplier;

/**
 * What the client reports about itself. {@link #NONE} unless the application gives the builder a
 * Micrometer registry ({@link MicrometerClientMetrics}); this interface names no Micrometer type, so
 * an application without Micrometer never loads one.
 */
public interface ClientMetrics {
    /** Reports nothing. */
    ClientMetrics NONE = new ClientMetrics() {
    };

    /** How one endpoint's turn in a call ended. */
    enum AttemptOutcome {
        /** It answered (the winner, or a probe that answered within its hedge delay). */
        ANSWERED,
        /** It failed (error status, reset, malformed body, its timeout). */
        FAILED,
        /** It went its hedge delay without an answer and was cancelled: counts against its breaker. */
        OVERDUE,
        /** Cancelled before its hedge delay because the call was over: says nothing about it. */
        UNNEEDED,
        /** Not asked: its breaker is open. */
        SKIPPED_OPEN,
        /** Not asked: it answered 429 and its Retry-After has not passed. */
        SKIPPED_RATE_LIMITED
    }

    /** Called once per endpoint when the client starts: the breaker to watch. */
    default void breaker(Endpoint endpoint, CircuitBreaker breaker) {
    }

    default void attempt(Endpoint endpoint, AttemptOutcome outcome) {
    }

    /** A call was answered by an endpoint other than the first of the chain. */
    default void failover(Endpoint servedBy) {
    }

    /** One evaluation through the chain (remote mode) ended with this answer after {@code nanos}. */
    default void evaluated(Evaluations answer, long nanos) {
    }

    /**
     * Called once when the client starts: what it serves from, read at each scrape. The client holds
     * {@code status} for as long as it lives; an implementation may hold it weakly.
     */
    default void serving(Supplier<ServingStatus> status) {
    }
}
