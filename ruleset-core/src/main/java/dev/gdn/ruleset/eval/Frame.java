package dev.gdn.ruleset.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an evaluation sees besides the current data: the caller's context and the {@code $flagd}
 * properties. One frame serves every flag of one request (evaluation is single-threaded per
 * request), so work that depends only on the context, like parsing a version string, is done once.
 */
final class Frame {
    final Map<String, Object> context;
    final long timestamp;
    String flagKey;
    private Map<String, Object> flagdProperties;
    private Map<String, Object> rootWithFlagd;
    private String semVerText;
    private SemVer semVer;

    Frame(Map<String, Object> context, long timestamp) {
        this.context = context;
        this.timestamp = timestamp;
    }

    /** Moves the frame to the next flag (each flag passes its own key instance: identity suffices). */
    Frame forFlag(String key) {
        if (key != flagKey) {
            flagKey = key;
            flagdProperties = null;
            rootWithFlagd = null;
        }
        return this;
    }

    /** The parsed version, remembered for the last text seen (usually one context attribute read by many flags). */
    SemVer semVer(String text) {
        if (!text.equals(semVerText)) {
            semVerText = text;
            semVer = SemVer.parse(text);
        }
        return semVer;
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
