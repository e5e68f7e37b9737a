package dev.gdn.sync.store;

import java.time.Duration;

/** Settings every store gets: how long one call may take before it is abandoned. */
public record StoreOptions(Duration callTimeout) {
    public static final StoreOptions DEFAULT = new StoreOptions(Duration.ofSeconds(5));

    public StoreOptions {
        if (callTimeout.isNegative() || callTimeout.isZero()) {
            throw new IllegalArgumentException("callTimeout must be positive");
        }
    }
}
