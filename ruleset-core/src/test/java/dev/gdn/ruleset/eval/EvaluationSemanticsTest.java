package dev.gdn.ruleset.eval;

import static dev.gdn.ruleset.eval.Rules.TS;
import static dev.gdn.ruleset.eval.Rules.context;
import static dev.gdn.ruleset.eval.Rules.ruleset;
import static dev.gdn.ruleset.eval.Rules.stringFlag;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.ruleset.proto.Flag;
import dev.gdn.ruleset.proto.FlagState;
import dev.gdn.ruleset.proto.Ruleset;
import dev.gdn.ruleset.proto.Variant;
import dev.gdn.ruleset.proto.VariantType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SPEC §2: the order of rules for one flag, reasons, error codes, metadata and the $flagd properties. */
class EvaluationSemanticsTest {
    private static final String FILE = """
            {
              "metadata": {"team": "core", "owner": "set-owner", "tier": 1},
              "flags": {
                "static-flag": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on",
                                "metadata": {"owner": "flag-owner", "ticket": 42}},
                "empty-targeting": {"state": "ENABLED", "variants": {"a": "A", "b": "B"}, "defaultVariant": "b", "targeting": {}},
                "disabled-flag": {"state": "DISABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on",
                                  "targeting": {"if": [true, "off"]}},
                "null-rule": {"state": "ENABLED", "variants": {"a": "A", "b": "B"}, "defaultVariant": "b",
                              "targeting": {"if": [{"var": "beta"}, "a", null]}},
                "null-rule-no-default": {"state": "ENABLED", "variants": {"a": "A", "b": "B"}, "defaultVariant": null,
                                         "targeting": {"if": [{"var": "beta"}, "a"]}},
                "null-rule-absent-default": {"state": "ENABLED", "variants": {"a": "A", "b": "B"},
                                             "targeting": {"if": [{"var": "beta"}, "a"]}},
                "bool-result": {"state": "ENABLED", "variants": {"true": "yes", "false": "no"}, "defaultVariant": "false",
                                "targeting": {"==": [{"var": "n"}, "1"]}},
                "bool-result-unnamed": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                                        "targeting": {"==": [{"var": "n"}, 1]}},
                "number-result": {"state": "ENABLED", "variants": {"1": 1, "3": 3, "2.5": 2.5}, "defaultVariant": "1",
                                  "targeting": {"max": [{"var": "a"}, {"var": "b"}]}},
                "computed-name": {"state": "ENABLED", "variants": {"v2": "two", "v3": "three"}, "defaultVariant": "v2",
                                  "targeting": {"cat": ["v", {"+": [{"var": "n"}, 1]}]}},
                "var-name": {"state": "ENABLED", "variants": {"a": 1, "b": 2}, "defaultVariant": "a",
                             "targeting": {"var": "pick"}},
                "flag-key": {"state": "ENABLED", "variants": {"mine": "m", "other": "o"}, "defaultVariant": "other",
                             "targeting": {"if": [{"==": [{"var": "$flagd.flagKey"}, "flag-key"]}, "mine", "other"]}},
                "timestamp": {"state": "ENABLED", "variants": {"t1700000000": "exact", "later": "l", "earlier": "e"},
                              "defaultVariant": "earlier",
                              "targeting": {"if": [{"==": [{"var": "$flagd.timestamp"}, 1700000000]},
                                                   {"cat": ["t", {"var": "$flagd.timestamp"}]},
                                                   {">": [{"var": "$flagd.timestamp"}, 1700000000]}, "later", "earlier"]}},
                "deep": {"state": "ENABLED", "variants": {"hit": "h", "miss": "m"}, "defaultVariant": "miss",
                         "targeting": {"if": [{"==": [{"var": "org.team.lead.address.city"}, "Oslo"]}, "hit", "miss"]}},
                "typed-number": {"state": "ENABLED", "variants": {"int": 0, "float": 0.0, "big": 1.5}, "defaultVariant": "float"},
                "typed-object": {"state": "ENABLED", "variants": {"o": {"k": [1, "x", null], "n": {"m": true}}}, "defaultVariant": "o"},
                "object-result": {"state": "ENABLED", "variants": {"a": "A"}, "defaultVariant": "a",
                                  "targeting": {"merge": [["a"]]}},
                "no-default-static": {"state": "ENABLED", "variants": {"a": "A"}}
              }
            }
            """;

