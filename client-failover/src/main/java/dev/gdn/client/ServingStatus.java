package dev.gdn.client;

import dev.gdn.client.policy.EndpointStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the client serves from, for dashboards and health checks.
 *
 * @param mode             REMOTE (answers from the chain) or LOCAL (a verified ruleset evaluated in-process)
 * @param tier             the tier that gave the data in use ("last-known-good" / "disk-cache" when stale), or null
 * @param servedBy         the server's GDN-Served-By for it, or null
 * @param version          the ruleset version in use (0 when none)
 * @param versionCreatedAt when that version was published (local mode), or null
 * @param confirmedAt      when a tier last confirmed the data in use (200 or 304), or null
 * @param freshness        FRESH, STALE (a tier failed since), or NONE (nothing to serve: callers get defaults)
 * @param lastError        why the last attempt failed, or null
 * @param endpoints        every endpoint's breaker, in chain order
 */
public record ServingStatus(Mode mode, String tier, String servedBy, long version, Instant versionCreatedAt, Instant confirmedAt,
                            Evaluations.Freshness freshness, String lastError, List<EndpointStatus> endpoints) {
    public enum Mode { REMOTE, LOCAL }

    /** Time since a tier last confirmed the data in use (null when never). */
    public Duration age() {
        return confirmedAt == null ? null : Duration.between(confirmedAt, Instant.now());
    }
}
