package dev.gdn.ruleset.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Writes the plain Java values {@link JsonReader} produces. Integers are written as integers and
 * doubles keep a fraction or exponent ({@code 0.0}, not {@code 0}), so numbers keep their type on the
 * wire. Non-finite doubles, which JSON cannot carry, are written as {@code null}.
 */
public final class JsonWriter {
    // Jackson's UTF-8 output escapes a surrogate pair (an emoji) as "\uD83D\uDE00" by default, while it writes
    // other non-ASCII raw; JavaScript's JSON.stringify writes it raw. Combining keeps the canonical form the
    // same bytes a JS client computes (lone surrogates are still escaped).
    static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .build();

    private JsonWriter() {
    }

    public static JsonGenerator generator(OutputStream out) throws IOException {
        return FACTORY.createGenerator(out);
    }

    public static String toJson(Object value) {
        return new String(toBytes(value, false), StandardCharsets.UTF_8);
    }

    /**
     * Canonical form: object keys sorted (by UTF-16 code unit, as JavaScript sorts them), no
     * insignificant whitespace. Two equal contexts give the same bytes, which is what ETags and
     * CDN cache keys need.
     */
    public static String toCanonicalJson(Object value) {
        return new String(toBytes(value, true), StandardCharsets.UTF_8);
    }

    public static byte[] toBytes(Object value, boolean canonical) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = generator(out)) {
            write(g, value, canonical);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static void write(JsonGenerator g, Object value) throws IOException {
        write(g, value, false);
    }

    @SuppressWarnings("unchecked")
    public static void write(JsonGenerator g, Object value, boolean canonical) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof String) {
            g.writeString((String) value);
        } else if (value instanceof Boolean) {
            g.writeBoolean((Boolean) value);
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            g.writeNumber(((Number) value).longValue());
        } else if (value instanceof Number) {
            double d = ((Number) value).doubleValue();
            if (Double.isFinite(d)) {
                g.writeNumber(d);
            } else {
                g.writeNull();
            }
        } else if (value instanceof Map) {
            Map<String, Object> map = (Map<String, Object>) value;
            g.writeStartObject();
            if (canonical) {
                List<String> keys = new ArrayList<>(map.keySet());
                Collections.sort(keys);
                for (String k : keys) {
                    g.writeFieldName(k);
                    write(g, map.get(k), true);
                }
            } else {
                for (Map.Entry<String, Object> e : map.entrySet()) {
                    g.writeFieldName(e.getKey());
                    write(g, e.getValue(), false);
                }
            }
            g.writeEndObject();
        } else if (value instanceof List) {
            g.writeStartArray();
            for (Object item : (List<Object>) value) {
                write(g, item, canonical);
            }
            g.writeEndArray();
        } else {
            throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
        }
    }
}