    private static final CompiledRuleset RS = ruleset(FILE);

    private static FlagResult eval(String key, String ctx) {
        return RS.evaluate(key, context(ctx), TS);
    }

    private static void assertSuccess(FlagResult r, Object value, String variant, Reason reason) {
        assertFalse(r.isError(), () -> "unexpected error: " + r);
        assertEquals(reason, r.reason(), r::toString);
        assertEquals(variant, r.variant(), r::toString);
        assertEquals(value, r.value(), r::toString);
    }

    private static void assertError(FlagResult r, ErrorCode code) {
        assertTrue(r.isError(), r::toString);
        assertEquals(Reason.ERROR, r.reason());
        assertEquals(code, r.errorCode(), r::toString);
        assertNull(r.value());
        assertNull(r.variant());
    }

    @Test
    void unknownFlagIsFlagNotFound() {
        FlagResult r = eval("nope", "{}");
        assertError(r, ErrorCode.FLAG_NOT_FOUND);
        assertEquals("nope", r.key());
        assertTrue(r.errorDetails().contains("nope"));
        assertEquals(Map.of(), r.metadata());
        assertFalse(RS.hasFlag("nope"));
    }

    @Test
    void disabledHasReasonDisabledAndNoValue() {
        FlagResult r = eval("disabled-flag", "{}");
        assertSuccess(r, null, null, Reason.DISABLED);
        assertFalse(r.hasValue());
        // Typed requests on a disabled flag are not type-checked: there is no value to mismatch.
        assertSuccess(RS.evaluate("disabled-flag", Rules.context("{}"), VariantType.STRING, TS), null, null, Reason.DISABLED);
    }

    @Test
    void noTargetingAndEmptyTargetingAreStatic() {
        assertSuccess(eval("static-flag", "{}"), true, "on", Reason.STATIC);
        assertSuccess(eval("empty-targeting", "{\"x\": 1}"), "B", "b", Reason.STATIC);
        assertFalse(RS.ruleset().getFlagsList().stream().filter(f -> f.getKey().equals("empty-targeting"))
                .findFirst().orElseThrow().hasTargeting(), "{} compiles to no targeting");
    }

    /**
     * SPEC §2 step 3 does not say what a flag with neither targeting nor a default variant gives; flagd (and
     * the testbed's @no-default-variant scenarios) say reason DEFAULT, no value: the caller's default applies.
     */
    @Test
    void noTargetingAndNoDefaultIsStaticWithoutValue() {
        assertSuccess(eval("no-default-static", "{}"), null, null, Reason.DEFAULT);
    }

    @Test
    void nullResultGivesDefault() {
        assertSuccess(eval("null-rule", "{\"beta\": true}"), "A", "a", Reason.TARGETING_MATCH);
        assertSuccess(eval("null-rule", "{}"), "B", "b", Reason.DEFAULT);
        assertSuccess(eval("null-rule-no-default", "{}"), null, null, Reason.DEFAULT);
        assertSuccess(eval("null-rule-absent-default", "{}"), null, null, Reason.DEFAULT);
        assertSuccess(eval("null-rule-absent-default", "{\"beta\": 1}"), "A", "a", Reason.TARGETING_MATCH);
    }

    @Test
    void booleanResultNamesTrueAndFalseVariants() {
        assertSuccess(eval("bool-result", "{\"n\": 1}"), "yes", "true", Reason.TARGETING_MATCH);
        assertSuccess(eval("bool-result", "{\"n\": 2}"), "no", "false", Reason.TARGETING_MATCH);
        // A boolean result with no variant named "true"/"false" names no variant.
        FlagResult r = eval("bool-result-unnamed", "{\"n\": 1}");
        assertError(r, ErrorCode.GENERAL);
        assertTrue(r.errorDetails().contains("'true'"), r.errorDetails());
    }

    @Test
    void numberResultNamesVariantByItsJavaScriptString() {
        assertSuccess(eval("number-result", "{\"a\": 3, \"b\": 1}"), 3L, "3", Reason.TARGETING_MATCH);
        assertSuccess(eval("number-result", "{\"a\": 2.5, \"b\": 1}"), 2.5, "2.5", Reason.TARGETING_MATCH);
        assertSuccess(eval("computed-name", "{\"n\": 2}"), "three", "v3", Reason.TARGETING_MATCH);
        assertSuccess(eval("computed-name", "{\"n\": \"1\"}"), "two", "v2", Reason.TARGETING_MATCH);
    }

