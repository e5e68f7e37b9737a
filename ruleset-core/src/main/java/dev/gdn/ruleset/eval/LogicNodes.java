package dev.gdn.ruleset.eval;

/** if / ?:, equality, negation, and / or, and the relational comparisons. */
final class LogicNodes {
    private LogicNodes() {
    }

    /** {@code if} and {@code ?:}: condition/branch pairs, an optional trailing else; lazy, like JSON Logic. */
    static final class If extends Node {
        private final Node[] args;

        If(Node[] args) {
            this.args = args;
        }

        @Override
        Object eval(Frame frame, Object data) {
            int i = 0;
            for (; i < args.length - 1; i += 2) {
                if (JsSemantics.truthy(args[i].eval(frame, data))) {
                    return args[i + 1].eval(frame, data);
                }
            }
            return i == args.length - 1 ? args[i].eval(frame, data) : null;
        }
    }

    static final class Equals extends Node {
        private final Node left;
        private final Node right;
        private final boolean strict;
        private final boolean negate;

        Equals(Node left, Node right, boolean strict, boolean negate) {
            this.left = left;
            this.right = right;
            this.strict = strict;
            this.negate = negate;
        }

        @Override
        Object eval(Frame frame, Object data) {
            Object a = left.eval(frame, data);
            Object b = right.eval(frame, data);
            boolean eq = strict ? JsSemantics.strictEquals(a, b) : JsSemantics.looseEquals(a, b);
            return eq != negate;
        }
    }

    /** {@code !} (negate) and {@code !!} (truthiness). */
    static final class Truthiness extends Node {
        private final Node arg;
        private final boolean negate;

        Truthiness(Node arg, boolean negate) {
            this.arg = arg;
            this.negate = negate;
        }

        @Override
        Object eval(Frame frame, Object data) {
            return JsSemantics.truthy(arg.eval(frame, data)) != negate;
        }
    }

    /** {@code and}: the first falsy value, else the last. {@code or}: the first truthy value, else the last. */
    static final class AndOr extends Node {
        private final Node[] args;
        private final boolean isAnd;

        AndOr(Node[] args, boolean isAnd) {
            this.args = args;
            this.isAnd = isAnd;
        }

        @Override
        Object eval(Frame frame, Object data) {
            Object v = null;
            for (Node arg : args) {
                v = arg.eval(frame, data);
                if (JsSemantics.truthy(v) != isAnd) {
                    return v;
                }
            }
            return v;
        }
    }

    /**
     * {@code < <= > >=}; with three arguments, the "between" form {@code a < b < c} (JSON Logic defines
     * it for {@code <} and {@code <=}; GDN reads {@code > >=} the same way: {@code a > b > c}).
     */
    static final class Compare extends Node {
        private final Node[] args;
        private final boolean greater;
        private final boolean orEqual;

        Compare(Node[] args, boolean greater, boolean orEqual) {
            this.args = args;
            this.greater = greater;
            this.orEqual = orEqual;
        }

        private boolean holds(Object a, Object b) {
            if (greater) {
                return orEqual ? JsSemantics.lessOrEqual(b, a) : JsSemantics.lessThan(b, a);
            }
            return orEqual ? JsSemantics.lessOrEqual(a, b) : JsSemantics.lessThan(a, b);
        }

        @Override
        Object eval(Frame frame, Object data) {
            Object a = args[0].eval(frame, data);
            Object b = args[1].eval(frame, data);
            if (!holds(a, b)) {
                return false;
            }
            if (args.length == 3) {
                return holds(b, args[2].eval(frame, data));
            }
            return true;
        }
    }
}
