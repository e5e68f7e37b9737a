package dev.gdn.sync.fetch;

import java.time.Duration;
import java.util.Set;

/**
 * @param pollInterval how often each store's index is polled (conditional GET)
 * @param jitter       ± fraction of the interval, so many nodes do not poll in lockstep
 * @param hedgeDelay   how long an artifact read may take before the same artifact is also asked of the next store
 * @param environments the environments to load; empty means every environment in the index
 * @param logProblems  whether store failures and rejected objects are logged; false for callers that
 *                     report {@link Fetcher#storeStatuses()} and {@link Fetcher#recentRejections()}
 *                     themselves (the CLI), so each problem is told once
 */
public record FetcherConfig(Duration pollInterval, double jitter, Duration hedgeDelay, Set<String> environments,
                            boolean logProblems) {
    public static final FetcherConfig DEFAULT = new FetcherConfig(Duration.ofSeconds(1), 0.2, Duration.ofMillis(250), Set.of());

    public FetcherConfig(Duration pollInterval, double jitter, Duration hedgeDelay, Set<String> environments) {
        this(pollInterval, jitter, hedgeDelay, environments, true);
    }

    public FetcherConfig {
        environments = Set.copyOf(environments);
        if (jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("jitter must be in [0, 1)");
        }
    }

    public FetcherConfig withEnvironments(Set<String> envs) {
        return new FetcherConfig(pollInterval, jitter, hedgeDelay, envs, logProblems);
    }

    public FetcherConfig withPollInterval(Duration interval) {
        return new FetcherConfig(interval, jitter, hedgeDelay, environments, logProblems);
    }

    /** Problems are only recorded, not logged: for callers that report them themselves. */
    public FetcherConfig withoutProblemLogging() {
        return new FetcherConfig(pollInterval, jitter, hedgeDelay, environments, false);
    }
}