    @Test
    void unknownVariantResultIsGeneral() {
        assertSuccess(eval("var-name", "{\"pick\": \"b\"}"), 2L, "b", Reason.TARGETING_MATCH);
        FlagResult r = eval("var-name", "{\"pick\": \"zzz\"}");
        assertError(r, ErrorCode.GENERAL);
        assertTrue(r.errorDetails().contains("zzz"), r.errorDetails());
        assertError(eval("computed-name", "{\"n\": 5}"), ErrorCode.GENERAL);
        assertError(eval("var-name", "{\"pick\": {\"a\": 1}}"), ErrorCode.GENERAL);
        assertError(eval("object-result", "{}"), ErrorCode.GENERAL);
        // Missing var → null → default, not an error.
        assertSuccess(eval("var-name", "{}"), 1L, "a", Reason.DEFAULT);
    }

    @Test
    void typedEvaluation() {
        assertSuccess(RS.evaluate("static-flag", context("{}"), VariantType.BOOLEAN, TS), true, "on", Reason.STATIC);
        assertError(RS.evaluate("static-flag", context("{}"), VariantType.STRING, TS), ErrorCode.TYPE_MISMATCH);
        assertError(RS.evaluate("static-flag", context("{}"), VariantType.NUMBER, TS), ErrorCode.TYPE_MISMATCH);
        assertError(RS.evaluate("typed-number", context("{}"), VariantType.BOOLEAN, TS), ErrorCode.TYPE_MISMATCH);
        assertError(RS.evaluate("typed-object", context("{}"), VariantType.STRING, TS), ErrorCode.TYPE_MISMATCH);
        assertError(RS.evaluate("nope", context("{}"), VariantType.STRING, TS), ErrorCode.FLAG_NOT_FOUND);
        // Integers and floats are both NUMBER, and keep their own Java type (0.0 stays a Double).
        FlagResult n = RS.evaluate("typed-number", context("{}"), VariantType.NUMBER, TS);
        assertSuccess(n, 0.0, "float", Reason.STATIC);
        assertTrue(n.value() instanceof Double);
        FlagResult o = RS.evaluate("typed-object", context("{}"), VariantType.OBJECT, TS);
        assertEquals("{\"k\":[1,\"x\",null],\"n\":{\"m\":true}}", Rules.js(o.value()));
    }

