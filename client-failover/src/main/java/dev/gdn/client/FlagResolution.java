package dev.gdn.client;

import java.util.Map;

/**
 * One flag's answer for one typed request, in OpenFeature terms, from either mode.
 *
 * <ul>
 *   <li>Error: {@code errorCode} set (FLAG_NOT_FOUND, TYPE_MISMATCH, PARSE_ERROR, GENERAL, ...),
 *       reason {@code ERROR}, no value: the caller's default applies.</li>
 *   <li>No value (DISABLED, or DEFAULT with no default variant): {@code value == null}, the reason
 *       says why; the caller's default applies, and it is not an error.</li>
 *   <li>A value, already of the requested type (see {@link FlagType#coerce}), with its variant.</li>
 * </ul>
 * When the answer comes from last-known-good (remote) or from a ruleset no tier has confirmed lately
 * (local), a non-error reason is {@code STALE}.
 *
 * @param version   the ruleset version the answer was computed with (0 when unknown)
 * @param tier      the tier whose data answered ("last-known-good" or "disk-cache" when stale), or null
 * @param freshness FRESH, STALE, or NONE when nothing at all was available (then errorCode is GENERAL)
 */
public record FlagResolution(String key, Object value, String variant, String reason, String errorCode, String errorDetails,
                             Map<String, Object> metadata, long version, String tier, Evaluations.Freshness freshness) {
    public static final String STALE = "STALE";
    public static final String ERROR = "ERROR";

    public boolean isError() {
        return errorCode != null;
    }

    public boolean hasValue() {
        return value != null;
    }

    static FlagResolution error(String key, String code, String details, Map<String, Object> metadata, long version, String tier,
                                Evaluations.Freshness freshness) {
        return new FlagResolution(key, null, null, ERROR, code, details, metadata == null ? Map.of() : metadata, version, tier,
                freshness);
    }

    /** Nothing answered and nothing is cached: the caller's default, reason ERROR. */
    public static FlagResolution none(String key, String why) {
        return error(key, "GENERAL", why, Map.of(), 0, null, Evaluations.Freshness.NONE);
    }

    /**
     * Maps one flag of a bulk answer (remote mode) to a typed resolution.
     */
    public static FlagResolution of(String key, FlagType type, Evaluations all) {
        if (all.freshness() == Evaluations.Freshness.NONE) {
            return none(key, "no flag data: " + all.error());
        }
        boolean stale = all.freshness() == Evaluations.Freshness.STALE;
        FlagEvaluation f = all.flag(key);
        if (f == null) {
            return error(key, "FLAG_NOT_FOUND", "flag '" + key + "' not found", Map.of(), all.version(), all.tier(), all.freshness());
        }
        return of(key, type, f.value(), f.variant(), f.reason(), f.errorCode(), f.errorDetails(), f.metadata(), all.version(),
                all.tier(), stale ? Evaluations.Freshness.STALE : Evaluations.Freshness.FRESH);
    }

    /** The common mapping of one answer (remote or local) to a typed resolution. */
    public static FlagResolution of(String key, FlagType type, Object value, String variant, String reason, String errorCode,
                                    String errorDetails, Map<String, Object> metadata, long version, String tier,
                                    Evaluations.Freshness freshness) {
        Map<String, Object> md = metadata == null ? Map.of() : metadata;
        if (errorCode != null) {
            return error(key, knownCode(errorCode), errorDetails, md, version, tier, freshness);
        }
        String why = freshness == Evaluations.Freshness.STALE ? STALE : reason == null ? "UNKNOWN" : reason;
        if (value == null) {
            // DISABLED, or DEFAULT without a default variant: no value, the caller's default; not an error.
            return new FlagResolution(key, null, null, why, null, null, md, version, tier, freshness);
        }
        Object typed = type.coerce(value);
        if (typed == null) {
            return error(key, "TYPE_MISMATCH", "flag '" + key + "' has a " + jsonType(value) + " value, not " + type.name().toLowerCase(),
                    md, version, tier, freshness);
        }
        return new FlagResolution(key, typed, variant, why, null, null, md, version, tier, freshness);
    }

    private static String knownCode(String code) {
        switch (code) {
            case "FLAG_NOT_FOUND":
            case "PARSE_ERROR":
            case "TYPE_MISMATCH":
            case "TARGETING_KEY_MISSING":
            case "INVALID_CONTEXT":
            case "PROVIDER_NOT_READY":
            case "PROVIDER_FATAL":
            case "GENERAL":
                return code;
            default:
                return "GENERAL";
        }
    }

    private static String jsonType(Object v) {
        if (v instanceof Boolean) {
            return "boolean";
        }
        if (v instanceof String) {
            return "string";
        }
        if (v instanceof Double || v instanceof Float) {
            return "float";
        }
        if (v instanceof Number) {
            return "integer";
        }
        return v instanceof Map ? "object" : v instanceof java.util.List ? "array" : v.getClass().getSimpleName();
    }
}
