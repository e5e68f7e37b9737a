package dev.gdn.ruleset.compile;

import dev.gdn.ruleset.eval.Operators;
import dev.gdn.ruleset.eval.ProtoValues;
import dev.gdn.ruleset.proto.Evaluator;
import dev.gdn.ruleset.proto.Expr;
import dev.gdn.ruleset.proto.Operation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A compiled targeting expression turned back into JSON Logic (shared evaluators as {@code $ref}s), for humans reading a ruleset. */
public final class RuleJson {
    private RuleJson() {
    }

    /**
     * The rule as plain Java JSON values (see {@link dev.gdn.ruleset.json.JsonWriter}).
     *
     * @param evaluators the ruleset's shared evaluators, which name the {@code $ref}s
     */
    public static Object toJson(Expr expr, List<Evaluator> evaluators) {
        switch (expr.getKindCase()) {
            case LITERAL:
                return ProtoValues.toJava(expr.getLiteral());
            case ARRAY: {
                List<Object> items = new ArrayList<>();
                for (Expr e : expr.getArray().getItemsList()) {
                    items.add(toJson(e, evaluators));
                }
                return items;
            }
            case OPERATION: {
                Operation op = expr.getOperation();
                List<Object> args = new ArrayList<>();
                for (Expr e : op.getArgsList()) {
                    args.add(toJson(e, evaluators));
                }
                Map<String, Object> m = new LinkedHashMap<>(1);
                m.put(Operators.nameOf(op.getOperator()), args);
                return m;
            }
            case EVALUATOR: {
                int i = expr.getEvaluator();
                return Map.of("$ref", i < evaluators.size() ? evaluators.get(i).getName() : "#" + i);
            }
            default:
                return null;
        }
    }
}
