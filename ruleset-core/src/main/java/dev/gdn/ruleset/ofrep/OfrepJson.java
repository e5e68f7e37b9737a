package dev.gdn.ruleset.ofrep;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.gdn.ruleset.eval.ErrorCode;
import dev.gdn.ruleset.eval.EvaluationContext;
import dev.gdn.ruleset.eval.FlagResult;
import dev.gdn.ruleset.json.JsonReadException;
import dev.gdn.ruleset.json.JsonReader;
import dev.gdn.ruleset.json.JsonWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The OFREP wire format (open-feature/protocol service/openapi.yaml) shared by every GDN server and
 * client: evaluation responses out, evaluation requests in.
 */
public final class OfrepJson {
    private static final JsonReader CONTEXT_READER = JsonReader.standard();

    private OfrepJson() {
    }

    /** HTTP status for a single-flag response: 200, 404 for FLAG_NOT_FOUND, 400 for other errors. */
    public static int httpStatus(FlagResult r) {
        if (!r.isError()) {
            return 200;
        }
        return r.errorCode() == ErrorCode.FLAG_NOT_FOUND ? 404 : 400;
    }

    /** Single-flag response body: success {key, value?, reason, variant?, metadata} or failure {key, errorCode, errorDetails}. */
    public static byte[] single(FlagResult r) {
        return write(g -> writeFlag(g, r));
    }

    public static void writeSingle(FlagResult r, OutputStream out) throws IOException {
        try (JsonGenerator g = JsonWriter.generator(out)) {
            writeFlag(g, r);
        }
    }

    /** Bulk response body {flags: [...], metadata: {...}}. */
    public static byte[] bulk(List<FlagResult> results, Map<String, Object> metadata) {
        return write(g -> writeBulk(g, results, metadata));
    }

    public static void writeBulk(List<FlagResult> results, Map<String, Object> metadata, OutputStream out) throws IOException {
        try (JsonGenerator g = JsonWriter.generator(out)) {
            writeBulk(g, results, metadata);
        }
    }

    /** A request-level error body: {key?, errorCode, errorDetails}. */
    public static byte[] error(String key, ErrorCode code, String details) {
        return write(g -> {
            g.writeStartObject();
            if (key != null) {
                g.writeStringField("key", key);
            }
            g.writeStringField("errorCode", code.name());
            g.writeStringField("errorDetails", details);
            g.writeEndObject();
        });
    }

    /** An error body with no OFREP error code (401, 403, 413, 429, 500): {errorDetails}. */
    public static byte[] errorDetails(String details) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("errorDetails", details);
            g.writeEndObject();
        });
    }

    private static void writeBulk(JsonGenerator g, List<FlagResult> results, Map<String, Object> metadata) throws IOException {
        g.writeStartObject();
        g.writeArrayFieldStart("flags");
        for (FlagResult r : results) {
            writeFlag(g, r);
        }
        g.writeEndArray();
        g.writeFieldName("metadata");
        JsonWriter.write(g, metadata == null ? Collections.emptyMap() : metadata);
        g.writeEndObject();
    }

    private static void writeFlag(JsonGenerator g, FlagResult r) throws IOException {
        g.writeStartObject();
        g.writeStringField("key", r.key());
        if (r.isError()) {
            g.writeStringField("errorCode", r.errorCode().name());
            g.writeStringField("errorDetails", r.errorDetails());
        } else {
            if (r.hasValue()) {
                g.writeFieldName("value");
                JsonWriter.write(g, r.value());
            }
            g.writeStringField("reason", r.reason().name());
            if (r.hasValue()) {
                g.writeStringField("variant", r.variant());
            }
        }
        if (!r.isError() || !r.metadata().isEmpty()) {
            g.writeFieldName("metadata");
            JsonWriter.write(g, r.metadata());
        }
        g.writeEndObject();
    }

    /**
     * Parses an OFREP evaluation request body {@code {"context": {...}}}. An empty body or a missing
     * context means an empty context.
     */
    @SuppressWarnings("unchecked")
    public static EvaluationContext parseRequest(byte[] body) throws InvalidContextException {
        if (body.length == 0) {
            return EvaluationContext.empty();
        }
        Object doc = readJson(body, "request body");
        if (!(doc instanceof Map)) {
            throw new InvalidContextException("request body must be a JSON object like {\"context\": {...}}");
        }
        Map<String, Object> m = (Map<String, Object>) doc;
        if (!m.containsKey("context")) {
            return EvaluationContext.empty();
        }
        return toContext(m.get("context"), "context");
    }

    /** Parses a bare evaluation context object, e.g. {@code {"targetingKey": "u1", "plan": "pro"}}. */
    public static EvaluationContext parseContext(byte[] json) throws InvalidContextException {
        return toContext(readJson(json, "context"), "context");
    }

    public static EvaluationContext parseContext(String json) throws InvalidContextException {
        return parseContext(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unchecked")
    public static EvaluationContext toContext(Object value, String what) throws InvalidContextException {
        if (!(value instanceof Map)) {
            throw new InvalidContextException(what + " must be a JSON object, not " + kind(value));
        }
        Map<String, Object> ctx = (Map<String, Object>) value;
        Object tk = ctx.get("targetingKey");
        if (tk != null && !(tk instanceof String)) {
            throw new InvalidContextException(what + ".targetingKey must be a string, not " + kind(tk));
        }
        return EvaluationContext.of(Collections.unmodifiableMap(ctx));
    }

    private static Object readJson(byte[] json, String what) throws InvalidContextException {
        try {
            return CONTEXT_READER.read(json);
        } catch (JsonReadException e) {
            throw new InvalidContextException(what + ": " + e.getMessage());
        }
    }

    private static String kind(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String) {
            return "a string";
        }
        if (v instanceof Number) {
            return "a number";
        }
        if (v instanceof Boolean) {
            return "a boolean";
        }
        if (v instanceof List) {
            return "an array";
        }
        return "an object";
    }

    private interface GeneratorBody {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] write(GeneratorBody body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = JsonWriter.generator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
