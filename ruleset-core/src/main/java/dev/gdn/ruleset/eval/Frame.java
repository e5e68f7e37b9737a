package dev.gdn.ruleset.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/** What one flag evaluation sees besides the current data: the caller's context and the {@code $flagd} properties. */
final class Frame {
    final Map<String, Object> context;
    final String flagKey;
    final long timestamp;
    private Map<String, Object> flagdProperties;
    private Map<String, Object> rootWithFlagd;

    Frame(Map<String, Object> context, String flagKey, long timestamp) {
        this.context = context;
        this.flagKey = flagKey;
        this.timestamp = timestamp;
    }

    /** The {@code $flagd} object: {@code flagKey} and {@code timestamp} (Unix seconds). */
    Map<String, Object> flagdProperties() {
        if (flagdProperties == null) {
            Map<String, Object> m = new LinkedHashMap<>(2);
            m.put("flagKey", flagKey);
            m.put("timestamp", timestamp);
            flagdProperties = m;
        }
        return flagdProperties;
    }

    /** The whole root data, as {@code {"var": ""}} sees it: the context plus {@code $flagd}. Rarely needed. */
    Map<String, Object> rootWithFlagd() {
        if (rootWithFlagd == null) {
            Map<String, Object> m = new LinkedHashMap<>(context);
            m.put("$flagd", flagdProperties());
            rootWithFlagd = m;
        }
        return rootWithFlagd;
    }
}
