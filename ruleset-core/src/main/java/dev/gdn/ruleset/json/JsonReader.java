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
 * <p>Duplicate object keys, trailing content and numbers beyond a double's range are errors, nesting is
 * bounded so hostile input cannot recurse the stack away, and error messages are this project's own
 * words with a line and column (never the parser library's internals).
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
                    return finite(parser, big.doubleValue());
                }
                return parser.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return finite(parser, parser.getDoubleValue());
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

    /**
     * A number beyond a double's range ({@code 1e400}) is an error, never Infinity: JSON has no Infinity, it
     * would read as null or "Infinity" downstream, and no JSON writer (JavaScript's included) produces it.
     * Numbers too small for a double ({@code 1e-400}) read as 0, as JavaScript reads them.
     */
    private static double finite(JsonParser parser, double d) throws IOException, JsonReadException {
        if (Double.isInfinite(d)) {
            String text = parser.getText();
            throw error(parser, "the number " + (text.length() > 24 ? text.substring(0, 24) + "…" : text)
                    + " is out of range (beyond ±1.8e308)");
        }
        return d;
    }

    private static JsonReadException error(JsonParser parser, String message) {
        JsonLocation loc = parser.currentTokenLocation();
        return new JsonReadException(message, loc.getLineNr(), loc.getColumnNr());
    }

/**
     * Our own words for what Jackson found, with its location: Jackson's messages name its internals
     * (features to enable, source descriptions, character codes), which mean nothing to the author of a
     * flag file or an API request.
     */
    private static JsonReadException translate(IOException e) {
        if (e instanceof JsonProcessingException) {
            JsonProcessingException jpe = (JsonProcessingException) e;
            JsonLocation loc = jpe.getLocation();
            return new JsonReadException("malformed JSON: " + describe(String.valueOf(jpe.getOriginalMessage())),
                    loc == null ? 0 : loc.getLineNr(), loc == null ? 0 : loc.getColumnNr());
        }
        return new JsonReadException("unreadable JSON", 0, 0);
    }

    private static final java.util.regex.Pattern QUOTED = java.util.regex.Pattern.compile("'((?:[^'\\\\]|\\\\.){0,40})'");

    static String describe(String jackson) {
        String m = jackson;
        if (m.startsWith("Unexpected end-of-input")) {
            if (m.contains("Object")) {
                return "the input ends inside an object (a '}' is missing)";
            }
            if (m.contains("Array")) {
                return "the input ends inside an array (a ']' is missing)";
            }
            if (m.contains("String") || m.contains("string")) {
                return "the input ends inside a string (a '\"' is missing)";
            }
            return "the input ends early";
        }
        if (m.startsWith("Unexpected character")) {
            String c = firstQuoted(m);
            String what = c == null ? "unexpected character" : "unexpected character '" + c + "'";
            if (m.contains("double-quote to start field name")) {
                return what + ": expected a property name in double quotes";
            }
            if (m.contains("comma to separate Object entries")) {
                return what + ": expected ',' or '}'";
            }
            if (m.contains("comma to separate Array entries")) {
                return what + ": expected ',' or ']'";
            }
            if (m.contains("colon to separate")) {
                return what + ": expected ':'";
            }
            return what + ": expected a JSON value";
        }
        if (m.startsWith("Unrecognized token")) {
            String t = firstQuoted(m);
            return (t == null ? "unrecognized word" : "unrecognized word '" + t + "'")
                    + ": expected a JSON value (a string, number, object, array, true, false or null)";
        }
        if (m.startsWith("Non-standard token")) {
            return "NaN and Infinity are not JSON numbers";
        }
        if (m.startsWith("Unexpected close marker")) {
            String c = firstQuoted(m);
            return "unexpected '" + (c == null ? "close" : c) + "': it closes nothing that is open";
        }
        if (m.contains("Invalid UTF-8") || m.contains("UTF-8") || m.contains("Invalid UTF")) {
            return "not valid UTF-8";
        }
        if (m.startsWith("Illegal unquoted character")) {
            return "a control character inside a string must be escaped";
        }
        if (m.startsWith("Unrecognized character escape")) {
            return "an invalid escape sequence inside a string";
        }
        if (m.contains("Leading zeroes") || m.contains("leading zero")) {
            return "numbers must not have leading zeros";
        }
        if (m.contains("exceeds the maximum") || m.contains("exceeds the max")) {
            return "a number, string or property name longer than the reader allows";
        }
        if (m.startsWith("Invalid numeric value") || m.contains("numeric value")) {
            return "an invalid number";
        }
        if (m.contains("Unexpected character") || m.contains("unexpected")) {
            return "unexpected input";
        }
        return "not valid JSON";
    }

    private static String firstQuoted(String m) {
        java.util.regex.Matcher x = QUOTED.matcher(m);
        return x.find() ? x.group(1) : null;
    }

}
