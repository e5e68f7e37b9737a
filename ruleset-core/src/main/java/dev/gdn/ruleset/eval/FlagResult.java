package dev.gdn.ruleset.eval;

import java.util.Map;

/**
 * The outcome of evaluating one flag. Success: {@code errorCode == null}; {@code value} and
 * {@code variant} are null when no variant applies (DISABLED, or DEFAULT with no default variant).
 * Failure: {@code reason == ERROR} with an error code and details.
 *
 * @param value a plain Java JSON value (Boolean, Long, Double, String, Map, List)
 */
public record FlagResult(String key, Object value, String variant, Reason reason, ErrorCode errorCode,
                         String errorDetails, Map<String, Object> metadata) {

    public static FlagResult success(String key, Object value, String variant, Reason reason, Map<String, Object> metadata) {
        return new FlagResult(key, value, variant, reason, null, null, metadata);
    }

    public static FlagResult error(String key, ErrorCode code, String details, Map<String, Object> metadata) {
        return new FlagResult(key, null, null, Reason.ERROR, code, details, metadata);
    }

    public boolean isError() {
        return errorCode != null;
    }

    public boolean hasValue() {
        return variant != null;
    }
}
