package dev.gdn.client.policy;

/** What the policy knows of one endpoint: its breaker state and whether it asked us to back off. */
public record EndpointStatus(String endpoint, String breakerState, boolean rateLimited, float failureRatePercent) {
}
