package dev.gdn.ruleset.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.ruleset.eval.CompiledRuleset;
import dev.gdn.ruleset.eval.EvaluationContext;
import dev.gdn.ruleset.eval.FlagResult;
import dev.gdn.ruleset.json.JsonReader;
import dev.gdn.ruleset.proto.ApiKeyHash;
import dev.gdn.ruleset.proto.ApiKeyKind;
import dev.gdn.ruleset.proto.Flag;
import dev.gdn.ruleset.proto.FlagState;
import dev.gdn.ruleset.proto.Ruleset;
import dev.gdn.ruleset.proto.VariantType;
import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SPEC §1: what the compiler accepts, and every problem it reports, located by JSON pointer. */
class FlagdCompilerTest {

    /** Every problem of a file, errors and warnings (what gdn lint prints). */
    private static List<CompileProblem> problems(String file) {
        CompileReport report = FlagdCompiler.check(file.getBytes(StandardCharsets.UTF_8));
        assertFalse(report.problems().isEmpty());
        if (report.hasErrors()) {
            FlagFileException e = assertThrows(FlagFileException.class, () -> FlagdCompiler.compile(file));
            assertEquals(report.problems(), e.problems());
        } else {
            assertEquals(report.problems(), report.flagSet().warnings());
        }
        return report.problems();
    }

    /** A file error. */
    private static CompileProblem p(String pointer, String message) {
        return CompileProblem.error(pointer, message);
    }

    /** A flag warning. */
    private static CompileProblem w(String pointer, String message) {
        return CompileProblem.warning(pointer, message);
    }

    private static final String NOT_VARIANT = ", which is not a variant of flag 'f' (variants: on, off): GENERAL when this is reached";
    private static final String YIELDS_NULL = ": the operation yields null";

    /** One flag "f" with boolean-ish string variants on/off and the given targeting. */
    private static String withTargeting(String targeting) {
        return "{\"flags\": {\"f\": {\"state\": \"ENABLED\", \"variants\": {\"on\": \"ON\", \"off\": \"OFF\"},"
                + " \"defaultVariant\": \"off\", \"targeting\": " + targeting + "}}}";
    }

    private static String withEvaluators(String evaluators, String targeting) {
        return "{\"$evaluators\": " + evaluators + ", \"flags\": {\"f\": {\"state\": \"ENABLED\","
                + " \"variants\": {\"on\": \"ON\", \"off\": \"OFF\"}, \"defaultVariant\": \"off\", \"targeting\": " + targeting + "}}}";
    }

    @Test
    void threeProblemsAreListedTogether() {
        String file = """
                {"flags": {
                  "f1": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "maybe"},
                  "f2": {"state": "ENABLED", "variants": {"a": "A", "b": 2}, "defaultVariant": "a"},
                  "f3": {"state": "ENABLED", "variants": {"x": "X"}, "defaultVariant": "x", "targeting": {"nope": [1]}},
                  "ok": {"state": "ENABLED", "variants": {"x": "X"}, "defaultVariant": "x"}
                }}
                """;
        FlagFileException e = assertThrows(FlagFileException.class, () -> FlagdCompiler.compile(file));
        assertEquals(List.of(
                p("/flags/f1/defaultVariant", "'maybe' is not a variant of this flag (variants: on, off)"),
                p("/flags/f2/variants/b", "variant is a number but variant 'a' is a string: all variants of a flag must have one type"),
                w("/flags/f3/targeting/nope", "unknown operator 'nope': the flag evaluates to PARSE_ERROR")), e.problems());
        assertTrue(e.getMessage().startsWith("invalid flag file: 2 errors, 1 warning\n  /flags/f1/defaultVariant: error: "), e.getMessage());
    }

