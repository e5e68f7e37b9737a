package dev.gdn.client;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One tier of the failover chain: a name, a kind and one or more base URLs (several GDN regions,
 * say), with how long one request may take and how long to wait before also asking the next.
 */
public record Tier(String name, TierKind kind, List<URI> baseUrls, Duration timeout, Duration hedgeDelay) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_HEDGE_DELAY = Duration.ofMillis(75);

    public Tier {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        baseUrls = List.copyOf(baseUrls);
        if (baseUrls.isEmpty()) {
            throw new IllegalArgumentException("tier " + name + " needs at least one base URL");
        }
        if (timeout.isNegative() || timeout.isZero() || hedgeDelay.isNegative()) {
            throw new IllegalArgumentException("tier " + name + ": timeout must be positive and hedge delay not negative");
        }
    }

    public static Tier of(String name, TierKind kind, String... urls) {
        return new Tier(name, kind, java.util.Arrays.stream(urls).map(URI::create).toList(), DEFAULT_TIMEOUT, DEFAULT_HEDGE_DELAY);
    }

    public Tier withTimeout(Duration t) {
        return new Tier(name, kind, baseUrls, t, hedgeDelay);
    }

    public Tier withHedgeDelay(Duration d) {
        return new Tier(name, kind, baseUrls, timeout, d);
    }
}
