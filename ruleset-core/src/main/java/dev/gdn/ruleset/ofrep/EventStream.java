package dev.gdn.ruleset.ofrep;

import dev.gdn.ruleset.json.JsonWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of a bulk response's {@code eventStreams} (OFREP 0.3, ADR-0008): where a client listens
 * for change notifications. Exactly one of {@code url} (absolute) or {@code requestUri} (the
 * {@code endpoint} form: path and query, resolved by the client against an origin it knows) is set.
 */
public record EventStream(String type, String url, String requestUri, int inactivityDelaySec) {
    public static final String SSE = "sse";

    public EventStream {
        Objects.requireNonNull(type, "type");
        if ((url == null) == (requestUri == null)) {
            throw new IllegalArgumentException("exactly one of url or requestUri");
        }
        if (inactivityDelaySec < 1) {
            throw new IllegalArgumentException("inactivityDelaySec must be at least 1");
        }
    }

    public static EventStream sseAt(String absoluteUrl, int inactivityDelaySec) {
        return new EventStream(SSE, absoluteUrl, null, inactivityDelaySec);
    }

    public static EventStream sseRelative(String requestUri, int inactivityDelaySec) {
        return new EventStream(SSE, null, requestUri, inactivityDelaySec);
    }

    /** The JSON array written as the bulk body's {@code eventStreams} member. */
    public static byte[] toJsonArray(List<EventStream> streams) {
        List<Object> out = new ArrayList<>();
        for (EventStream s : streams) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", s.type);
            if (s.url != null) {
                m.put("url", s.url);
            } else {
                m.put("endpoint", Map.of("requestUri", s.requestUri));
            }
            m.put("inactivityDelaySec", s.inactivityDelaySec);
            out.add(m);
        }
        return JsonWriter.toBytes(out, false);
    }

    /**
     * The data of a {@code refetchEvaluation} notification: {@code etag} names the flag configuration
     * (environment and version, as the ruleset download's ETag), {@code lastModified} its creation in
     * Unix seconds, and {@code rulesetVersion} (a GDN addition) the version itself.
     */
    public static byte[] refetchEvaluation(String environmentId, long version, long createdAtSeconds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "refetchEvaluation");
        m.put("etag", configEtag(environmentId, version));
        m.put("lastModified", createdAtSeconds);
        m.put("rulesetVersion", version);
        return JsonWriter.toBytes(m, false);
    }

    /** The flag configuration's validator, {@code "env-version"} with its quotes (a strong HTTP ETag). */
    public static String configEtag(String environmentId, long version) {
        return "\"" + environmentId + "-" + version + "\"";
    }

    /**
     * The version a {@code flagConfigEtag} (see {@link #configEtag}) names for this environment, or 0
     * when it names another environment or is not one of ours. Quotes and a weak prefix are optional.
     */
    public static long versionOf(String flagConfigEtag, String environmentId) {
        if (flagConfigEtag == null) {
            return 0;
        }
        String s = flagConfigEtag.trim();
        if (s.startsWith("W/")) {
            s = s.substring(2);
        }
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
            s = s.substring(1, s.length() - 1);
        }
        if (!s.startsWith(environmentId + "-")) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(s.substring(environmentId.length() + 1)));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
