package dev.gdn.sync.publish;

import java.time.Duration;

/** What happened at one store. */
public record StoreOutcome(String store, Status status, String detail, Duration took) {
    public enum Status {
        /** The artifact and the index entry were written. */
        PUBLISHED(true),
        /** The store already had exactly this version (a re-publish). */
        ALREADY_CURRENT(true),
        /** The store holds a higher version for the environment; the artifact was written, the index left alone. */
        NEWER_PRESENT(true),
        /** A store call failed (after retries). */
        FAILED(false),
        /** The store did not finish within the publication deadline. */
        TIMED_OUT(false),
        /** The store's circuit breaker is open after repeated failures: not tried. */
        CIRCUIT_OPEN(false);

        private final boolean stored;

        Status(boolean stored) {
            this.stored = stored;
        }

        /** Whether the store now holds the artifact. */
        public boolean stored() {
            return stored;
        }
    }

    @Override
    public String toString() {
        return String.format("%-40s %-15s %5d ms%s", store, status, took.toMillis(), detail == null || detail.isEmpty() ? "" : "  " + detail);
    }
}
