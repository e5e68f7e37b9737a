package dev.gdn.chaos.check;

import dev.gdn.chaos.load.Answer;
import dev.gdn.chaos.load.ClientKind;
import dev.gdn.chaos.load.ServingTier;
import dev.gdn.client.FlagEvaluation;
import dev.gdn.ruleset.compile.FlagdCompiler;
import dev.gdn.ruleset.eval.CompiledRuleset;
import dev.gdn.ruleset.eval.EvaluationContext;
import dev.gdn.ruleset.eval.FlagResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Two versions of a flag file and answers built from real local evaluation, for checker and report tests. */
public final class TestRulesets {
    public static final String V1 = """
            {"flags": {
              "dark-mode": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                            "targeting": {"if": [{"ends_with": [{"var": "email"}, "@example.com"]}, "on", null]}},
              "max-items": {"state": "ENABLED", "variants": {"small": 10, "large": 250, "ratio": 0.5}, "defaultVariant": "small",
                            "targeting": {"if": [{"==": [{"var": "plan"}, "enterprise"]}, "large", null]}},
              "split": {"state": "ENABLED", "variants": {"a": "A", "b": "B"}, "defaultVariant": "a",
                        "targeting": {"fractional": [["a", 50], ["b", 50]]}},
              "retired": {"state": "DISABLED", "variants": {"x": "x"}, "defaultVariant": "x"}
            }}""";
    /** v2 changes max-items for enterprise users and the default of dark-mode. */
    public static final String V2 = V1.replace("\"large\", null", "\"ratio\", null").replace("\"defaultVariant\": \"off\"", "\"defaultVariant\": \"on\"");

    public static final Map<String, Object> ANN = Map.of("targetingKey", "u-1", "email", "ann@example.com", "plan", "enterprise");
    public static final Map<String, Object> BOB = Map.of("targetingKey", "u-2", "email", "bob@mail.test", "plan", "free");

    private TestRulesets() {
    }

    public static CompiledRuleset compile(String flags, long version) {
        try {
            return CompiledRuleset.of(FlagdCompiler.compile(flags).toRuleset("prod", version, 0, List.of()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An oracle that knows v1 and v2 (and whatever else is added to the map). */
    public static RulesetOracle oracle(Map<Long, CompiledRuleset> versions) {
        return new RulesetOracle("prod", List.of(new RulesetOracle.Source() {
            @Override
            public String name() {
                return "test";
            }

            @Override
            public CompiledRuleset load(String env, long version) {
                return versions.get(version);
            }
        }));
    }

    /** The flags a correct server sends for this ruleset and context, as the client parses them. */
    public static Map<String, FlagEvaluation> flags(CompiledRuleset rs, Map<String, Object> context) {
        Map<String, FlagEvaluation> out = new LinkedHashMap<>();
        for (FlagResult r : rs.evaluateAll(EvaluationContext.of(context))) {
            out.put(r.key(), new FlagEvaluation(r.key(), r.hasValue() ? r.value() : null, r.variant(), r.isError() ? null : r.reason().name(),
                    r.isError() ? r.errorCode().name() : null, r.errorDetails(), r.metadata()));
        }
        return out;
    }

    public static Answer answer(long at, String session, Map<String, Object> ctx, long version, Map<String, FlagEvaluation> flags) {
        return new Answer(at, 2_000_000, "ams", ClientKind.LIBRARY, session, ctx, ServingTier.BELT_CDN, true, version, "ams/n1", flags, null);
    }
}