    @Test
    void unknownVariantAsLiteralResult() {
        assertEquals(List.of(
                w("/flags/f/targeting/if/3", "targeting returns 'typo'" + NOT_VARIANT),
                w("/flags/f/targeting/if/4", "targeting returns 'also-typo'" + NOT_VARIANT)),
                problems(withTargeting("{\"if\": [{\"var\": \"x\"}, \"on\", {\"var\": \"y\"}, \"typo\", \"also-typo\"]}")));
        // Nested if in a branch; conditions are not results.
        assertEquals(List.of(w("/flags/f/targeting/if/1/if/1", "targeting returns 'bad'" + NOT_VARIANT)),
                problems(withTargeting("{\"if\": [\"cond\", {\"if\": [\"c2\", \"bad\", \"on\"]}, \"off\"]}")));
        // Booleans and numbers name variants by their string.
        assertEquals(List.of(
                w("/flags/f/targeting/if/1", "targeting returns 'true'" + NOT_VARIANT),
                w("/flags/f/targeting/if/2", "targeting returns '5'" + NOT_VARIANT)),
                problems(withTargeting("{\"if\": [{\"var\": \"x\"}, true, 5]}")));
        // A fractional's variant names are results too.
        assertEquals(List.of(w("/flags/f/targeting/fractional/1/0", "targeting returns 'onn'" + NOT_VARIANT)),
                problems(withTargeting("{\"fractional\": [[\"on\", 1], [\"onn\", 1]]}")));
        // An object or array literal can never name a variant.
        assertEquals(List.of(w("/flags/f/targeting/if/1", "a targeting result must be a variant name (or null), not an array: flag 'f' evaluates to GENERAL when this is reached")),
                problems(withTargeting("{\"if\": [true, [\"on\"]]}")));
        // null and valid names are fine.
        FlagdCompilerTest.compiles(withTargeting("{\"if\": [{\"var\": \"x\"}, \"on\", null]}"));
    }

