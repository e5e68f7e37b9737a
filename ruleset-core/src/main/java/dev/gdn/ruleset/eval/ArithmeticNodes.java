package dev.gdn.ruleset.eval;

/** max, min, + - * / %, with JavaScript number semantics (results are doubles). */
final class ArithmeticNodes {
    private ArithmeticNodes() {
    }

    static final class MaxMin extends Node {
        private final Node[] args;
        private final boolean max;

        MaxMin(Node[] args, boolean max) {
            this.args = args;
            this.max = max;
        }

        @Override
        Object eval(Frame frame, Object data) {
            double result = max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            for (Node arg : args) {
                double d = JsSemantics.toNumber(arg.eval(frame, data));
                if (Double.isNaN(d)) {
                    return Double.NaN;
                }
                result = max ? Math.max(result, d) : Math.min(result, d);
            }
            return result;
        }
    }

    /** {@code +}: the sum of parseFloat of each argument (so {@code {"+": "3.5"}} casts to a number). */
    static final class Add extends Node {
        private final Node[] args;

        Add(Node[] args) {
            this.args = args;
        }

        @Override
        Object eval(Frame frame, Object data) {
            double sum = 0;
            for (Node arg : args) {
                sum += JsSemantics.parseFloat(arg.eval(frame, data));
            }
            return sum;
        }
    }

    /** {@code *}: the product of parseFloat of each argument; a single argument is returned as given. */
    static final class Multiply extends Node {
        private final Node[] args;

        Multiply(Node[] args) {
            this.args = args;
        }

        @Override
        Object eval(Frame frame, Object data) {
            Object first = args[0].eval(frame, data);
            if (args.length == 1) {
                return first;
            }
            double product = JsSemantics.parseFloat(first);
            for (int i = 1; i < args.length; i++) {
                product *= JsSemantics.parseFloat(args[i].eval(frame, data));
            }
            return product;
        }
    }

    /** {@code -}: negation with one argument, difference with two. */
    static final class Subtract extends Node {
        private final Node a;
        private final Node b;

        Subtract(Node a, Node b) {
            this.a = a;
            this.b = b;
        }

        @Override
        Object eval(Frame frame, Object data) {
            double x = JsSemantics.toNumber(a.eval(frame, data));
            if (b == null) {
                return -x;
            }
            return x - JsSemantics.toNumber(b.eval(frame, data));
        }
    }

    static final class Divide extends Node {
        private final Node a;
        private final Node b;
        private final boolean remainder;

        Divide(Node a, Node b, boolean remainder) {
            this.a = a;
            this.b = b;
            this.remainder = remainder;
        }

        @Override
        Object eval(Frame frame, Object data) {
            double x = JsSemantics.toNumber(a.eval(frame, data));
            double y = JsSemantics.toNumber(b.eval(frame, data));
            return remainder ? x % y : x / y;
        }
    }
}
