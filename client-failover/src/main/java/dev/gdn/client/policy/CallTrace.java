package dev.gdn.client.policy;

import java.time.Duration;
import java.util.List;

/**
 * What one call through the chain did, endpoint by endpoint, in the order each was decided: for a slow
 * or failed call, where its time went (a hung attempt, a skipped tier, a last resort).
 *
 * @param attempts one entry per endpoint the call decided about; endpoints it never reached are absent
 */
public record CallTrace(List<Attempt> attempts) {
    public static final CallTrace NONE = new CallTrace(List.of());

    public CallTrace {
        attempts = List.copyOf(attempts);
    }

    /** How one endpoint's turn in the call ended (as far as the call saw it). */
    public enum Outcome {
        /** It answered (the winner, or a loser that answered within its hedge delay). */
        ANSWERED,
        /** It failed: an error status, a refused or reset connection, a malformed body, its own timeout. */
        FAILED,
        /** It went its hedge delay without an answer and was cancelled (hung). */
        HUNG_CANCELLED,
        /** Cancelled before its hedge delay because the call was over: says nothing about it. */
        UNNEEDED,
        /** Still out when the call ended (a probe given its hedge delay, or the deadline came first). */
        STILL_OUT,
        /** Not asked: its breaker is open. */
        SKIPPED_BREAKER_OPEN,
        /** Not asked: its breaker is half-open and another call holds its one probe. */
        SKIPPED_HALF_OPEN,
        /** Not asked: it answered 429 and its Retry-After has not passed. */
        SKIPPED_RATE_LIMITED
    }

    /** How the endpoint came to be asked. */
    public enum Asked {
        /** It was not (skipped). */
        NO,
        /** In its turn in the chain. */
        IN_TURN,
        /** A half-open breaker's probe, raced with the next endpoint. */
        HALF_OPEN_PROBE,
        /** Its breaker open (or its probe taken), asked because nothing else was left and the rest had hung. */
        LAST_RESORT
    }

    /**
     * @param endpoint     the endpoint's label (tier and URL)
     * @param startedAfter from the call's start to this decision (the attempt's start, or the skip)
     * @param asked        whether and why it was asked
     * @param outcome      how its turn ended
     * @param took         from its start to its end (zero when skipped; until the call's end when still out)
     * @param detail       the failure, when it failed (else null)
     */
    public record Attempt(String endpoint, Duration startedAfter, Asked asked, Outcome outcome, Duration took, String detail) {
    }
}
