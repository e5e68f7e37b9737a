package dev.gdn.chaos.load;

import dev.gdn.client.FlagEvaluation;
import dev.gdn.ruleset.json.JsonReadException;
import dev.gdn.ruleset.json.JsonReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An OFREP bulk response body as a plain client reads it: every entry of {@code flags} by key, and the
 * top-level {@code metadata}. Anything that is not that shape is refused with what was wrong.
 */
record OfrepBody(Map<String, FlagEvaluation> flags, Map<String, Object> metadata) {
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message);
        }
    }

    /** {@code metadata.rulesetVersion}, or 0. */
    long rulesetVersion() {
        return metadata.get("rulesetVersion") instanceof Long v ? v : 0;
    }

    @SuppressWarnings("unchecked")
    static OfrepBody parse(byte[] body) throws Malformed {
        Object doc;
        try {
            doc = new JsonReader(128).read(body);
        } catch (JsonReadException e) {
            throw new Malformed("not JSON: " + e.getMessage());
        }
        if (!(doc instanceof Map<?, ?> root) || !(root.get("flags") instanceof List<?> list)) {
            throw new Malformed("no \"flags\" array");
        }
        Map<String, FlagEvaluation> flags = new LinkedHashMap<>();
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> f) || !(f.get("key") instanceof String key)) {
                throw new Malformed("a flags entry without a key");
            }
            flags.put(key, new FlagEvaluation(key, f.get("value"), f.get("variant") instanceof String v ? v : null,
                    f.get("reason") instanceof String r ? r : null, f.get("errorCode") instanceof String c ? c : null,
                    f.get("errorDetails") instanceof String d ? d : null,
                    f.get("metadata") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of()));
        }
        return new OfrepBody(Map.copyOf(flags), root.get("metadata") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of());
    }
}
