package dev.gdn.ruleset.ofrep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.ruleset.compile.FlagdCompiler;
import dev.gdn.ruleset.eval.CompiledRuleset;
import dev.gdn.ruleset.eval.EvaluationContext;
import dev.gdn.ruleset.eval.FlagResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BulkResponseWriterTest {
    static CompiledRuleset compile(String flags) throws Exception {
        return CompiledRuleset.of(FlagdCompiler.compile(flags).toRuleset("prod", 7, 0, List.of()));
    }

    static final String FLAGS = """
            {"metadata": {"team": "web", "ratio": 0.5},
             "flags": {
              "static": {"state": "ENABLED", "variants": {"a": 0.0, "b": 1}, "defaultVariant": "a"},
              "off": {"state": "DISABLED", "variants": {"x": "x"}, "defaultVariant": "x"},
              "nodefault": {"state": "ENABLED", "variants": {"y": {"deep": ["ü", 1.5]}},
                            "targeting": {"if": [{"==": [{"var": "c"}, "NL"]}, "y", null]}},
              "split": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                        "targeting": {"fractional": [["on", 50], ["off", 50]]}},
              "broken": {"state": "ENABLED", "variants": {"a": 1}, "defaultVariant": "a",
                         "targeting": {"var": "whatever"}},
              "unicode": {"state": "ENABLED", "variants": {"ключ": "😀"}, "defaultVariant": "ключ",
                          "metadata": {"team": "🚀"}}
             }}""";

    @Test
    void bytesAreIdenticalToTheJacksonPathForEveryKindOfAnswer() throws Exception {
        CompiledRuleset rs = compile(FLAGS);
        Map<String, Object> metadata = new LinkedHashMap<>(rs.metadata());
        metadata.put("rulesetVersion", 7L);
        BulkResponseWriter writer = new BulkResponseWriter(rs, metadata);
        Random rnd = new Random(1);
        for (int i = 0; i < 2000; i++) {
            Map<String, Object> ctx = new LinkedHashMap<>();
            if (rnd.nextBoolean()) {
                ctx.put("targetingKey", "user-" + rnd.nextInt(100_000));
            }
            ctx.put("c", rnd.nextBoolean() ? "NL" : "SE");
            if (rnd.nextInt(3) == 0) {
                ctx.put("whatever", rnd.nextBoolean() ? "a" : "not-a-variant"); // GENERAL errors, made at evaluation
            }
            List<FlagResult> results = rs.evaluateAll(EvaluationContext.of(ctx), 1_700_000_000L);
            assertArrayEquals(OfrepJson.bulk(results, metadata), writer.write(results), () -> "context " + ctx);
        }
    }

    @Test
    void emptyRulesetsToo() throws Exception {
        CompiledRuleset rs = compile("{\"flags\": {}}");
        BulkResponseWriter writer = new BulkResponseWriter(rs, Map.of());
        assertEquals("{\"flags\":[],\"metadata\":{}}", new String(writer.write(List.of())));
    }

    @Test
    void knowsWhichRulesetsMayReadTheTime() throws Exception {
        assertFalse(compile(FLAGS).mayReadTime());
        String timed = "{\"flags\": {\"t\": {\"state\": \"ENABLED\", \"variants\": {\"a\": 1, \"b\": 2}, \"defaultVariant\": \"a\","
                + " \"targeting\": {\"if\": [{\">\": [{\"var\": \"$flagd.timestamp\"}, 5]}, \"b\", null]}}}}";
        assertTrue(compile(timed).mayReadTime());
        assertTrue(compile(timed.replace("{\"var\": \"$flagd.timestamp\"}", "{\"var\": [{\"cat\": [\"$flagd.\", \"timestamp\"]}]}"))
                .mayReadTime(), "a computed path may name the timestamp");
        assertTrue(compile(timed.replace("{\"var\": \"$flagd.timestamp\"}", "{\"var\": \"\"}")).mayReadTime(), "the whole data includes $flagd");
        assertFalse(compile(timed.replace("$flagd.timestamp", "$flagd.flagKey")).mayReadTime());
    }

    @Test
    void eventStreamsSitBetweenFlagsAndMetadataAndTheRestIsUnchanged() throws Exception {
        CompiledRuleset rs = compile(FLAGS);
        Map<String, Object> metadata = Map.of("rulesetVersion", 7L);
        BulkResponseWriter writer = new BulkResponseWriter(rs, metadata);
        FlagResult[] results = rs.evaluateAll(EvaluationContext.of(Map.of("targetingKey", "u")), 1_700_000_000L).toArray(new FlagResult[0]);
        String plain = new String(writer.write(results), java.nio.charset.StandardCharsets.UTF_8);
        byte[] streams = EventStream.toJsonArray(List.of(EventStream.sseAt("https://o.example/gdn/v1/events/k", 120),
                EventStream.sseRelative("/gdn/v1/events/k", 60)));
        BulkResponseWriter.Body body = writer.encode(results, streams);
        String with = new String(body.buffer(), 0, body.length(), java.nio.charset.StandardCharsets.UTF_8);
        String expected = "\"eventStreams\":[{\"type\":\"sse\",\"url\":\"https://o.example/gdn/v1/events/k\",\"inactivityDelaySec\":120},"
                + "{\"type\":\"sse\",\"endpoint\":{\"requestUri\":\"/gdn/v1/events/k\"},\"inactivityDelaySec\":60}],";
        int at = plain.lastIndexOf("],\"metadata\":") + 2;
        assertEquals(plain.substring(0, at) + expected + plain.substring(at), with);
    }

    @Test
    void configEtagsRoundTripAndOtherEnvironmentsNameNoVersion() {
        String etag = EventStream.configEtag("prod", 42);
        assertEquals("\"prod-42\"", etag);
        assertEquals(42, EventStream.versionOf(etag, "prod"));
        assertEquals(42, EventStream.versionOf("W/" + etag, "prod"));
        assertEquals(42, EventStream.versionOf("prod-42", "prod"));
        assertEquals(0, EventStream.versionOf(etag, "pro"));
        assertEquals(0, EventStream.versionOf("\"prod-x\"", "prod"));
        assertEquals(0, EventStream.versionOf(null, "prod"));
        assertEquals("{\"type\":\"refetchEvaluation\",\"etag\":\"\\\"prod-42\\\"\",\"lastModified\":1700000000,\"rulesetVersion\":42}",
                new String(EventStream.refetchEvaluation("prod", 42, 1_700_000_000L), java.nio.charset.StandardCharsets.UTF_8));
    }
}
