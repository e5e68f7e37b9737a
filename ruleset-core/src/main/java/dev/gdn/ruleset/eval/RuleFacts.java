package dev.gdn.ruleset.eval;

import dev.gdn.ruleset.proto.Expr;
import dev.gdn.ruleset.proto.Operation;
import dev.gdn.ruleset.proto.Operator;

/**
 * What a compiled rule may read beyond the caller's attributes, and how deep it nests, each counted
 * through the shared evaluators it refers to ({@code facts[i]} of evaluator {@code i}, which every rule
 * may only name after it is computed). Conservative: a var whose path is not a literal could read anything.
 */
final class RuleFacts {
    /** What one rule may do. */
    record Facts(boolean readsTime, boolean readsFlagKey, int depth) {
    }

    private RuleFacts() {
    }

    /**
     * @param evaluators the facts of the evaluators before this rule (the only ones it may refer to)
     * @throws IllegalArgumentException when the rule refers to an evaluator not among them
     */
    static Facts of(Expr e, Facts[] evaluators) {
        switch (e.getKindCase()) {
            case EVALUATOR: {
                int i = e.getEvaluator();
                if (i >= evaluators.length || evaluators[i] == null) {
                    throw new IllegalArgumentException("a rule refers to evaluator " + i + ", which is not defined before it");
                }
                return evaluators[i];
            }
            case ARRAY: {
                Facts f = new Facts(false, false, 0);
                for (Expr item : e.getArray().getItemsList()) {
                    f = merge(f, of(item, evaluators));
                }
                return new Facts(f.readsTime, f.readsFlagKey, f.depth + 1);
            }
            case OPERATION: {
                Operation op = e.getOperation();
                boolean time = false;
                boolean flagKey = op.getOperator() == Operator.FRACTIONAL; // buckets by flagKey + targetingKey
                if (op.getOperator() == Operator.VAR) {
                    time = varMayRead(op, "$flagd.timestamp");
                    flagKey = varMayRead(op, "$flagd.flagKey");
                }
                Facts f = new Facts(time, flagKey, 0);
                for (Expr arg : op.getArgsList()) {
                    f = merge(f, of(arg, evaluators));
                }
                return new Facts(f.readsTime, f.readsFlagKey, f.depth + 1);
            }
            default:
                return new Facts(false, false, 1);
        }
    }

    private static Facts merge(Facts a, Facts b) {
        return new Facts(a.readsTime || b.readsTime, a.readsFlagKey || b.readsFlagKey, Math.max(a.depth, b.depth));
    }

    private static boolean varMayRead(Operation var, String property) {
        if (var.getArgsCount() == 0) {
            return true; // the whole data, $flagd included
        }
        Expr path = var.getArgs(0);
        if (!path.hasLiteral() || !path.getLiteral().hasStringValue()) {
            // computed paths could name anything; null or a number could not, but stay conservative
            return !(path.hasLiteral() && (path.getLiteral().hasIntValue() || path.getLiteral().hasDoubleValue()));
        }
        String p = path.getLiteral().getStringValue();
        return p.isEmpty() || p.equals("$flagd") || p.startsWith(property);
    }
}