    static FlagSet compiles(String file) {
        try {
            return FlagdCompiler.compile(file);
        } catch (FlagFileException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    @Test
    void mixedVariantTypes() {
        String file = """
                {"flags": {"f": {"state": "ENABLED", "variants": {"a": true, "b": "x", "c": 1, "d": {"k": 1}, "e": false}, "defaultVariant": "a"}}}
                """;
        assertEquals(List.of(
                p("/flags/f/variants/b", "variant is a string but variant 'a' is a boolean: all variants of a flag must have one type"),
                p("/flags/f/variants/c", "variant is a number but variant 'a' is a boolean: all variants of a flag must have one type"),
                p("/flags/f/variants/d", "variant is an object but variant 'a' is a boolean: all variants of a flag must have one type")),
                problems(file));
        // Integers and floats are one type; an array or null is no variant type at all.
        assertEquals(VariantType.NUMBER, compiles("""
                {"flags": {"f": {"state": "ENABLED", "variants": {"i": 1, "d": 2.5}, "defaultVariant": "i"}}}
                """).flags().get(0).getType());
        assertEquals(List.of(p("/flags/f/variants/n", "a variant value must be a boolean, string, number or object, not null"),
                        p("/flags/f/variants/l", "a variant value must be a boolean, string, number or object, not an array")),
                problems("{\"flags\": {\"f\": {\"state\": \"ENABLED\", \"variants\": {\"a\": 1, \"n\": null, \"l\": [1]}}}}"));
    }

    @Test
    void refToMissingEvaluator() {
        assertEquals(List.of(w("/flags/f/targeting/if/0/$ref", "$ref to missing evaluator 'nope' (defined: isBeta): the flag evaluates to PARSE_ERROR")),
                problems(withEvaluators("{\"isBeta\": {\"==\": [{\"var\": \"beta\"}, true]}}",
                        "{\"if\": [{\"$ref\": \"nope\"}, \"on\", \"off\"]}")));
        assertEquals(List.of(w("/flags/f/targeting/$ref", "$ref to missing evaluator 'x' (the file has no $evaluators): the flag evaluates to PARSE_ERROR")),
                problems(withTargeting("{\"$ref\": \"x\"}")));
        assertEquals(List.of(w("/flags/f/targeting/$ref", "$ref must name an evaluator (a string), not the number 1: the flag evaluates to PARSE_ERROR")),
                problems(withTargeting("{\"$ref\": 1}")));
    }

    @Test
    void refCycles() {
        // each evaluator is compiled once, so a cycle is reported once, where it closes
        assertEquals(List.of(p("/$evaluators/b/$ref", "$ref cycle: a → b → a")),
                problems(withEvaluators("{\"a\": {\"$ref\": \"b\"}, \"b\": {\"$ref\": \"a\"}}", "{\"if\": [{\"$ref\": \"a\"}, \"on\", \"off\"]}")));
        assertEquals(List.of(p("/$evaluators/a/or/0/$ref", "$ref cycle: a → a")),
                problems(withEvaluators("{\"a\": {\"or\": [{\"$ref\": \"a\"}, false]}}", "{\"if\": [true, \"on\", \"off\"]}")));
    }

    @Test
    void problemsInsideEvaluatorsAreReportedEvenWhenUnused() {
        assertEquals(List.of(w("/$evaluators/unused/==", "'==' takes exactly 2 arguments, got 3" + YIELDS_NULL)),
                problems(withEvaluators("{\"unused\": {\"==\": [1, 2, 3]}}", "{\"if\": [true, \"on\", \"off\"]}")));
        // An evaluator used as the result is checked against the flag that uses it.
        assertEquals(List.of(w("/$evaluators/pick/if/2", "targeting returns 'nah'" + NOT_VARIANT)),
                problems(withEvaluators("{\"pick\": {\"if\": [{\"var\": \"x\"}, \"on\", \"nah\"]}}", "{\"$ref\": \"pick\"}")));
    }

    @Test
    void refsAreResolvedForEvaluation() throws Exception {
        String file = """
                {"$evaluators": {
                   "isStaff": {"ends_with": [{"var": "email"}, "@gdn.dev"]},
                   "isAdmin": {"and": [{"$ref": "isStaff"}, {"in": [{"var": "role"}, ["admin", "owner"]]}]},
                   "pick": {"if": [{"$ref": "isAdmin"}, "on", {"$ref": "isStaff"}, "staff", null]}
                 },
                 "flags": {"f": {"state": "ENABLED", "variants": {"on": "ON", "off": "OFF", "staff": "STAFF"},
                                 "defaultVariant": "off", "targeting": {"$ref": "pick"}}}}
                """;
        FlagSet fs = FlagdCompiler.compile(file);
        assertFalse(fs.flags().get(0).getTargeting().toString().contains("$ref"), "refs are inlined");
        CompiledRuleset rs = CompiledRuleset.of(fs.toRuleset("e", 1, 0, List.of()));
        assertEquals("on", eval(rs, "{\"email\": \"a@gdn.dev\", \"role\": \"owner\"}").variant());
        assertEquals("staff", eval(rs, "{\"email\": \"a@gdn.dev\", \"role\": \"dev\"}").variant());
        FlagResult other = eval(rs, "{\"email\": \"a@example.com\", \"role\": \"admin\"}");
        assertEquals("off", other.variant());
        assertEquals("DEFAULT", other.reason().name());
    }

    @SuppressWarnings("unchecked")
    private static FlagResult eval(CompiledRuleset rs, String ctx) throws Exception {
        return rs.evaluate("f", EvaluationContext.of((Map<String, Object>) JsonReader.standard().read(ctx)), 0);
    }

    @Test
    void unknownOperators() {
        assertEquals(List.of(w("/flags/f/targeting/if/0/starts-with", "unknown operator 'starts-with': the flag evaluates to PARSE_ERROR"),
                        w("/flags/f/targeting/if/1/cat/0/upper", "unknown operator 'upper': the flag evaluates to PARSE_ERROR")),
                problems(withTargeting("{\"if\": [{\"starts-with\": [{\"var\": \"e\"}, \"a\"]}, {\"cat\": [{\"upper\": \"o\"}, \"n\"]}, \"off\"]}")));
    }

    @Test
    void wrongArity() {
        assertEquals(List.of(w("/flags/f/targeting/if/0/==", "'==' takes exactly 2 arguments, got 1" + YIELDS_NULL)),
                problems(withTargeting("{\"if\": [{\"==\": [1]}, \"on\", \"off\"]}")));
        assertEquals(List.of(w("/flags/f/targeting/if", "'if' takes at least 1 argument, got 0" + YIELDS_NULL)),
                problems(withTargeting("{\"if\": []}")));
        assertEquals(List.of(w("/flags/f/targeting/if/0/substr", "'substr' takes 2 to 3 arguments, got 1" + YIELDS_NULL)),
                problems(withTargeting("{\"if\": [{\"substr\": [\"abc\"]}, \"on\", \"off\"]}")));
        assertEquals(List.of(w("/flags/f/targeting/if/0/!", "'!' takes exactly 1 argument, got 2" + YIELDS_NULL)),
                problems(withTargeting("{\"if\": [{\"!\": [1, 2]}, \"on\", \"off\"]}")));
        assertEquals(List.of(w("/flags/f/targeting/if/0/sem_ver", "'sem_ver' takes exactly 3 arguments, got 2" + YIELDS_NULL)),
                problems(withTargeting("{\"if\": [{\"sem_ver\": [\"1.0.0\", \">\"]}, \"on\", \"off\"]}")));
        assertEquals(List.of(w("/flags/f/targeting/if/0/sem_ver/1", "sem_ver operator must be one of = != > < >= <= ~ ^, not the string \"=>\"" + YIELDS_NULL)),
                problems(withTargeting("{\"if\": [{\"sem_ver\": [\"1.0.0\", \"=>\", \"1.0.0\"]}, \"on\", \"off\"]}")));
        assertEquals(List.of(w("/flags/f/targeting/fractional", "fractional needs at least one [variant, weight] entry" + YIELDS_NULL)),
                problems(withTargeting("{\"fractional\": [{\"var\": \"email\"}]}")));
        // flagd ignores what follows the weight
        assertEquals(List.of(w("/flags/f/targeting/fractional/1/2", "a fractional entry is [variant, weight]: the items after the weight are ignored")),
                problems(withTargeting("{\"fractional\": [[\"on\", 1], [\"off\", 1, 2]]}")));
    }

    /** SPEC §1: each warning compiles to what flagd makes of the rule, and the other flags are untouched. */
    @Test
    void warningsEvaluateAsFlagdDoes() throws Exception {
        String file = """
                {"flags": {
                  "arity": {"state": "ENABLED", "variants": {"on": "ON", "off": "OFF"}, "defaultVariant": "off",
                            "targeting": {"if": [{"starts_with": ["abc"]}, "on", null]}},
                  "unknown-op": {"state": "ENABLED", "variants": {"on": "ON", "off": "OFF"}, "defaultVariant": "off",
                                 "targeting": {"if": [false, {"nope": [1]}, "on"]}},
                  "unknown-op-disabled": {"state": "DISABLED", "variants": {"on": "ON", "off": "OFF"}, "defaultVariant": "off",
                                 "targeting": {"nope": [1]}},
                  "missing-ref": {"state": "ENABLED", "variants": {"on": "ON", "off": "OFF"}, "defaultVariant": "off",
                                  "targeting": {"$ref": "gone"}},
                  "typo": {"state": "ENABLED", "variants": {"on": "ON", "off": "OFF"}, "defaultVariant": "off",
                           "targeting": {"if": [{"var": "x"}, "onn", "on"]}},
                  "zero": {"state": "ENABLED", "variants": {"on": "ON", "off": "OFF"}, "defaultVariant": "off",
                           "targeting": {"fractional": [["on", 0], ["off", 0]]}},
                  "negative": {"state": "ENABLED", "variants": {"on": "ON", "off": "OFF"}, "defaultVariant": "off",
                               "targeting": {"fractional": [["on", -50], ["off", 100]]}},
                  "half-weight": {"state": "ENABLED", "variants": {"on": "ON", "off": "OFF"}, "defaultVariant": "off",
                                  "targeting": {"fractional": [["on", 0.5], ["off", 1]]}},
                  "good": {"state": "ENABLED", "variants": {"on": "ON", "off": "OFF"}, "defaultVariant": "on"}
                }}
                """;
        FlagSet fs = FlagdCompiler.compile(file);
        assertEquals(9, fs.flags().size());
        assertEquals(8, fs.warnings().size(), fs.warnings()::toString);
        CompiledRuleset rs = CompiledRuleset.of(fs.toRuleset("e", 1, 0, List.of()));
        EvaluationContext ctx = EvaluationContext.of(Map.of("targetingKey", "u-1", "x", true));
        assertEquals("DEFAULT", rs.evaluate("arity", ctx, 0).reason().name());
        FlagResult unknown = rs.evaluate("unknown-op", ctx, 0);
        assertEquals("PARSE_ERROR", unknown.errorCode().name(), "even when the bad branch is not reached");
        assertTrue(unknown.errorDetails().contains("unknown operator 'nope' at /flags/unknown-op/targeting/if/1/nope"), unknown.errorDetails());
        assertEquals("DISABLED", rs.evaluate("unknown-op-disabled", ctx, 0).reason().name());
        assertEquals("PARSE_ERROR", rs.evaluate("missing-ref", ctx, 0).errorCode().name());
        assertEquals("GENERAL", rs.evaluate("typo", ctx, 0).errorCode().name());
        assertEquals("on", rs.evaluate("typo", EvaluationContext.of(Map.of("x", false)), 0).variant(), "the typo is reached only when x is truthy");
        assertEquals("DEFAULT", rs.evaluate("zero", ctx, 0).reason().name());
        assertEquals("off", rs.evaluate("negative", ctx, 0).variant());
        assertEquals("DEFAULT", rs.evaluate("half-weight", ctx, 0).reason().name());
        assertEquals("STATIC", rs.evaluate("good", ctx, 0).reason().name());
        // --strict: the same warnings, as errors
        FlagFileException strict = assertThrows(FlagFileException.class,
                () -> FlagdCompiler.compile(file.getBytes(StandardCharsets.UTF_8), true));
        assertEquals(8, strict.errors().size());
        assertEquals(fs.warnings().stream().map(CompileProblem::asError).toList(), strict.problems());
    }

    @Test
    void malformedJsonNamesLineAndColumn() {
        List<CompileProblem> ps = problems("{\n  \"flags\": {\n    \"f\": {\"state\": \"ENABLED\",, }\n  }\n}");
        assertEquals(1, ps.size());
        assertEquals("", ps.get(0).pointer());
        assertTrue(ps.get(0).message().startsWith("malformed JSON: "), ps.get(0).message());
        assertTrue(ps.get(0).message().endsWith("(line 3, column 30)"), ps.get(0).message());
        assertTrue(ps.get(0).toString().startsWith("(document): error: malformed JSON"), ps.get(0).toString());

        List<CompileProblem> dup = problems("{\"flags\": {}, \n\"flags\": {}}");
        assertTrue(dup.get(0).message().contains("Duplicate field 'flags'") && dup.get(0).message().contains("line 2"), dup.get(0).message());
        assertTrue(problems("{\"flags\": {}} x").get(0).message().contains("line 1"));
        assertEquals(List.of(p("", "empty input: expected a JSON value (line 1, column 1)")), problems(""));
        assertTrue(problems("{\"flags\": {").get(0).message().startsWith("malformed JSON: "));
    }

    @Test
    void pointersEscapeSlashAndTilde() {
        assertEquals(List.of(p("/flags/a~1b~0c/defaultVariant", "'zz' is not a variant of this flag (variants: x)")),
                problems("{\"flags\": {\"a/b~c\": {\"state\": \"ENABLED\", \"variants\": {\"x\": 1}, \"defaultVariant\": \"zz\"}}}"));
        assertEquals(List.of(p("/flags/f/variants/x~1y~0", "variant is a string but variant 'a' is a number: all variants of a flag must have one type")),
                problems("{\"flags\": {\"f\": {\"state\": \"ENABLED\", \"variants\": {\"a\": 1, \"x/y~\": \"s\"}}}}"));
        assertEquals(List.of(w("/$evaluators/team~1beta/==", "'==' takes exactly 2 arguments, got 1" + YIELDS_NULL)),
                problems(withEvaluators("{\"team/beta\": {\"==\": [1]}}", "{\"if\": [{\"$ref\": \"team/beta\"}, \"on\", \"off\"]}")));
    }

    @Test
    void structuralProblems() {
        assertEquals(List.of(p("", "a flag file must be a JSON object with a \"flags\" property, not an array")), problems("[]"));
        assertEquals(List.of(p("/flags", "required property is missing")), problems("{}"));
        assertEquals(List.of(w("/flag", "unknown property, ignored (expected flags, $evaluators, metadata or $schema)"),
                        p("/flags", "required property is missing")), problems("{\"flag\": {}}"));
        assertEquals(List.of(
                        p("/flags/a/state", "required property is missing (ENABLED or DISABLED)"),
                        p("/flags/b/state", "must be \"ENABLED\" or \"DISABLED\", not the string \"enabled\""),
                        p("/flags/c/variants", "needs at least one variant"),
                        p("/flags/d/variants", "required property is missing"),
                        w("/flags/e/targetting", "unknown flag property, ignored (expected state, variants, defaultVariant, targeting or metadata)"),
                        w("/flags/f/targeting", "should be a JSON Logic object, not the string \"on\": it is evaluated as JSON Logic data"),
                        w("/flags/g/metadata/tags", "metadata values must be strings, numbers or booleans, not an array: this entry is left out"),
                        p("/flags/h/defaultVariant", "must be a variant name or null, not the boolean true")),
                problems("""
                        {"flags": {
                          "a": {"variants": {"x": 1}},
                          "b": {"state": "enabled", "variants": {"x": 1}},
                          "c": {"state": "ENABLED", "variants": {}},
                          "d": {"state": "ENABLED"},
                          "e": {"state": "ENABLED", "variants": {"x": 1}, "targetting": {}},
                          "f": {"state": "ENABLED", "variants": {"on": 1}, "targeting": "on"},
                          "g": {"state": "ENABLED", "variants": {"x": 1}, "metadata": {"tags": ["a"]}},
                          "h": {"state": "ENABLED", "variants": {"true": 1}, "defaultVariant": true}
                        }}
                        """));
    }

    @Test
    void rejectedFileProducesNothingEvenWithGoodFlags() {
        String file = """
                {"flags": {
                  "good": {"state": "ENABLED", "variants": {"x": 1}, "defaultVariant": "x"},
                  "bad": {"state": "ENABLED", "variants": {"x": 1}, "defaultVariant": "y"}
                }}
                """;
        FlagSet[] out = new FlagSet[1];
        FlagFileException e = assertThrows(FlagFileException.class, () -> out[0] = FlagdCompiler.compile(file));
        assertEquals(1, e.problems().size());
        assertEquals(null, out[0]);
    }

    @Test
    void compiledFlagSet() throws Exception {
        String file = """
                {"$schema": "https://flagd.dev/schema/v0/flags.json",
                 "metadata": {"team": "core", "version": 3, "beta": true},
                 "flags": {
                   "zeta": {"state": "DISABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off"},
                   "alpha": {"state": "ENABLED", "variants": {"a": "A"}, "defaultVariant": null, "targeting": {}},
                   "mid": {"state": "ENABLED", "variants": {"n": 0.0, "m": 1}, "defaultVariant": "n",
                           "targeting": {"if": [{"var": "x"}, "m", null]}, "metadata": {"owner": "x"}}
                 }}
                """;
        FlagSet fs = FlagdCompiler.compile(file);
        assertEquals(List.of("alpha", "mid", "zeta"), fs.flags().stream().map(Flag::getKey).toList());
        Flag alpha = fs.flags().get(0);
        assertFalse(alpha.hasDefaultVariant());
        assertFalse(alpha.hasTargeting());
        assertEquals(VariantType.STRING, alpha.getType());
        Flag mid = fs.flags().get(1);
        assertTrue(mid.hasTargeting());
        assertEquals(0.0, mid.getVariants(0).getValue().getDoubleValue());
        assertTrue(mid.getVariants(0).getValue().hasDoubleValue(), "0.0 stays a float");
        assertTrue(mid.getVariants(1).getValue().hasIntValue());
        assertEquals(FlagState.DISABLED, fs.flags().get(2).getState());
        byte[] bytes = file.getBytes(StandardCharsets.UTF_8);
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)), fs.sourceSha256());