    @Test
    void metadataMergesFlagOverFlagSet() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("team", "core");
        expected.put("owner", "flag-owner");
        expected.put("tier", 1L);
        expected.put("ticket", 42L);
        assertEquals(expected, eval("static-flag", "{}").metadata());
        assertEquals(Map.of("team", "core", "owner", "set-owner", "tier", 1L), eval("null-rule", "{}").metadata());
        assertEquals(Map.of("team", "core", "owner", "set-owner", "tier", 1L), RS.metadata());
        // Errors of a known flag carry its metadata; an unknown flag has none.
        assertEquals(Map.of("team", "core", "owner", "set-owner", "tier", 1L), eval("var-name", "{\"pick\": \"zzz\"}").metadata());
        assertEquals(Map.of("team", "core", "owner", "set-owner", "tier", 1L), eval("disabled-flag", "{}").metadata());
    }

    @Test
    void flagdProperties() {
        assertSuccess(eval("flag-key", "{}"), "m", "mine", Reason.TARGETING_MATCH);
        assertSuccess(RS.evaluate("timestamp", context("{}"), 1_700_000_000L), "exact", "t1700000000", Reason.TARGETING_MATCH);
        assertSuccess(RS.evaluate("timestamp", context("{}"), 1_700_000_001L), "l", "later", Reason.TARGETING_MATCH);
        assertSuccess(RS.evaluate("timestamp", context("{}"), 1_699_999_999L), "e", "earlier", Reason.TARGETING_MATCH);
        // The caller cannot fake $flagd: the evaluator's properties win over a context attribute of that name.
        assertSuccess(eval("flag-key", "{\"$flagd\": {\"flagKey\": \"forged\"}}"), "m", "mine", Reason.TARGETING_MATCH);
    }

    @Test
    void deepVarPath() {
        assertSuccess(eval("deep", "{\"org\": {\"team\": {\"lead\": {\"address\": {\"city\": \"Oslo\"}}}}}"), "h", "hit", Reason.TARGETING_MATCH);
        assertSuccess(eval("deep", "{\"org\": {\"team\": {\"lead\": null}}}"), "m", "miss", Reason.TARGETING_MATCH);
        assertSuccess(eval("deep", "{\"org\": \"flat\"}"), "m", "miss", Reason.TARGETING_MATCH);
    }

    @Test
    void unicodeKeysAndValues() {
        String file = """
                {"metadata": {"владелец": "команда 🚀"},
                 "flags": {"флаг-🚀": {"state": "ENABLED", "variants": {"ключ": "значение 🎉", "其他": "😀"},
                   "defaultVariant": "其他",
                   "targeting": {"if": [{"==": [{"var": "город.名前"}, "Zürich 🏔"]}, "ключ", "其他"]}}}}
                """;
        CompiledRuleset rs = ruleset(file);
        FlagResult hit = rs.evaluate("флаг-🚀", context("{\"город\": {\"名前\": \"Zürich 🏔\"}}"), TS);
        assertSuccess(hit, "значение 🎉", "ключ", Reason.TARGETING_MATCH);
        assertEquals(Map.of("владелец", "команда 🚀"), hit.metadata());
        assertSuccess(rs.evaluate("флаг-🚀", context("{\"город\": {\"名前\": \"Zurich\"}}"), TS), "😀", "其他", Reason.TARGETING_MATCH);
    }

    @Test
    void evaluateAllInKeyOrderAndContextUntouched() {
        Map<String, Object> attrs = Rules.ctx("{\"targetingKey\": \"u1\", \"n\": 1}");
        String before = Rules.js(attrs);
        List<FlagResult> all = RS.evaluateAll(EvaluationContext.of(attrs), TS);
        assertEquals(RS.flagCount(), all.size());
        List<String> keys = all.stream().map(FlagResult::key).toList();
        assertEquals(keys.stream().sorted().toList(), keys);
        assertEquals(Reason.DISABLED, all.get(keys.indexOf("disabled-flag")).reason());
        assertEquals("true", all.get(keys.indexOf("bool-result")).variant());
        assertEquals(before, Rules.js(attrs));
    }

    @Test
    void structurallyInvalidRulesetIsRejectedWhenLoaded() {
        Ruleset bad = Ruleset.newBuilder().addFlags(Flag.newBuilder().setKey("f").setState(FlagState.ENABLED)
                .setType(VariantType.STRING)
                .addVariants(Variant.newBuilder().setName("a").setValue(dev.gdn.ruleset.eval.ProtoValues.toProto("A")))
                .setDefaultVariant("zzz")).build();
        assertThrows(IllegalArgumentException.class, () -> CompiledRuleset.of(bad));
        Ruleset dup = Ruleset.newBuilder().addFlags(Flag.newBuilder().setKey("f")).addFlags(Flag.newBuilder().setKey("f")).build();
        assertThrows(IllegalArgumentException.class, () -> CompiledRuleset.of(dup));
    }

    @Test
    void stringFlagHelperRoundTrip() {
        CompiledRuleset rs = ruleset(stringFlag("k", "{\"if\": [{\"var\": \"x\"}, \"a\", \"b\"]}", "b", "a", "b"));
        assertSuccess(rs.evaluate("k", context("{\"x\": true}"), TS), "a", "a", Reason.TARGETING_MATCH);
        assertSuccess(rs.evaluate("k", context("{}"), TS), "b", "b", Reason.TARGETING_MATCH);
    }

    /** A rule that fails while evaluating gives PARSE_ERROR (with the flag's metadata), not an exception. */
    @Test
    void failingRuleIsParseError() {
        Map<String, Object> hostile = new java.util.AbstractMap<>() {
            @Override
            public java.util.Set<Entry<String, Object>> entrySet() {
                throw new IllegalStateException("context exploded");
            }
        };
        FlagResult r = RS.evaluate("var-name", EvaluationContext.of(hostile), TS);
        assertError(r, ErrorCode.PARSE_ERROR);
        assertEquals("targeting rule failed: context exploded", r.errorDetails());
        assertEquals(Map.of("team", "core", "owner", "set-owner", "tier", 1L), r.metadata());
        // Flags without targeting never look at the context.
        assertSuccess(RS.evaluate("static-flag", EvaluationContext.of(hostile), TS), true, "on", Reason.STATIC);
    }
}
