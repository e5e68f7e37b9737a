package dev.gdn.ruleset.ofrep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.ruleset.json.JsonReadException;
import dev.gdn.ruleset.json.JsonReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BulkEtagTest {
    @SuppressWarnings("unchecked")
    static Map<String, Object> json(String s) {
        try {
            return (Map<String, Object>) new JsonReader(64).read(s.getBytes(StandardCharsets.UTF_8));
        } catch (JsonReadException e) {
            throw new AssertionError(e);
        }
    }

    static String etag(String context) {
        return BulkEtag.of("prod", 7, json(context), null);
    }

    @Test
    void isThirtyTwoHexDigitsInQuotesAndPinned() {
        String tag = etag("{\"targetingKey\":\"u1\",\"plan\":\"pro\",\"user\":{\"org\":{\"id\":42}},\"tags\":[\"a\",1.5,true,null]}");
        assertTrue(tag.matches("\"[0-9a-f]{32}\""), tag);
        // Every GDN server of a deployment must agree (a CDN revalidates against whichever answers), and a
        // change here means every client's next request gets a full answer: change it on purpose only.
        assertEquals("\"a56ec451621d36cbc3b44d56d1e00c1a\"", tag);
    }

    @Test
    void keyOrderAndSpellingOfTheSameNumberDoNotMatter() {
        assertEquals(etag("{\"a\":1,\"b\":{\"x\":\"1\",\"y\":[1,2]},\"c\":null}"),
                etag("{ \"c\" : null, \"b\": {\"y\": [1, 2.0], \"x\": \"1\"}, \"a\": 1e0 }"));
        assertEquals(etag("{\"n\":-0.0}"), etag("{\"n\":0}"));
    }

    @Test
    void everyChangeToTheContextVersionOrEnvironmentChangesIt() {
        String base = "{\"targetingKey\":\"u1\",\"plan\":\"free\",\"country\":\"NL\",\"age\":30,\"beta\":true,\"tags\":[\"a\",\"b\"],"
                + "\"user\":{\"org\":{\"id\":\"o1\"}}}";
        List<String> variants = List.of(base,
                base.replace("\"free\"", "\"pro\""),
                base.replace("\"NL\"", "\"SE\""),
                base.replace("30", "31"),
                base.replace("30", "\"30\""),
                base.replace("30", "30.5"),
                base.replace("true", "false"),
                base.replace("true", "\"true\""),
                base.replace("true", "null"),
                base.replace("[\"a\",\"b\"]", "[\"b\",\"a\"]"),
                base.replace("[\"a\",\"b\"]", "[\"a\"]"),
                base.replace("[\"a\",\"b\"]", "[\"ab\"]"),
                base.replace("[\"a\",\"b\"]", "\"ab\""),
                base.replace("\"o1\"", "\"o2\""),
                base.replace("{\"id\":\"o1\"}", "{\"idx\":\"o1\"}"),
                base.replace(",\"country\":\"NL\"", ""),
                base.replace("\"country\"", "\"Country\""),
                base.replace("}}", ",\"extra\":null}}"),
                // a value moved to another key: the entries are hashed as pairs
                base.replace("\"plan\":\"free\",\"country\":\"NL\"", "\"plan\":\"NL\",\"country\":\"free\""));
        Set<String> tags = new HashSet<>();
        for (String v : variants) {
            assertTrue(tags.add(etag(v)), () -> "same ETag as an earlier context: " + v);
        }
        Map<String, Object> ctx = json(base);
        assertNotEquals(BulkEtag.of("prod", 7, ctx, null), BulkEtag.of("prod", 8, ctx, null));
        assertNotEquals(BulkEtag.of("prod", 7, ctx, null), BulkEtag.of("prod2", 7, ctx, null));
        assertNotEquals(BulkEtag.of("prod", 7, ctx, new byte[] {1}), BulkEtag.of("prod", 7, ctx, new byte[] {2}));
        assertNotEquals(BulkEtag.of("prod", 7, ctx, null), BulkEtag.of("prod", 7, ctx, new byte[0]));
        // a body given as the start of a larger buffer counts only its own bytes
        byte[] body = "{\"flags\":[]}".getBytes(StandardCharsets.UTF_8);
        byte[] buffer = java.util.Arrays.copyOf(body, body.length + 40);
        buffer[body.length] = 'x';
        assertEquals(BulkEtag.of("prod", 7, ctx, body), BulkEtag.of("prod", 7, ctx, buffer, body.length));
        assertNotEquals(BulkEtag.of("prod", 7, ctx, body), BulkEtag.of("prod", 7, ctx, buffer, body.length + 1));
    }

    @Test
    void noCollisionsAcrossManyGeneratedContextsAndNoBiasInEitherHalf() {
        Random rnd = new Random(7);
        Set<String> tags = new HashSet<>();
        Set<String> firstHalves = new HashSet<>();
        Set<String> secondHalves = new HashSet<>();
        int[] nibbles = new int[16];
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            Map<String, Object> ctx = new LinkedHashMap<>();
            ctx.put("targetingKey", "user-" + i);
            ctx.put("n", (long) rnd.nextInt(3));
            List<Object> keys = new ArrayList<>(List.of("a", "b", "c"));
            Collections.shuffle(keys, rnd);
            for (Object k : keys) {
                ctx.put((String) k, rnd.nextBoolean());
            }
            String tag = BulkEtag.of("prod", 1, ctx, null);
            assertTrue(tags.add(tag), "collision at " + i);
            firstHalves.add(tag.substring(1, 17));
            secondHalves.add(tag.substring(17, 33));
            nibbles[Character.digit(tag.charAt(1 + i % 32), 16)]++;
        }
        assertEquals(n, firstHalves.size());
        assertEquals(n, secondHalves.size());
        for (int count : nibbles) {
            assertTrue(Math.abs(count - n / 16) < n / 16 / 10, () -> "uneven hex digits: " + java.util.Arrays.toString(nibbles));
        }
    }
}
