package dev.gdn.ruleset.eval;

/** cat, substr, and flagd's starts_with / ends_with. */
final class StringNodes {
    private StringNodes() {
    }

    static final class Cat extends Node {
        private final Node[] args;

        Cat(Node[] args) {
            this.args = args;
        }

        @Override
        Object eval(Frame frame, Object data) {
            if (args.length == 1) {
                return part(args[0].eval(frame, data));
            }
            StringBuilder sb = new StringBuilder();
            for (Node arg : args) {
                sb.append(part(arg.eval(frame, data)));
            }
            return sb.toString();
        }

        /** json-logic-js cat is Array.prototype.join(""), which writes null (and undefined) as "", not "null". */
        private static String part(Object v) {
            return v == null ? "" : JsSemantics.toJsString(v);
        }
    }

    /** {@code substr [source, start, length?]} with JavaScript's String.prototype.substr rules; a negative length trims from the end. */
    static final class Substr extends Node {
        private final Node source;
        private final Node start;
        private final Node length;

        Substr(Node source, Node start, Node length) {
            this.source = source;
            this.start = start;
            this.length = length;
        }

        @Override
        Object eval(Frame frame, Object data) {
            String s = JsSemantics.toJsString(source.eval(frame, data));
            double from = JsSemantics.toNumber(start.eval(frame, data));
            if (length == null) {
                return substr(s, from, Double.POSITIVE_INFINITY);
            }
            double len = JsSemantics.toNumber(length.eval(frame, data));
            if (len < 0) {
                String tail = substr(s, from, Double.POSITIVE_INFINITY);
                return substr(tail, 0, tail.length() + len);
            }
            return substr(s, from, len);
        }

        private static double integer(double d) {
            return Double.isNaN(d) ? 0 : (d < 0 ? Math.ceil(d) : Math.floor(d));
        }

        static String substr(String s, double start, double length) {
            int size = s.length();
            double st = integer(start);
            int begin = (int) (st < 0 ? Math.max(size + st, 0) : Math.min(st, size));
            double len = Math.min(Math.max(integer(length), 0), size);
            int end = (int) Math.min(begin + len, size);
            return begin >= end ? "" : s.substring(begin, end);
        }
    }

    /** {@code starts_with} / {@code ends_with}: exactly two strings, otherwise null. */
    static final class Affix extends Node {
        private final Node value;
        private final Node affix;
        private final boolean prefix;

        Affix(Node value, Node affix, boolean prefix) {
            this.value = value;
            this.affix = affix;
            this.prefix = prefix;
        }

        @Override
        Object eval(Frame frame, Object data) {
            Object v = value.eval(frame, data);
            Object a = affix.eval(frame, data);
            if (!(v instanceof String) || !(a instanceof String)) {
                return null;
            }
            return prefix ? ((String) v).startsWith((String) a) : ((String) v).endsWith((String) a);
        }
    }
}
