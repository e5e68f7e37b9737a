package dev.gdn.ruleset.compile;

import dev.gdn.ruleset.eval.Operators;
import dev.gdn.ruleset.eval.ProtoValues;
import dev.gdn.ruleset.proto.Expr;
import dev.gdn.ruleset.proto.Operation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A compiled targeting expression turned back into JSON Logic (with $refs inlined), for humans reading a ruleset. */
public final class RuleJson {
    private RuleJson() {
    }

    /** The rule as plain Java JSON values (see {@link dev.gdn.ruleset.json.JsonWriter}). */
    public static Object toJson(Expr expr) {
        switch (expr.getKindCase()) {
            case LITERAL:
                return ProtoValues.toJava(expr.getLiteral());
            case ARRAY: {
                List<Object> items = new ArrayList<>();
                for (Expr e : expr.getArray().getItemsList()) {
                    items.add(toJson(e));
                }
                return items;
            }
            case OPERATION: {
                Operation op = expr.getOperation();
                List<Object> args = new ArrayList<>();
                for (Expr e : op.getArgsList()) {
                    args.add(toJson(e));
                }
                Map<String, Object> m = new LinkedHashMap<>(1);
                m.put(Operators.nameOf(op.getOperator()), args);
                return m;
            }
            default:
                return null;
        }
    }
}
