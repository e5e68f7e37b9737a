package dev.gdn.client;

import java.util.Map;

/**
 * One flag's answer as a server gave it (OFREP): a value and variant when one applies, a reason, or
 * an error code with details.
 */
public record FlagEvaluation(String key, Object value, String variant, String reason, String errorCode, String errorDetails,
                             Map<String, Object> metadata) {
    public boolean isError() {
        return errorCode != null;
    }

    public boolean hasValue() {
        return variant != null || value != null;
    }
}
