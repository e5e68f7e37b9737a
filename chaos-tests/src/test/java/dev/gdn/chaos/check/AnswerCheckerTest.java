package dev.gdn.chaos.check;

import static dev.gdn.chaos.check.TestRulesets.ANN;
import static dev.gdn.chaos.check.TestRulesets.BOB;
import static dev.gdn.chaos.check.TestRulesets.answer;
import static dev.gdn.chaos.check.TestRulesets.compile;
import static dev.gdn.chaos.check.TestRulesets.flags;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.chaos.load.Answer;
import dev.gdn.chaos.load.ClientKind;
import dev.gdn.client.FlagEvaluation;
import dev.gdn.ruleset.eval.CompiledRuleset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnswerCheckerTest {
    final CompiledRuleset v1 = compile(TestRulesets.V1, 1);
    final CompiledRuleset v2 = compile(TestRulesets.V2, 2);
    final Map<Long, CompiledRuleset> known = new HashMap<>(Map.of(1L, v1, 2L, v2));
    final long now = System.currentTimeMillis();
    final AnswerChecker checker = new AnswerChecker(TestRulesets.oracle(known), now / 1000 - 60);

    @Test
    void answersEqualToLocalEvaluationOfTheirVersionAreCorrect() {
        for (Map<String, Object> ctx : List.of(ANN, BOB)) {
            assertInstanceOf(AnswerChecker.Verdict.Correct.class, checker.check(answer(now, "s1", ctx, 1, flags(v1, ctx))).verdict());
            assertInstanceOf(AnswerChecker.Verdict.Correct.class, checker.check(answer(now, "s2", ctx, 2, flags(v2, ctx))).verdict());
        }
    }

    @Test
    void aChangedValueIsWrongAndNamesTheFlagExpectedAndActual() {
        Map<String, FlagEvaluation> f = new LinkedHashMap<>(flags(v1, ANN));
        f.put("max-items", new FlagEvaluation("max-items", 10L, "small", "DEFAULT", null, null, Map.of()));
        AnswerChecker.Verdict v = checker.check(answer(now, "s", ANN, 1, f)).verdict();
        AnswerChecker.Verdict.Wrong w = assertInstanceOf(AnswerChecker.Verdict.Wrong.class, v);
        assertEquals(1, w.mismatches().size());
        assertEquals("max-items", w.mismatches().get(0).flag());
        assertEquals("[250,\"large\",\"TARGETING_MATCH\",null]", w.mismatches().get(0).expected());
        assertEquals("[10,\"small\",\"DEFAULT\",null]", w.mismatches().get(0).actual());
    }

    @Test
    void theOtherVersionsContentUnderThisVersionsNumberIsWrong() {
        // v1's answers labelled v2: dark-mode's default and max-items differ for Ann
        AnswerChecker.Verdict v = checker.check(answer(now, "s", ANN, 2, flags(v1, ANN))).verdict();
        assertEquals(List.of("max-items"), assertInstanceOf(AnswerChecker.Verdict.Wrong.class, v).mismatches().stream()
                .map(AnswerChecker.Mismatch::flag).toList());
        AnswerChecker.Verdict bob = checker.check(answer(now, "s", BOB, 2, flags(v1, BOB))).verdict();
        assertEquals(List.of("dark-mode"), assertInstanceOf(AnswerChecker.Verdict.Wrong.class, bob).mismatches().stream()
                .map(AnswerChecker.Mismatch::flag).toList());
    }

    @Test
    void numbersKeepTheirTypeAMissingFlagAndAnExtraFlagAreWrong() {
        Map<String, FlagEvaluation> f = new LinkedHashMap<>(flags(v1, ANN));
        f.put("max-items", new FlagEvaluation("max-items", 250.0, "large", "TARGETING_MATCH", null, null, Map.of()));
        f.remove("split");
        f.put("ghost", new FlagEvaluation("ghost", true, "on", "STATIC", null, null, Map.of()));
        AnswerChecker.Verdict.Wrong w = assertInstanceOf(AnswerChecker.Verdict.Wrong.class, checker.check(answer(now, "s", ANN, 1, f)).verdict());
        Map<String, String> got = new HashMap<>();
        w.mismatches().forEach(m -> got.put(m.flag(), m.expected() + " | " + m.actual()));
        assertEquals(3, got.size(), got::toString);
        assertTrue(got.get("max-items").endsWith("[250.0,\"large\",\"TARGETING_MATCH\",null]"), got::toString);
        assertTrue(got.get("split").endsWith("(missing)"), got::toString);
        assertTrue(got.get("ghost").startsWith("(no such flag)"), got::toString);
    }

    @Test
    void anAnswerWithoutAVersionIsWrong() {
        AnswerChecker.Verdict.Wrong w = assertInstanceOf(AnswerChecker.Verdict.Wrong.class,
                checker.check(answer(now, "s", ANN, 0, flags(v1, ANN))).verdict());
        assertEquals("(version)", w.mismatches().get(0).flag());
    }

    @Test
    void aSessionThatStepsBackIsARegressionOtherSessionsAreNot() {
        assertEquals(0, checker.check(answer(now, "a", ANN, 1, flags(v1, ANN))).regressedFrom());
        assertEquals(0, checker.check(answer(now, "a", ANN, 2, flags(v2, ANN))).regressedFrom());
        AnswerChecker.Checked back = checker.check(answer(now, "a", ANN, 1, flags(v1, ANN)));
        assertTrue(back.regression());
        assertEquals(2, back.regressedFrom());
        assertInstanceOf(AnswerChecker.Verdict.Correct.class, back.verdict(), "right for its version, but a regression");
        assertEquals(0, checker.check(answer(now, "b", ANN, 1, flags(v1, ANN))).regressedFrom(), "another session starts where it likes");
        assertEquals(2, checker.check(answer(now, "a", ANN, 1, flags(v1, ANN))).regressedFrom(), "the session's high-water mark stays");
    }

    @Test
    void anUnknownVersionIsUnverifiedUntilItCanBeHad() {
        CompiledRuleset v3 = compile(TestRulesets.V1.replace("\"small\": 10", "\"small\": 11"), 3);
        Answer a = answer(now, "s", BOB, 3, flags(v3, BOB));
        AnswerChecker.Verdict.Unverified u = assertInstanceOf(AnswerChecker.Verdict.Unverified.class, checker.check(a).verdict());
        assertEquals(List.of("test: no version 3"), u.reasons());
        known.put(3L, v3);
        assertInstanceOf(AnswerChecker.Verdict.Correct.class, checker.verify(a));
    }

    @Test
    void unansweredIsItsOwnVerdict() {
        Answer none = new Answer(now, 1, "ams", ClientKind.OFREP, "s", ANN, null, false, 0, null, Map.of(), "connection refused");
        assertEquals("connection refused",
                assertInstanceOf(AnswerChecker.Verdict.Unanswered.class, checker.check(none).verdict()).why());
    }

    @Test
    void timeDependentRulesAcceptAnAnswerRightAtSomeSecondOfTheWindowOnly() {
        long boundary = now / 1000 - 30; // the rule changed its answer 30 s ago
        String flags = """
                {"flags": {"promo": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                  "targeting": {"if": [{">=": [{"var": "$flagd.timestamp"}, %d]}, "on", null]}}}}""".formatted(boundary);
        CompiledRuleset t = compile(flags, 7);
        known.put(7L, t);
        Map<String, FlagEvaluation> before = Map.of("promo", new FlagEvaluation("promo", false, "off", "DEFAULT", null, null, Map.of()));
        Map<String, FlagEvaluation> after = Map.of("promo", new FlagEvaluation("promo", true, "on", "TARGETING_MATCH", null, null, Map.of()));
        assertInstanceOf(AnswerChecker.Verdict.Correct.class, checker.check(answer(now, "t", ANN, 7, after)).verdict());
        assertInstanceOf(AnswerChecker.Verdict.Correct.class, checker.check(answer(now, "t", ANN, 7, before)).verdict(),
                "computed before the boundary, within the window (a cached answer)");
        AnswerChecker strict = new AnswerChecker(TestRulesets.oracle(known), boundary + 5);
        assertInstanceOf(AnswerChecker.Verdict.Wrong.class, strict.check(answer(now, "t", ANN, 7, before)).verdict(),
                "not right at any second since the window opened");
    }
}