        ApiKeyHash key = ApiKeyHash.newBuilder().setSha256(ByteString.copyFrom(new byte[32])).setKind(ApiKeyKind.CLIENT).setName("web").build();
        Ruleset r = fs.toRuleset("prod", 7, 1234L, List.of(key));
        assertEquals("prod", r.getEnvironmentId());
        assertEquals(7, r.getVersion());
        assertEquals(1234L, r.getCreatedAtMillis());
        assertEquals(3, r.getFlagsCount());
        assertEquals(List.of(key), r.getApiKeysList());
        assertEquals(fs.sourceSha256(), r.getSourceSha256());
        assertEquals(3, r.getMetadata().getFieldsCount());
        assertEquals("team", r.getMetadata().getFields(0).getKey());
        // The whole pipeline survives a serialization round trip.
        assertEquals(r, Ruleset.parseFrom(r.toByteArray()));
    }

    @Test
    void nestingLimit() {
        String deep = "{\"!\": ".repeat(200) + "true" + "}".repeat(200);
        List<CompileProblem> ps = problems(withTargeting(deep));
        assertEquals(1, ps.size());
        assertEquals("", ps.get(0).pointer());
        assertTrue(ps.get(0).message().startsWith("nesting deeper than 128 levels"), ps.get(0).message());
    }

    /**
     * Only the branches of if/?:, fractional variant names and log count as "literal targeting results";
     * a literal operand of and/or, which can also become the result, is not checked (open question in the
     * report). It compiles and fails at evaluation with GENERAL.
     */
    @Test
    void andOrOperandsAreNotCheckedAsResults() {
        FlagSet fs = compiles(withTargeting("{\"or\": [{\"var\": \"x\"}, \"typo\"]}"));
        CompiledRuleset rs = CompiledRuleset.of(fs.toRuleset("e", 1, 0, List.of()));
        FlagResult r = rs.evaluate("f", EvaluationContext.empty(), 0);
        assertEquals("GENERAL", r.errorCode().name());
        assertEquals(List.of(w("/flags/f/targeting/log", "targeting returns 'typo'" + NOT_VARIANT)),
                problems(withTargeting("{\"log\": \"typo\"}")));
    }
}
