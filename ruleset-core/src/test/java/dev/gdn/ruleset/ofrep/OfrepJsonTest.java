package dev.gdn.ruleset.ofrep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.ruleset.compile.FlagdCompiler;
import dev.gdn.ruleset.eval.CompiledRuleset;
import dev.gdn.ruleset.eval.ErrorCode;
import dev.gdn.ruleset.eval.EvaluationContext;
import dev.gdn.ruleset.eval.FlagResult;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The OFREP wire format (SPEC §3): response shapes, number types, request parsing. */
class OfrepJsonTest {
    private static final long TS = 1_700_000_000L;
    private static CompiledRuleset rs;

    @BeforeAll
    static void setUp() throws Exception {
        rs = CompiledRuleset.of(FlagdCompiler.compile("""
                {"metadata": {"team": "core"},
                 "flags": {
                   "f-float": {"state": "ENABLED", "variants": {"zero": 0.0, "half": 0.5}, "defaultVariant": "zero"},
                   "f-int": {"state": "ENABLED", "variants": {"zero": 0, "big": 9007199254740993}, "defaultVariant": "zero",
                             "targeting": {"if": [{"var": "big"}, "big", null]}},
                   "f-obj": {"state": "ENABLED", "variants": {"o": {"b": 1, "a": [true, null, 1.25, "é"]}}, "defaultVariant": "o"},
                   "f-bool": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                              "targeting": {"if": [{"==": [{"var": "plan"}, "pro"]}, "on", null]}, "metadata": {"owner": "me"}},
                   "f-disabled": {"state": "DISABLED", "variants": {"on": true}, "defaultVariant": "on"},
                   "f-nodefault": {"state": "ENABLED", "variants": {"a": "A"}, "targeting": {"if": [false, "a"]}},
                   "f-general": {"state": "ENABLED", "variants": {"a": "A"}, "defaultVariant": "a", "targeting": {"var": "v"}}
                 }}
                """).toRuleset("prod", 7, 0, List.of()));
    }

    private static String single(String key, String ctx) throws Exception {
        return new String(OfrepJson.single(rs.evaluate(key, OfrepJson.parseContext(ctx), TS)), StandardCharsets.UTF_8);
    }

    @Test
    void numbersKeepTheirType() throws Exception {
        assertEquals("{\"key\":\"f-float\",\"value\":0.0,\"reason\":\"STATIC\",\"variant\":\"zero\",\"metadata\":{\"team\":\"core\"}}",
                single("f-float", "{}"));
        assertEquals("{\"key\":\"f-int\",\"value\":0,\"reason\":\"DEFAULT\",\"variant\":\"zero\",\"metadata\":{\"team\":\"core\"}}",
                single("f-int", "{}"));
        assertEquals("{\"key\":\"f-int\",\"value\":9007199254740993,\"reason\":\"TARGETING_MATCH\",\"variant\":\"big\",\"metadata\":{\"team\":\"core\"}}",
                single("f-int", "{\"big\": true}"));
    }

    @Test
    void successShapes() throws Exception {
        assertEquals("{\"key\":\"f-obj\",\"value\":{\"b\":1,\"a\":[true,null,1.25,\"é\"]},\"reason\":\"STATIC\",\"variant\":\"o\","
                + "\"metadata\":{\"team\":\"core\"}}", single("f-obj", "{}"));
        assertEquals("{\"key\":\"f-bool\",\"value\":true,\"reason\":\"TARGETING_MATCH\",\"variant\":\"on\","
                + "\"metadata\":{\"team\":\"core\",\"owner\":\"me\"}}", single("f-bool", "{\"plan\": \"pro\"}"));
        // No value and no variant: DISABLED, and DEFAULT without a default variant.
        assertEquals("{\"key\":\"f-disabled\",\"reason\":\"DISABLED\",\"metadata\":{\"team\":\"core\"}}", single("f-disabled", "{}"));
        assertEquals("{\"key\":\"f-nodefault\",\"reason\":\"DEFAULT\",\"metadata\":{\"team\":\"core\"}}", single("f-nodefault", "{}"));
        FlagResult disabled = rs.evaluate("f-disabled", EvaluationContext.empty(), TS);
        assertEquals(200, OfrepJson.httpStatus(disabled));
    }

