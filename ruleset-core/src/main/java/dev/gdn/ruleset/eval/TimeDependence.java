package dev.gdn.ruleset.eval;

import dev.gdn.ruleset.proto.Expr;
import dev.gdn.ruleset.proto.Operation;
import dev.gdn.ruleset.proto.Operator;

/** Finds rules that may read {@code $flagd.timestamp}: a var naming it, or any var whose path is not a literal. */
final class TimeDependence {
    private TimeDependence() {
    }

    static boolean mayReadTime(Expr e) {
        switch (e.getKindCase()) {
            case ARRAY:
                return e.getArray().getItemsList().stream().anyMatch(TimeDependence::mayReadTime);
            case OPERATION: {
                Operation op = e.getOperation();
                if (op.getOperator() == Operator.VAR && varMayReadTime(op)) {
                    return true;
                }
                return op.getArgsList().stream().anyMatch(TimeDependence::mayReadTime);
            }
            default:
                return false;
        }
    }

    private static boolean varMayReadTime(Operation var) {
        if (var.getArgsCount() == 0) {
            return true; // the whole data, $flagd included
        }
        Expr path = var.getArgs(0);
        if (!path.hasLiteral() || !path.getLiteral().hasStringValue()) {
            // computed paths could name anything; null or a number could not, but stay conservative
            return !(path.hasLiteral() && (path.getLiteral().hasIntValue() || path.getLiteral().hasDoubleValue()));
        }
        String p = path.getLiteral().getStringValue();
        return p.isEmpty() || p.equals("$flagd") || p.startsWith("$flagd.timestamp");
    }
}
