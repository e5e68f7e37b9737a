package dev.gdn.ruleset.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    private static Object read(String json) throws JsonReadException {
        return JsonReader.standard().read(json);
    }

    @Test
    void canonicalJsonSortsKeysAndHasNoWhitespace() throws Exception {
        Object v = read("""
                { "b" : 1, "a" : { "z" : [ {"d": 1, "c": 2.0} ], "y" : null },
                  "B" : "x y", "é": true, "A": 0.0 }
                """);
        assertEquals("{\"A\":0.0,\"B\":\"x y\",\"a\":{\"y\":null,\"z\":[{\"c\":2.0,\"d\":1}]},\"b\":1,\"é\":true}",
                JsonWriter.toCanonicalJson(v));
        // Insertion order is kept by the ordinary writer.
        assertEquals("{\"b\":1,\"a\":{\"z\":[{\"d\":1,\"c\":2.0}],\"y\":null},\"B\":\"x y\",\"é\":true,\"A\":0.0}", JsonWriter.toJson(v));
    }

    /** Keys sort by UTF-16 code unit, as JavaScript sorts them: U+1F600 (surrogates D83D DE00) before U+FF5E. */
    @Test
    void canonicalOrderIsUtf16() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("～", 1L);
        m.put("😀", 2L);
        m.put("z", 3L);
        assertEquals("{\"z\":3,\"😀\":2,\"～\":1}", JsonWriter.toCanonicalJson(m));
        // Equal contexts give equal bytes whatever their key order.
        assertEquals(JsonWriter.toCanonicalJson(read("{\"targetingKey\": \"u\", \"plan\": \"pro\"}")),
                JsonWriter.toCanonicalJson(read("{\"plan\":\"pro\",  \"targetingKey\":\"u\"}")));
    }

    @Test
    void numbers() throws Exception {
        assertEquals(List.of(0L, 0.0, -1L, 1.5, 1.0E300, 9223372036854775807L, 1.0E19),
                read("[0, 0.0, -1, 1.5, 1e300, 9223372036854775807, 10000000000000000000]"));
        assertTrue(((List<?>) read("[1.0]")).get(0) instanceof Double);
        assertEquals("[0,0.0,-1,1.5,1.0E300,null,null]",
                JsonWriter.toJson(Arrays.asList(0L, 0.0, -1, 1.5, 1.0E300, Double.NaN, Double.POSITIVE_INFINITY)));
    }

    @Test
    void strings() throws Exception {
        String s = "quote\" backslash\\ newline\n tab\t ключ 😀 \u0001";
        assertEquals(s, read(JsonWriter.toJson(s)));
        assertEquals("\"quote\\\" backslash\\\\ newline\\n tab\\t ключ 😀 \\u0001\"", JsonWriter.toJson(s));
        // A lone surrogate (valid in a JSON string escape, not in UTF-8) stays escaped.
        assertEquals("\"a\\uD800b\"", JsonWriter.toJson("a\ud800b"));
        assertEquals("a\ud800b", assertDoesNotThrow(() -> read(JsonWriter.toJson("a\ud800b"))));
    }

    @Test
    void readerErrors() {
        JsonReadException dup = assertThrows(JsonReadException.class, () -> read("{\"a\": 1,\n \"a\": 2}"));
        assertEquals(2, dup.line());
        assertThrows(JsonReadException.class, () -> read("1 2"));
        assertThrows(JsonReadException.class, () -> read("{\"a\": 01}"));
        assertThrows(JsonReadException.class, () -> read("{'a': 1}"));
        assertThrows(JsonReadException.class, () -> read("[1,]"));
        JsonReadException deep = assertThrows(JsonReadException.class, () -> new JsonReader(3).read("[[[[1]]]]"));
        assertTrue(deep.getMessage().startsWith("nesting deeper than 3 levels"), deep.getMessage());
        assertEquals(List.of(List.of(List.of(1L))), assertDoesNotThrow(() -> new JsonReader(3).read("[[[1]]]")));
    }

    private interface Reading {
        Object read() throws JsonReadException;
    }

    private static Object assertDoesNotThrow(Reading r) {
        try {
            return r.read();
        } catch (JsonReadException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void pointers() {
        assertEquals("/flags/a~1b~0c", JsonPointer.append("/flags", "a/b~c"));
        assertEquals("/flags/~01", JsonPointer.append("/flags", "~1"));
        assertEquals("/x/3", JsonPointer.append("/x", 3));
        assertEquals("/", JsonPointer.append("", ""));
    }
}