    @Test
    void errorShapes() throws Exception {
        FlagResult notFound = rs.evaluate("nope", EvaluationContext.empty(), TS);
        assertEquals("{\"key\":\"nope\",\"errorCode\":\"FLAG_NOT_FOUND\",\"errorDetails\":\"flag 'nope' not found\"}",
                new String(OfrepJson.single(notFound), StandardCharsets.UTF_8));
        assertEquals(404, OfrepJson.httpStatus(notFound));
        FlagResult general = rs.evaluate("f-general", OfrepJson.parseContext("{\"v\": \"zz\"}"), TS);
        assertEquals("{\"key\":\"f-general\",\"errorCode\":\"GENERAL\",\"errorDetails\":\"targeting returned 'zz', which is not a variant "
                + "of this flag\",\"metadata\":{\"team\":\"core\"}}", new String(OfrepJson.single(general), StandardCharsets.UTF_8));
        assertEquals(400, OfrepJson.httpStatus(general));
        assertEquals("{\"key\":\"k\",\"errorCode\":\"INVALID_CONTEXT\",\"errorDetails\":\"bad \\\"ctx\\\"\"}",
                new String(OfrepJson.error("k", ErrorCode.INVALID_CONTEXT, "bad \"ctx\""), StandardCharsets.UTF_8));
        assertEquals("{\"errorCode\":\"PARSE_ERROR\",\"errorDetails\":\"x\"}",
                new String(OfrepJson.error(null, ErrorCode.PARSE_ERROR, "x"), StandardCharsets.UTF_8));
        assertEquals("{\"errorDetails\":\"slow down\"}", new String(OfrepJson.errorDetails("slow down"), StandardCharsets.UTF_8));
    }

    @Test
    void bulkShape() throws Exception {
        EvaluationContext ctx = OfrepJson.parseContext("{\"targetingKey\": \"u\", \"plan\": \"pro\"}");
        List<FlagResult> results = List.of(rs.evaluate("f-bool", ctx, TS), rs.evaluate("f-disabled", ctx, TS),
                rs.evaluate("nope", ctx, TS));
        Map<String, Object> md = new LinkedHashMap<>();
        md.put("rulesetVersion", 7L);
        String expected = "{\"flags\":["
                + "{\"key\":\"f-bool\",\"value\":true,\"reason\":\"TARGETING_MATCH\",\"variant\":\"on\",\"metadata\":{\"team\":\"core\",\"owner\":\"me\"}},"
                + "{\"key\":\"f-disabled\",\"reason\":\"DISABLED\",\"metadata\":{\"team\":\"core\"}},"
                + "{\"key\":\"nope\",\"errorCode\":\"FLAG_NOT_FOUND\",\"errorDetails\":\"flag 'nope' not found\"}"
                + "],\"metadata\":{\"rulesetVersion\":7}}";
        assertEquals(expected, new String(OfrepJson.bulk(results, md), StandardCharsets.UTF_8));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OfrepJson.writeBulk(results, md, out);
        assertEquals(expected, out.toString(StandardCharsets.UTF_8));
        assertEquals("{\"flags\":[],\"metadata\":{}}", new String(OfrepJson.bulk(List.of(), null), StandardCharsets.UTF_8));
        assertEquals(7, rs.evaluateAll(ctx, TS).size());
    }

    @Test
    void writeSingleMatchesSingle() throws Exception {
        FlagResult r = rs.evaluate("f-obj", EvaluationContext.empty(), TS);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OfrepJson.writeSingle(r, out);
        assertEquals(new String(OfrepJson.single(r), StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8));
    }

