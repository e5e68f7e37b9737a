package dev.gdn.client;

import java.net.URI;

/** One base URL of one tier: the unit a circuit breaker guards. */
public record Endpoint(Tier tier, URI baseUrl) {
    /** "tier-name (https://host)" for logs and status. */
    public String label() {
        return tier.name() + " (" + baseUrl + ")";
    }
}
