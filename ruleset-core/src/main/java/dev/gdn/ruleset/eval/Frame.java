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

    private final int sharedCount;
    private Object[] sharedValues;  // what each shared evaluator gave for this request's root data
    private Object[] sharedOwners;  // SAME_REQUEST, or the flag key a per-flag value was computed for
    private static final Object SAME_REQUEST = new Object();

    Frame(Map<String, Object> context, long timestamp) {
        this(context, timestamp, 0);
    }

    /** @param sharedCount the ruleset's shared evaluators, remembered once computed for this request */
    Frame(Map<String, Object> context, long timestamp, int sharedCount) {
        this.context = context;
        this.timestamp = timestamp;
        this.sharedCount = sharedCount;
    }

    /** A shared evaluator's value for the root data: computed at most once per request (per flag if it reads the flag key). */
    Object shared(DataNodes.Shared node) {
        if (sharedValues == null) {
            sharedValues = new Object[sharedCount];
            sharedOwners = new Object[sharedCount];
        }
        int slot = node.slot;
        Object owner = node.perFlag() ? flagKey : SAME_REQUEST;
        if (sharedOwners[slot] == owner) {
            return sharedValues[slot];
        }
        Object v = node.evalRoot(this); // an exception is not remembered: the next use fails the same way
        sharedValues[slot] = v;
        sharedOwners[slot] = owner;
        return v;
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