    private static InvalidContextException invalid(String body) {
        return assertThrows(InvalidContextException.class, () -> OfrepJson.parseRequest(body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void parseRequest() throws Exception {
        assertEquals(Map.of(), OfrepJson.parseRequest(new byte[0]).attributes());
        assertEquals(Map.of(), OfrepJson.parseRequest("{}".getBytes(StandardCharsets.UTF_8)).attributes());
        EvaluationContext ctx = OfrepJson.parseRequest(
                "{\"context\": {\"targetingKey\": \"u1\", \"n\": 1, \"f\": 1.0, \"ключ\": \"😀\"}}".getBytes(StandardCharsets.UTF_8));
        assertEquals("u1", ctx.targetingKey());
        assertEquals(1L, ctx.attributes().get("n"));
        assertEquals(1.0, ctx.attributes().get("f"));
        assertEquals("😀", ctx.attributes().get("ключ"));
        assertThrows(UnsupportedOperationException.class, () -> ctx.attributes().put("x", 1));
        // A null targetingKey is as good as none.
        assertNull(OfrepJson.parseRequest("{\"context\": {\"targetingKey\": null}}".getBytes(StandardCharsets.UTF_8)).targetingKey());
    }

    @Test
    void parseRequestErrors() {
        InvalidContextException malformed = invalid("{\"context\": {\"a\": }}");
        assertTrue(malformed.getMessage().startsWith("request body: malformed JSON: ") && malformed.getMessage().contains("line 1, column"),
                malformed.getMessage());
        assertTrue(invalid("[1]").getMessage().contains("must be a JSON object"));
        assertEquals("context must be a JSON object, not a number", invalid("{\"context\": 5}").getMessage());
        assertEquals("context must be a JSON object, not null", invalid("{\"context\": null}").getMessage());
        assertEquals("context must be a JSON object, not an array", invalid("{\"context\": []}").getMessage());
        assertEquals("context.targetingKey must be a string, not a number", invalid("{\"context\": {\"targetingKey\": 42}}").getMessage());
        assertEquals("context.targetingKey must be a string, not an object", invalid("{\"context\": {\"targetingKey\": {}}}").getMessage());
        assertTrue(invalid("{\"context\": {}} trailing").getMessage().contains("malformed JSON"));
        assertTrue(invalid("{\"context\": {\"a\": 1, \"a\": 2}}").getMessage().contains("Duplicate field 'a'"));
    }

    private static String nested(int levels) {
        return "{\"context\": " + "{\"a\": ".repeat(levels) + "1" + "}".repeat(levels) + "}";
    }

    @Test
    void nestingIsBounded() throws Exception {
        // The body object is level 1, so the context may hold 63 more levels of objects.
        OfrepJson.parseRequest(nested(63).getBytes(StandardCharsets.UTF_8));
        InvalidContextException e = invalid(nested(64));
        assertTrue(e.getMessage().contains("nesting deeper than 64 levels"), e.getMessage());
        // Far deeper input fails the same way, never with a StackOverflowError.
        assertTrue(invalid(nested(100_000)).getMessage().contains("nesting deeper than 64 levels"));
        String arrays = "{\"context\": {\"a\": " + "[".repeat(200_000) + "]".repeat(200_000) + "}}";
        assertTrue(invalid(arrays).getMessage().contains("nesting deeper than 64 levels"));
    }

    @Test
    void parseContext() throws Exception {
        assertEquals(Map.of("targetingKey", "u", "plan", "pro"), OfrepJson.parseContext("{\"targetingKey\": \"u\", \"plan\": \"pro\"}").attributes());
        assertThrows(InvalidContextException.class, () -> OfrepJson.parseContext("\"u\""));
        assertThrows(InvalidContextException.class, () -> OfrepJson.parseContext("{\"targetingKey\": true}"));
        assertThrows(InvalidContextException.class, () -> OfrepJson.parseContext(""));
    }
}
