package dev.gdn.regions.cdn;

/**
 * A POP's cache counters since it started, from {@code varnishstat}. They count cache lookups: a request
 * looked up twice (after every origin failed, or when its copy was superseded by a purge) counts twice.
 *
 * @param requests      client requests received
 * @param hits          lookups that found a fresh copy
 * @param graceHits     lookups that found an expired copy still in grace (served STALE, or refetched when superseded)
 * @param misses        lookups that found nothing usable (fetched from an origin)
 * @param passes        requests sent to an origin uncached (OFREP POSTs, ruleset downloads, health, …)
 * @param fetchFailures origin fetches that failed (every origin tried)
 * @param objects       answers held now
 */
public record CdnStats(long requests, long hits, long graceHits, long misses, long passes, long fetchFailures, long objects) {
    /** Share of cacheable lookups answered from the cache (fresh or stale); 0 before the first. */
    public double hitRatio() {
        long lookups = hits + graceHits + misses;
        return lookups == 0 ? 0 : (double) (hits + graceHits) / lookups;
    }
}
