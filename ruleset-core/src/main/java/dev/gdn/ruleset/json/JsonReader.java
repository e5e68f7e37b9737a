package dev.gdn.ruleset.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON into plain Java values: {@code null}, {@link Boolean}, {@link Long} (integers that fit),
 * {@link Double} (everything else numeric), {@link String}, {@link List} and {@link Map} (insertion
 * ordered). Integers and floats stay distinct so a float {@code 0.0} is never confused with {@code 0}.
 *
 * <p>Duplicate object keys and trailing content are errors, and nesting is bounded so hostile input
 * cannot recurse the stack away.
 */
public final class JsonReader {
    /** Nesting allowed for flag files and evaluation contexts: far beyond real use, far below the stack. */
    public static final int DEFAULT_MAX_DEPTH = 64;

    // Duplicate keys are found here, with one lookup in the map being built, rather than by Jackson's
    // STRICT_DUPLICATE_DETECTION, which keeps a second set of names per object (a measurable share of
    // parsing every request's context).
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(1000).build())
            .build();

    private final int maxDepth;

    public JsonReader(int maxDepth) {
        this.maxDepth = maxDepth;
    }

    public static JsonReader standard() {
        return new JsonReader(DEFAULT_MAX_DEPTH);
    }

    public Object read(String json) throws JsonReadException {
        try (JsonParser parser = FACTORY.createParser(json)) {
            return readDocument(parser);
        } catch (IOException e) {
            throw translate(e);
        }
    }

    public Object read(byte[] json) throws JsonReadException {
        return read(json, 0, json.length);
    }

    public Object read(byte[] json, int offset, int length) throws JsonReadException {
        try (JsonParser parser = FACTORY.createParser(json, offset, length)) {
            return readDocument(parser);
        } catch (IOException e) {
            throw translate(e);
        }
    }

    private Object readDocument(JsonParser parser) throws IOException, JsonReadException {
        JsonToken first = parser.nextToken();
        if (first == null) {
            throw new JsonReadException("empty input: expected a JSON value", 1, 1);
        }
        Object value = readValue(parser, first, 1);
        JsonToken trailing = parser.nextToken();
        if (trailing != null) {
            throw error(parser, "unexpected content after the JSON value");
        }
        return value;
    }

    private Object readValue(JsonParser parser, JsonToken token, int depth) throws IOException, JsonReadException {
        switch (token) {
            case START_OBJECT: {
                if (depth > maxDepth) {
                    throw error(parser, "nesting deeper than " + maxDepth + " levels");
                }
                Map<String, Object> map = new LinkedHashMap<>();
                JsonToken t;
                while ((t = parser.nextToken()) == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    if (map.containsKey(name)) {
                        throw error(parser, "Duplicate field '" + name + "'");
                    }
                    map.put(name, readValue(parser, parser.nextToken(), depth + 1));
                }
                if (t != JsonToken.END_OBJECT) {
                    throw error(parser, "malformed object");
                }
                return map;
            }
            case START_ARRAY: {
                if (depth > maxDepth) {
                    throw error(parser, "nesting deeper than " + maxDepth + " levels");
                }
                List<Object> list = new ArrayList<>();
                JsonToken t;
                while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
                    if (t == null) {
                        throw error(parser, "unterminated array");
                    }
                    list.add(readValue(parser, t, depth + 1));
                }
                return list;
            }
            case VALUE_STRING:
                return parser.getText();
            case VALUE_NUMBER_INT:
                if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    BigInteger big = parser.getBigIntegerValue();
                    return big.doubleValue();
                }
                return parser.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return parser.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw error(parser, "unexpected token " + token);
        }
    }

    private static JsonReadException error(JsonParser parser, String message) {
        JsonLocation loc = parser.currentTokenLocation();
        return new JsonReadException(message, loc.getLineNr(), loc.getColumnNr());
    }

    private static JsonReadException translate(IOException e) {
        if (e instanceof JsonProcessingException) {
            JsonProcessingException jpe = (JsonProcessingException) e;
            JsonLocation loc = jpe.getLocation();
            String message = jpe.getOriginalMessage();
            // Jackson's messages carry a long hint on the next line; the first line says what is wrong.
            int newline = message.indexOf('\n');
            if (newline > 0) {
                message = message.substring(0, newline);
            }
            return new JsonReadException("malformed JSON: " + message,
                    loc == null ? 0 : loc.getLineNr(), loc == null ? 0 : loc.getColumnNr());
        }
        return new JsonReadException("unreadable JSON: " + e.getMessage(), 0, 0);
    }
}
