package dev.gdn.client;

import dev.gdn.client.policy.CallTrace;
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
 * @param trace    what the call that produced this did, endpoint by endpoint ({@link CallTrace#NONE} when
 *                 no call through the chain was made: local evaluation)
 */
public record Evaluations(Map<String, FlagEvaluation> flags, Map<String, Object> metadata, long version, String servedBy,
                          String tier, Freshness freshness, String error, Instant receivedAt, CallTrace trace) {
    public Evaluations {
        trace = trace == null ? CallTrace.NONE : trace;
    }

    /** Without a trace. */
    public Evaluations(Map<String, FlagEvaluation> flags, Map<String, Object> metadata, long version, String servedBy,
                       String tier, Freshness freshness, String error, Instant receivedAt) {
        this(flags, metadata, version, servedBy, tier, freshness, error, receivedAt, CallTrace.NONE);
    }

    /** The same answer, as this call's: with its trace. */
    public Evaluations withTrace(CallTrace t) {
        return new Evaluations(flags, metadata, version, servedBy, tier, freshness, error, receivedAt, t);
    }

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

    public static Evaluations none(String error, CallTrace trace) {
        return new Evaluations(Map.of(), Map.of(), 0, null, null, Freshness.NONE, error, Instant.now(), trace);
    }

    public FlagEvaluation flag(String key) {
        return flags.get(key);
    }
}
