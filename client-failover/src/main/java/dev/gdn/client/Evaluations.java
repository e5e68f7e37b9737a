package dev.gdn.client;

import java.time.Instant;
import java.util.Map;

/**
 * All flags for one context, and where they came from.
 *
 * @param version  the ruleset version the answer was computed with (0 when unknown)
 * @param servedBy the server's GDN-Served-By (region/node, "classic"), or null
 * @param tier     the tier that answered, "last-known-good", or null when nothing did
 * @param freshness how current the answer is
 * @param error    why no fresh answer was had (null when fresh)
 */
public record Evaluations(Map<String, FlagEvaluation> flags, Map<String, Object> metadata, long version, String servedBy,
                          String tier, Freshness freshness, String error, Instant receivedAt) {
    public enum Freshness {
        /** From a tier, now (including a 304 confirming the cached answer). */
        FRESH,
        /** Nothing answered in time: the last good answer for this context (OpenFeature reason STALE). */
        STALE,
        /** Nothing answered and nothing is cached: callers use their defaults (reason ERROR). */
        NONE
    }

    public static Evaluations none(String error) {
        return new Evaluations(Map.of(), Map.of(), 0, null, null, Freshness.NONE, error, Instant.now());
    }

    public FlagEvaluation flag(String key) {
        return flags.get(key);
    }
}
