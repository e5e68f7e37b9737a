package dev.gdn.sync.publish;

import java.time.Duration;

/**
 * How hard a publisher or reconciler tries each store.
 *
 * @param deadline       the most one publication waits for any store; slower stores are reported TIMED_OUT
 * @param maxAttempts    attempts per store call sequence, with exponential backoff from {@code initialBackoff}
 * @param breakerOpenFor how long a store whose breaker opened is skipped before a probe
 */
public record WritePolicy(Duration deadline, int maxAttempts, Duration initialBackoff, Duration breakerOpenFor) {
    public static final WritePolicy DEFAULT = new WritePolicy(Duration.ofSeconds(10), 3, Duration.ofMillis(100), Duration.ofSeconds(30));
}
