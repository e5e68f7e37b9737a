package dev.gdn.ruleset.eval;

/** flagd's custom operators that need more than a string test: fractional and sem_ver. */
final class FlagdNodes {
    private FlagdNodes() {
    }

    /** flagd's bound on each weight and on their sum: {@code h * total} then fits in a signed 64-bit product. */
    private static final long MAX_TOTAL_WEIGHT = Integer.MAX_VALUE;
    /** A weight flagd refuses (not a whole number, not a number, too large): the operation yields null. */
    private static final long INVALID_WEIGHT = -1;

    /**
     * {@code fractional [bucketBy?, [variant, weight?], ...]} per SPEC §2, as flagd evaluates it: MurmurHash3
     * x86 32 (seed 0) of the UTF-8 bucket string, {@code bucket = (h * total) >>> 32}, the first variant
     * whose running weight sum exceeds the bucket wins.
     */
    static final class Fractional extends Node {
        private final Node bucketBy;       // null: flagKey + targetingKey
        private final Node[] names;
        private final boolean computedNames;
        private final Node[] weights;      // null entry: weight 1
        private final long[] constantRunningSums; // non-null when every weight is a literal
        private final boolean constantInvalid;    // literal weights flagd refuses: always null

        Fractional(Node bucketBy, Node[] names, Node[] weights) {
            this.bucketBy = bucketBy;
            this.names = names;
            this.weights = weights;
            boolean computed = false;
            for (Node n : names) {
                computed |= n.constantValue() == NOT_CONSTANT;
            }
            this.computedNames = computed;
            long[] sums = new long[names.length];
            boolean invalid = false;
            long running = 0;
            for (int i = 0; i < names.length; i++) {
                Object w = weights[i] == null ? (Object) 1L : weights[i].constantValue();
                if (w == NOT_CONSTANT) {
                    sums = null;
                    break;
                }
                long weight = weight(w);
                invalid |= weight == INVALID_WEIGHT;
                running += Math.max(weight, 0);
                sums[i] = running;
            }
            this.constantRunningSums = sums;
            this.constantInvalid = invalid || (sums != null && running > MAX_TOTAL_WEIGHT);
        }

        /**
         * A weight as flagd reads it: null counts 1, a negative whole number 0; anything but a whole number
         * up to 2^31-1 is {@link #INVALID_WEIGHT}.
         */
        static long weight(Object w) {
            if (w == null) {
                return 1;
            }
            if (!(w instanceof Number)) {
                return INVALID_WEIGHT;
            }
            double d = ((Number) w).doubleValue();
            if (d != Math.rint(d) || d > MAX_TOTAL_WEIGHT) { // NaN and infinities included
                return INVALID_WEIGHT;
            }
            return d < 0 ? 0 : (long) d;
        }

        @Override
        Object eval(Frame frame, Object data) {
            if (constantInvalid) {
                return null;
            }
            String key = null;
            if (bucketBy != null) {
                Object b = bucketBy.eval(frame, data);
                if (b instanceof String) {
                    key = (String) b;
                } else if (b != null) {
                    return null; // flagd: a bucketing value that is neither a string nor null fails the operation
                }
            }
            String targetingKey = null;
            if (key == null) {
                // no bucketBy, or it yielded null: flagKey + targetingKey, when there is a non-empty one
                Object tk = frame.context.get("targetingKey");
                if (!(tk instanceof String) || ((String) tk).isEmpty()) {
                    return null;
                }
                targetingKey = (String) tk;
            }
            long[] sums = constantRunningSums;
            if (sums == null) {
                sums = new long[names.length];
                long running = 0;
                for (int i = 0; i < names.length; i++) {
                    long w = weights[i] == null ? 1 : weight(weights[i].eval(frame, data));
                    if (w == INVALID_WEIGHT) {
                        return null;
                    }
                    running += w;
                    sums[i] = running;
                }
                if (running > MAX_TOTAL_WEIGHT) {
                    return null;
                }
            }
            long total = sums.length == 0 ? 0 : sums[sums.length - 1];
            if (total <= 0) {
                return null;
            }
            Object[] chosenNames = null;
            if (computedNames) {
                // flagd checks every entry before choosing: a computed name that is an object or array fails the operation
                chosenNames = new Object[names.length];
                for (int i = 0; i < names.length; i++) {
                    Object n = names[i].eval(frame, data);
                    if (n instanceof java.util.Map || n instanceof java.util.List) {
                        return null;
                    }
                    chosenNames[i] = n;
                }
            }
            // flagKey + targetingKey hashed as one UTF-8 string, without building it
            int hash = key != null ? Murmur3.hash32Utf8(key, "") : Murmur3.hash32Utf8(frame.flagKey, targetingKey);
            long h = hash & 0xffffffffL;
            long bucket = (h * total) >>> 32;
            for (int i = 0; i < sums.length; i++) {
                if (sums[i] > bucket) {
                    return chosenNames != null ? chosenNames[i] : names[i].eval(frame, data);
                }
            }
            return null; // unreachable: bucket < total
        }
    }

    /** {@code sem_ver [left, op, right]}: operands stringified, null on anything invalid. */
    static final class SemVerCompare extends Node {
        private final Node left;
        private final Node op;
        private final Node right;
        private final SemVer constantRight;

        SemVerCompare(Node left, Node op, Node right) {
            this.left = left;
            this.op = op;
            this.right = right;
            Object r = right.constantValue();
            this.constantRight = r == NOT_CONSTANT || r == null ? null : SemVer.parse(JsSemantics.toJsString(r));
        }

        @Override
        Object eval(Frame frame, Object data) {
            Object l = left.eval(frame, data);
            Object o = op.eval(frame, data);
            if (l == null || !(o instanceof String)) {
                return null;
            }
            SemVer a = frame.semVer(JsSemantics.toJsString(l));
            SemVer b = constantRight;
            if (b == null) {
                Object r = right.eval(frame, data);
                b = r == null ? null : frame.semVer(JsSemantics.toJsString(r));
            }
            if (a == null || b == null) {
                return null;
            }
            switch ((String) o) {
                case "=":
                    return a.compareTo(b) == 0;
                case "!=":
                    return a.compareTo(b) != 0;
                case ">":
                    return a.compareTo(b) > 0;
                case "<":
                    return a.compareTo(b) < 0;
                case ">=":
                    return a.compareTo(b) >= 0;
                case "<=":
                    return a.compareTo(b) <= 0;
                case "~":
                    return a.major().equals(b.major()) && a.minor().equals(b.minor());
                case "^":
                    return a.major().equals(b.major());
                default:
                    return null;
            }
        }
    }
}
