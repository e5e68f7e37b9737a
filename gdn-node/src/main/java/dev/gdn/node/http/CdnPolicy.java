package dev.gdn.node.http;

import java.time.Duration;

/**
 * Caching headers of the CDN-cacheable evaluation route: browsers revalidate every time
 * ({@code max-age=0}); the CDN keeps an answer {@code sMaxAge}, may serve it stale while it
 * revalidates, and keeps serving it when the origin fails — the belt's CDN layer.
 */
public record CdnPolicy(Duration sMaxAge, Duration staleWhileRevalidate, Duration staleIfError) {
    public static final CdnPolicy DEFAULT = new CdnPolicy(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofDays(1));

    /**
     * The surrogate key of an environment's cacheable answers ({@code Surrogate-Key} on the CDN GET): what a
     * CDN purges when the environment gets a new version.
     */
    public static String surrogateKey(String environmentId) {
        return "env-" + environmentId;
    }

    String cacheControl() {
        return "public, max-age=0, s-maxage=" + sMaxAge.toSeconds() + ", stale-while-revalidate="
                + staleWhileRevalidate.toSeconds() + ", stale-if-error=" + staleIfError.toSeconds();
    }
}
