package dev.gdn.client;

import dev.gdn.client.policy.EndpointStatus;
import java.util.List;

/**
 * What the client is doing: which tier and server gave the last answer, each endpoint's breaker, and
 * the pinned ruleset version.
 */
public record ClientStatus(String lastTier, String lastServedBy, long pinnedVersion, List<EndpointStatus> endpoints) {
}
