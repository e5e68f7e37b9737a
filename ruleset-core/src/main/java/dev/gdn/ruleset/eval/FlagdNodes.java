package dev.gdn.ruleset.eval;

/** flagd's custom operators that need more than a string test: fractional and sem_ver. */
final class FlagdNodes {
    private FlagdNodes() {
    }

    /** Bucket totals must stay below 2^32 so {@code h * total} fits in an unsigned 64-bit product. */
    private static final long MAX_TOTAL_WEIGHT = 0xffffffffL;

    /**
     * {@code fractional [bucketBy?, [variant, weight?], ...]} per SPEC §2: MurmurHash3 x86 32 (seed 0)
     * of the UTF-8 bucket string, {@code bucket = (h * total) >>> 32}, the first variant whose running
     * weight sum exceeds the bucket wins.
     */
    static final class Fractional extends Node {
        private final Node bucketBy;       // null: flagKey + targetingKey
        private final Node[] names;
        private final Node[] weights;      // null entry: weight 1
        private final long[] constantRunningSums; // non-null when every weight is a literal

        Fractional(Node bucketBy, Node[] names, Node[] weights) {
            this.bucketBy = bucketBy;
            this.names = names;
            this.weights = weights;
            long[] sums = new long[names.length];
            long running = 0;
            for (int i = 0; i < names.length; i++) {
                Object w = weights[i] == null ? (Object) 1L : weights[i].constantValue();
                if (w == NOT_CONSTANT) {
                    sums = null;
                    break;
                }
                running += weight(w);
                sums[i] = running;
            }
            this.constantRunningSums = sums;
        }

        /** A weight: integral part of a number, negatives (and non-numbers) count as 0, capped so sums cannot overflow. */
        static long weight(Object w) {
            if (!(w instanceof Number)) {
                return 0;
            }
            double d = ((Number) w).doubleValue();
            if (!(d > 0)) {
                return 0;
            }
            return (long) Math.min(Math.floor(d), (double) MAX_TOTAL_WEIGHT);
        }

        @Override
        Object eval(Frame frame, Object data) {
            String key;
            if (bucketBy != null) {
                Object b = bucketBy.eval(frame, data);
                if (!(b instanceof String)) {
                    return null;
                }
                key = (String) b;
            } else {
                Object targetingKey = frame.context.get("targetingKey");
                if (!(targetingKey instanceof String)) {
                    return null;
                }
                key = null;
            }
            long[] sums = constantRunningSums;
            if (sums == null) {
                sums = new long[names.length];
                long running = 0;
                for (int i = 0; i < names.length; i++) {
                    running += weights[i] == null ? 1 : weight(weights[i].eval(frame, data));
                    sums[i] = running;
                }
            }
            long total = sums.length == 0 ? 0 : sums[sums.length - 1];
            if (total <= 0 || total > MAX_TOTAL_WEIGHT) {
                return null;
            }
            // flagKey + targetingKey hashed as one UTF-8 string, without building it
            int hash = key != null ? Murmur3.hash32Utf8(key, "") : Murmur3.hash32Utf8(frame.flagKey, (String) frame.context.get("targetingKey"));
            long h = hash & 0xffffffffL;
            long bucket = (h * total) >>> 32;
            for (int i = 0; i < sums.length; i++) {
                if (sums[i] > bucket) {
                    return names[i].eval(frame, data);
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
