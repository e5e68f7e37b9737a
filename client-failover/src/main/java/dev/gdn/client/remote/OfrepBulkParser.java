package dev.gdn.client.remote;

import dev.gdn.client.FlagEvaluation;
import dev.gdn.ruleset.json.JsonReadException;
import dev.gdn.ruleset.json.JsonReader;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Accepts only a well-formed OFREP bulk response: a JSON object with a {@code flags} array whose
 * every entry has a string {@code key} and either a {@code reason} or an {@code errorCode}. Anything
 * else (truncated, empty, HTML from a proxy, a different shape) is a failed attempt, never an answer.
 */
final class OfrepBulkParser {
    /** @param sseAdvertised whether the body's {@code eventStreams} (OFREP 0.3) lists an {@code sse} stream */
    record Parsed(Map<String, FlagEvaluation> flags, Map<String, Object> metadata, boolean sseAdvertised) {
    }

    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    private OfrepBulkParser() {
    }

    @SuppressWarnings("unchecked")
    static Parsed parse(byte[] body) throws Malformed {
        if (body.length == 0) {
            throw new Malformed("empty body");
        }
        Object doc;
        try {
            doc = new JsonReader(128).read(body);
        } catch (JsonReadException e) {
            throw new Malformed("not JSON: " + e.getMessage());
        }
        if (!(doc instanceof Map) || !(((Map<String, Object>) doc).get("flags") instanceof List)) {
            throw new Malformed("not an OFREP bulk response (no \"flags\" array)");
        }
        Map<String, Object> root = (Map<String, Object>) doc;
        Map<String, FlagEvaluation> flags = new LinkedHashMap<>();
        for (Object o : (List<Object>) root.get("flags")) {
            if (!(o instanceof Map)) {
                throw new Malformed("a flags entry is not an object");
            }
            Map<String, Object> f = (Map<String, Object>) o;
            if (!(f.get("key") instanceof String key)) {
                throw new Malformed("a flags entry has no key");
            }
            String reason = f.get("reason") instanceof String r ? r : null;
            String errorCode = f.get("errorCode") instanceof String c ? c : null;
            if (reason == null && errorCode == null) {
                throw new Malformed("flag " + key + " has neither reason nor errorCode");
            }
            Map<String, Object> md = f.get("metadata") instanceof Map ? (Map<String, Object>) f.get("metadata") : Map.of();
            flags.put(key, new FlagEvaluation(key, f.get("value"), f.get("variant") instanceof String v ? v : null, reason,
                    errorCode, f.get("errorDetails") instanceof String d ? d : null, md));
        }
        Map<String, Object> metadata = root.get("metadata") instanceof Map ? (Map<String, Object>) root.get("metadata") : Map.of();
        boolean sse = root.get("eventStreams") instanceof List<?> streams
                && streams.stream().anyMatch(e -> e instanceof Map<?, ?> m && "sse".equals(m.get("type")));
        return new Parsed(Collections.unmodifiableMap(flags), metadata, sse);
    }
}
