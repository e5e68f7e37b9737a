package dev.gdn.ruleset.eval;

import dev.gdn.ruleset.proto.Expr;
import dev.gdn.ruleset.proto.Operation;
import dev.gdn.ruleset.proto.Operator;
import java.util.List;

/** Builds the executable node tree from a compiled {@link Expr}, once per loaded ruleset. */
final class NodeBuilder {
    /** Deeper rules are refused when loading, so evaluation can never exhaust the stack. */
    static final int MAX_DEPTH = 200;

    static Node build(Expr expr) {
        return new NodeBuilder(new Node[0]).build(expr, 0);
    }

    /** @param shared the built evaluators a rule may refer to ({@code Expr.evaluator} indexes them) */
    static Node build(Expr expr, Node[] shared) {
        return new NodeBuilder(shared).build(expr, 0);
    }

    private final Node[] shared;

    private NodeBuilder(Node[] shared) {
        this.shared = shared;
    }

    private Node build(Expr expr, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("targeting rule nested deeper than " + MAX_DEPTH + " levels");
        }
        switch (expr.getKindCase()) {
            case LITERAL: {
                Object value = ProtoValues.toJava(expr.getLiteral());
                // Interned like variant names and the parser's keys: a returned variant name or a var
                // path usually matches its map key by identity, without comparing characters.
                return new DataNodes.Literal(value instanceof String ? ((String) value).intern() : value);
            }
            case ARRAY: {
                List<Expr> items = expr.getArray().getItemsList();
                return new DataNodes.ArrayOf(buildAll(items, depth));
            }
            case OPERATION:
                return operation(expr.getOperation(), depth);
            case EVALUATOR: {
                int i = expr.getEvaluator();
                if (i >= shared.length || shared[i] == null) {
                    throw new IllegalArgumentException("a rule refers to evaluator " + i + ", which is not defined before it");
                }
                return shared[i];
            }
            case KIND_NOT_SET:
            default:
                return new DataNodes.Literal(null);
        }
    }

    private Node[] buildAll(List<Expr> exprs, int depth) {
        Node[] nodes = new Node[exprs.size()];
        for (int i = 0; i < nodes.length; i++) {
            nodes[i] = build(exprs.get(i), depth + 1);
        }
        return nodes;
    }

    private Node operation(Operation op, int depth) {
        Operator operator = op.getOperator();
        Operators.Arity arity = Operators.arity(operator);
        if (arity == null) {
            throw new IllegalArgumentException("unknown operator " + operator);
        }
        if (!arity.accepts(op.getArgsCount())) {
            throw new IllegalArgumentException(operator + " takes " + arity.describe() + ", got " + op.getArgsCount());
        }
        if (operator == Operator.FRACTIONAL) {
            return fractional(op, depth);
        }
        Node[] a = buildAll(op.getArgsList(), depth);
        switch (operator) {
            case VAR:
                return variable(a);
            case MISSING:
                return new DataNodes.Missing(a);
            case MISSING_SOME:
                return new DataNodes.MissingSome(a[0], a[1]);
            case IF:
                return new LogicNodes.If(a);
            case EQ:
                return new LogicNodes.Equals(a[0], a[1], false, false);
            case STRICT_EQ:
                return new LogicNodes.Equals(a[0], a[1], true, false);
            case NE:
                return new LogicNodes.Equals(a[0], a[1], false, true);
            case STRICT_NE:
                return new LogicNodes.Equals(a[0], a[1], true, true);
            case NOT:
                return new LogicNodes.Truthiness(a[0], true);
            case TRUTHY:
                return new LogicNodes.Truthiness(a[0], false);
            case AND:
                return new LogicNodes.AndOr(a, true);
            case OR:
                return new LogicNodes.AndOr(a, false);
            case LT:
                return new LogicNodes.Compare(a, false, false);
            case LE:
                return new LogicNodes.Compare(a, false, true);
            case GT:
                return new LogicNodes.Compare(a, true, false);
            case GE:
                return new LogicNodes.Compare(a, true, true);
            case MAX:
                return new ArithmeticNodes.MaxMin(a, true);
            case MIN:
                return new ArithmeticNodes.MaxMin(a, false);
            case ADD:
                return new ArithmeticNodes.Add(a);
            case SUB:
                return new ArithmeticNodes.Subtract(a[0], a.length > 1 ? a[1] : null);
            case MUL:
                return new ArithmeticNodes.Multiply(a);
            case DIV:
                return new ArithmeticNodes.Divide(a[0], a[1], false);
            case MOD:
                return new ArithmeticNodes.Divide(a[0], a[1], true);
            case MAP:
                return new ArrayNodes.MapOver(a[0], a[1]);
            case FILTER:
                return new ArrayNodes.Filter(a[0], a[1]);
            case REDUCE:
                return new ArrayNodes.Reduce(a[0], a[1], a.length > 2 ? a[2] : null);
            case ALL:
                return new ArrayNodes.Quantified(a[0], a[1], ArrayNodes.Quantifier.ALL);
            case NONE:
                return new ArrayNodes.Quantified(a[0], a[1], ArrayNodes.Quantifier.NONE);
            case SOME:
                return new ArrayNodes.Quantified(a[0], a[1], ArrayNodes.Quantifier.SOME);
            case MERGE:
                return new ArrayNodes.Merge(a);
            case IN:
                return new ArrayNodes.In(a[0], a[1]);
            case CAT:
                return new StringNodes.Cat(a);
            case SUBSTR:
                return new StringNodes.Substr(a[0], a[1], a.length > 2 ? a[2] : null);
            case LOG:
                return a[0];
            case SEM_VER:
                return new FlagdNodes.SemVerCompare(a[0], a[1], a[2]);
            case STARTS_WITH:
                return new StringNodes.Affix(a[0], a[1], true);
            case ENDS_WITH:
                return new StringNodes.Affix(a[0], a[1], false);
            default:
                throw new IllegalArgumentException("unsupported operator " + operator);
        }
    }

    private static Node variable(Node[] a) {
        Node fallback = a.length > 1 ? a[1] : null;
        if (a.length == 0) {
            return new DataNodes.WholeData();
        }
        Object path = a[0].constantValue();
        if (path == Node.NOT_CONSTANT) {
            return new DataNodes.DynamicVar(a[0], fallback);
        }
        if (path == null || "".equals(path)) {
            return new DataNodes.WholeData();
        }
        if (path instanceof List) {
            return new DataNodes.DynamicVar(a[0], fallback);
        }
        String p = JsSemantics.toJsString(path);
        if (fallback == null && "$flagd.flagKey".equals(p)) {
            return new DataNodes.FlagKey();
        }
        if (fallback == null && "$flagd.timestamp".equals(p)) {
            return new DataNodes.Timestamp();
        }
        return new DataNodes.ConstantVar(p, fallback);
    }

    /**
     * Fractional's arguments: an optional bucketBy expression, then distribution entries. An entry is
     * an array {@code [name, weight?]}: a literal list, or an array expression when computed.
     */
    private Node fractional(Operation op, int depth) {
        List<Expr> args = op.getArgsList();
        int start = isDistributionEntry(args.get(0)) ? 0 : 1;
        Node bucketBy = start == 1 ? build(args.get(0), depth + 1) : null;
        int n = args.size() - start;
        if (n < 1) {
            throw new IllegalArgumentException("fractional needs at least one [variant, weight] entry");
        }
        Node[] names = new Node[n];
        Node[] weights = new Node[n];
        for (int i = 0; i < n; i++) {
            Expr entry = args.get(start + i);
            List<Expr> parts = entryParts(entry);
            if (parts == null || parts.isEmpty() || parts.size() > 2) {
                throw new IllegalArgumentException("fractional entry " + (start + i) + " must be [variant, weight?]");
            }
            names[i] = build(parts.get(0), depth + 2);
            weights[i] = parts.size() > 1 ? build(parts.get(1), depth + 2) : null;
        }
        return new FlagdNodes.Fractional(bucketBy, names, weights);
    }

    static boolean isDistributionEntry(Expr e) {
        return e.hasArray() || (e.hasLiteral() && e.getLiteral().hasListValue());
    }

    private static List<Expr> entryParts(Expr entry) {
        if (entry.hasArray()) {
            return entry.getArray().getItemsList();
        }
        if (entry.hasLiteral() && entry.getLiteral().hasListValue()) {
            return entry.getLiteral().getListValue().getValuesList().stream()
                    .map(v -> Expr.newBuilder().setLiteral(v).build()).toList();
        }
        return null;
    }
}
