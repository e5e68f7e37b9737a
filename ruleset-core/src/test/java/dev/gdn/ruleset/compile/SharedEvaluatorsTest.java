package dev.gdn.ruleset.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.ruleset.eval.CompiledRuleset;
import dev.gdn.ruleset.eval.EvaluationContext;
import dev.gdn.ruleset.eval.FlagResult;
import dev.gdn.ruleset.proto.Expr;
import dev.gdn.ruleset.proto.Ruleset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 11: $refs compile to shared nodes (a DAG, linear in the file), and every limit counts through them. */
class SharedEvaluatorsTest {
    private static CompileReport check(String file) {
        return FlagdCompiler.check(file.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void refsAreSharedNotCopied() throws Exception {
        String file = HostileFlagFiles.billionLaughs(4, 10); // 1,111 expanded nodes of 4 evaluators
        FlagSet fs = FlagdCompiler.compile(file);
        assertEquals(4, fs.evaluators().size());
        // each evaluator appears once, after the ones it names
        assertEquals(List.of("e3", "e2", "e1", "e0"), fs.evaluators().stream().map(e -> e.getName()).toList());
        Expr or = fs.evaluators().get(3).getRule();
        assertEquals(10, or.getOperation().getArgsCount());
        assertTrue(or.getOperation().getArgsList().stream().allMatch(a -> a.getKindCase() == Expr.KindCase.EVALUATOR && a.getEvaluator() == 2));
        Ruleset r = fs.toRuleset("e", 1, 0, List.of());
        assertTrue(r.getSerializedSize() < 2 * file.length(), "the artifact is linear in the file: " + r.getSerializedSize());
        CompiledRuleset rs = CompiledRuleset.of(Ruleset.parseFrom(r.toByteArray()));
        assertEquals("on", rs.evaluate("f", EvaluationContext.of(Map.of("x", 1L)), 0).variant());
        assertEquals("off", rs.evaluate("f", EvaluationContext.of(Map.of("x", 2L)), 0).variant());
    }

    /** A context that counts how often rules read each attribute. */
    private static final class CountingContext extends java.util.HashMap<String, Object> {
        final Map<String, Integer> reads = new java.util.HashMap<>();

        CountingContext(Map<String, Object> m) {
            super(m);
        }

        @Override
        public Object get(Object key) {
            reads.merge(String.valueOf(key), 1, Integer::sum);
            return super.get(key);
        }
    }

    @Test
    void aSharedEvaluatorIsEvaluatedOncePerRequestUnlessItReadsTheFlagKey() throws Exception {
        String file = """
                {"$evaluators": {"pro": {"==": [{"var": "plan"}, "pro"]},
                                 "mine": {"==": [{"var": "$flagd.flagKey"}, {"var": "owner"}]}},
                 "flags": {
                   "a": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                         "targeting": {"if": [{"and": [{"$ref": "pro"}, {"$ref": "pro"}]}, "on", "off"]}},
                   "b": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                         "targeting": {"if": [{"or": [{"$ref": "mine"}, {"$ref": "pro"}]}, "on", "off"]}},
                   "c": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                         "targeting": {"if": [{"$ref": "mine"}, "on", {"some": [[1, 2], {"$ref": "pro"}]}]}}
                 }}
                """;
        CompiledRuleset rs = CompiledRuleset.of(FlagdCompiler.compile(file).toRuleset("e", 1, 0, List.of()));
        CountingContext ctx = new CountingContext(Map.of("plan", "pro", "owner", "c"));
        List<FlagResult> all = rs.evaluateAll(EvaluationContext.of(ctx), 0);
        assertEquals(List.of("on", "on", "on"), all.stream().map(FlagResult::variant).toList());
        assertEquals(1, ctx.reads.get("plan"), "pro is read once for the whole request: " + ctx.reads);
        assertEquals(2, ctx.reads.get("owner"), "mine depends on the flag key: once per flag that reaches it: " + ctx.reads);
        // inside "some" the data is each item, not the request: there pro is evaluated per item (and finds no
        // plan), so "some" is false, which names no variant of c
        CountingContext other = new CountingContext(Map.of("plan", "pro", "owner", "x"));
        assertEquals("GENERAL", rs.evaluate("c", EvaluationContext.of(other), 0).errorCode().name());
    }

    @Test
    void billionLaughsIsALocatedErrorWhereTheLimitIsCrossed() {
        CompileReport r = check(HostileFlagFiles.billionLaughs(12, 10));
        assertTrue(r.hasErrors());
        // e11 is 4 nodes, each level ten $refs to the one below: e6 is the first over 100,000, reported once
        assertEquals(List.of(CompileProblem.error("/$evaluators/e6", "the rule expands to 522221 operations and values through"
                + " its $refs, more than 100000 (each $ref counts the whole rule it names)")), r.problems());
    }

    @Test
    void chainedRefsAreALocatedErrorNeverAStackOverflow() {
        CompileReport r = check(HostileFlagFiles.refChain(400));
        assertEquals(1, r.problems().size(), r.problems()::toString);
        CompileProblem p = r.problems().get(0);
        assertTrue(p.isError());
        // c_k nests 401 - k levels (a "!" per link, then var and its path): c273 nests 128, so c272's $ref crosses
        assertEquals("/$evaluators/c272/!/$ref", p.pointer());
        assertEquals("rules nest 129 levels deep through this $ref to 'c273', more than 128", p.message());
        // ten thousand links: still one located error, no recursion through the chain
        CompileReport longer = check(HostileFlagFiles.refChain(10_000));
        assertEquals(List.of("/$evaluators/c9872/!/$ref"), longer.problems().stream().map(CompileProblem::pointer).toList());
        // under the limit, a chain compiles and evaluates (nesting through $ref is what evaluation recurses on)
        FlagSet ok = assertCompiles(HostileFlagFiles.refChain(60));
        FlagResult res = CompiledRuleset.of(ok.toRuleset("e", 1, 0, List.of())).evaluate("f", EvaluationContext.of(Map.of("x", true)), 0);
        assertEquals("off", res.variant(), res::toString); // 59 negations of true
    }

    /** The deepest rules the compiler accepts (directly, or through $refs) survive signing, verifying and loading. */
    @Test
    void deepRulesSurviveTheSignedArtifact() throws Exception {
        String direct = "{\"flags\": {\"f\": {\"state\": \"ENABLED\", \"variants\": {\"true\": 1, \"false\": 0}, \"targeting\": "
                + "{\"!\": ".repeat(120) + "true" + "}".repeat(120) + "}}}";
        for (FlagSet fs : List.of(assertCompiles(HostileFlagFiles.refChain(126)), assertCompiles(direct))) {
            dev.gdn.ruleset.envelope.SigningKey key = dev.gdn.ruleset.envelope.SigningKey.generate();
            Ruleset r = fs.toRuleset("e", 1, 0, List.of());
            Ruleset back = dev.gdn.ruleset.envelope.Envelopes.verifyRuleset(dev.gdn.ruleset.envelope.Envelopes.sign(r, key).toByteArray(),
                    dev.gdn.ruleset.envelope.TrustedKeys.of(key.publicKey()));
            assertEquals(r, back);
            assertFalse(CompiledRuleset.of(back).evaluate("f", EvaluationContext.of(Map.of("x", true)), 0).isError());
        }
    }

    @Test
    void cyclesAreFoundWithoutRecursion() {
        StringBuilder sb = new StringBuilder("{\"$evaluators\": {");
        for (int i = 0; i < 5000; i++) {
            sb.append(i > 0 ? ", " : "").append("\"c").append(i).append("\": {\"!\": {\"$ref\": \"c").append((i + 1) % 5000).append("\"}}");
        }
        sb.append("}, \"flags\": {}}");
        CompileReport r = check(sb.toString());
        CompileProblem cycle = r.problems().stream().filter(p -> p.message().startsWith("$ref cycle")).findFirst().orElseThrow();
        assertEquals("/$evaluators/c4999/!/$ref", cycle.pointer());
        assertTrue(cycle.message().startsWith("$ref cycle: c0 → c1 → c2 → ") && cycle.message().endsWith("c4999 → c0"), cycle.message());
        // with the loop cut there, the chain is still far too deep: a second located error, no stack overflow
        assertEquals(2, r.problems().size(), r.problems()::toString);
    }

    @Test
    void artifactsReferringToUndefinedEvaluatorsAreRefused() throws Exception {
        FlagSet fs = FlagdCompiler.compile(HostileFlagFiles.billionLaughs(2, 2));
        Ruleset r = fs.toRuleset("e", 1, 0, List.of());
        Ruleset forward = r.toBuilder().setEvaluators(0, r.getEvaluators(0).toBuilder().setRule(Expr.newBuilder().setEvaluator(1))).build();
        assertThrows(IllegalArgumentException.class, () -> CompiledRuleset.of(forward));
        Ruleset missing = r.toBuilder().clearEvaluators().build();
        assertThrows(IllegalArgumentException.class, () -> CompiledRuleset.of(missing));
    }

    @Test
    void numbersBeyondADoubleAreErrors() {
        for (String n : List.of("1e400", "-1e400", "1" + "0".repeat(400))) {
            CompileReport r = check("{\"flags\": {\"f\": {\"state\": \"ENABLED\", \"variants\": {\"a\": " + n + "}}}}");
            assertTrue(r.hasErrors(), n);
            assertTrue(r.problems().get(0).message().contains("is out of range (beyond ±1.8e308) (line 1, column 56)"),
                    r.problems().get(0).message());
        }
        FlagSet tiny = assertCompiles("{\"flags\": {\"f\": {\"state\": \"ENABLED\", \"variants\": {\"a\": 1e-400}, \"defaultVariant\": \"a\"}}}");
        assertEquals(0.0, tiny.flags().get(0).getVariants(0).getValue().getDoubleValue(), "underflow reads as 0, as in JavaScript");
    }

    @Test
    void malformedJsonMessagesNeverNameTheParserLibrary() {
        for (String bad : List.of("{\"a\": NaN}", "{'a': 1}", "{\"a\": 01}", "{\"a\": tru}", "[1,]", "{\"a\" 1}", "{\"a\": 1,}",
                "{\"a\": \"\u0001\"}", "{\"a\": \"\\q\"}", "]", "{\"a\": [1, 2}", "\"abc", "{\"a\": -}", "{\"a\": 1.}")) {
            CompileReport r = check(bad);
            String m = r.problems().get(0).message();
            assertTrue(m.startsWith("malformed JSON: ") && m.contains("(line 1, column "), bad + " → " + m);
            for (String leak : List.of("Jackson", "Feature", "`", "(code ", "[Source", "REDACTED", "StreamRead", "JsonToken")) {
                assertFalse(m.contains(leak), bad + " → " + m);
            }
        }
        assertEquals("malformed JSON: NaN and Infinity are not JSON numbers (line 1, column 10)",
                check("{\"a\": NaN}").problems().get(0).message());
        assertNull(check("{\"flags\": {}}").problems().stream().findFirst().orElse(null));
    }

    private static FlagSet assertCompiles(String file) {
        CompileReport r = check(file);
        assertFalse(r.hasErrors(), r.problems()::toString);
        return r.flagSet();
    }
}
