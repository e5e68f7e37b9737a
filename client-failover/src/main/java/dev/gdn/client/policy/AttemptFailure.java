package dev.gdn.client.policy;

import java.time.Duration;

/** Why one attempt at one endpoint did not produce a good answer, and what the policy does about it. */
public class AttemptFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AttemptFailure(String message) {
        super(message, null, false, false);
    }

    /** A failure that says nothing about the endpoint's health: it does not count against its breaker. */
    boolean countsAgainstEndpoint() {
        return true;
    }

    /** 401 or 403: a configuration error (wrong or revoked key). Never failed over: every tier would say the same. */
    public static final class RejectedCredentials extends AttemptFailure {
        private static final long serialVersionUID = 1L;
        private final int status;

        public RejectedCredentials(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }

        @Override
        boolean countsAgainstEndpoint() {
            return false;
        }
    }

    /** 429: the endpoint asks us to come back later; skipped until then, the next tier answers meanwhile. */
    public static final class RateLimited extends AttemptFailure {
        private static final long serialVersionUID = 1L;
        private final Duration retryAfter;

        public RateLimited(Duration retryAfter, String message) {
            super(message);
            this.retryAfter = retryAfter;
        }

        public Duration retryAfter() {
            return retryAfter;
        }

        @Override
        boolean countsAgainstEndpoint() {
            return false;
        }
    }

    /**
     * A later endpoint answered first and this one had not answered within its tier's hedge delay: it
     * counts against the endpoint, so a tier that keeps losing races (hung or slow) opens its breaker.
     */
    public static final class OutrunByHedge extends AttemptFailure {
        private static final long serialVersionUID = 1L;

        public OutrunByHedge(String message) {
            super(message);
        }
    }
}
