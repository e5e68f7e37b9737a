package dev.gdn.ruleset.eval;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The JavaScript value rules JSON Logic is defined by (jsonlogic.com is specified by its JavaScript
 * reference implementation): truthiness, loose and strict equality, ToNumber, parseFloat, String()
 * and relational comparison. Values are the plain Java values of {@link dev.gdn.ruleset.json.JsonReader}.
 */
final class JsSemantics {
    private static final Pattern DECIMAL_LITERAL =
            Pattern.compile("[+-]?(?:Infinity|(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?)");
    private static final Pattern DECIMAL_PREFIX =
            Pattern.compile("^[+-]?(?:Infinity|(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?)");

    private JsSemantics() {
    }

    /** JSON Logic truthiness: JavaScript's, except that an empty array is false. */
    static boolean truthy(Object v) {
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean) {
            return (Boolean) v;
        }
        if (v instanceof Number) {
            double d = ((Number) v).doubleValue();
            return d != 0 && !Double.isNaN(d);
        }
        if (v instanceof String) {
            return !((String) v).isEmpty();
        }
        if (v instanceof List) {
            return !((List<?>) v).isEmpty();
        }
        return true; // objects
    }

    /** JavaScript {@code ===}. Arrays and objects are equal only to themselves. */
    static boolean strictEquals(Object a, Object b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a instanceof Number && b instanceof Number) {
            return ((Number) a).doubleValue() == ((Number) b).doubleValue();
        }
        if (a instanceof String && b instanceof String) {
            return a.equals(b);
        }
        if (a instanceof Boolean && b instanceof Boolean) {
            return a.equals(b);
        }
        return a == b;
    }

    /** JavaScript {@code ==} (the abstract equality comparison). */
    static boolean looseEquals(Object a, Object b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (sameType(a, b)) {
            return strictEquals(a, b);
        }
        if (a instanceof Number && b instanceof String) {
            return ((Number) a).doubleValue() == toNumber(b);
        }
        if (a instanceof String && b instanceof Number) {
            return toNumber(a) == ((Number) b).doubleValue();
        }
        if (a instanceof Boolean) {
            return looseEquals(((Boolean) a) ? 1L : 0L, b);
        }
        if (b instanceof Boolean) {
            return looseEquals(a, ((Boolean) b) ? 1L : 0L);
        }
        boolean aPrimitive = a instanceof Number || a instanceof String;
        boolean bPrimitive = b instanceof Number || b instanceof String;
        if (aPrimitive && !bPrimitive) {
            return looseEquals(a, toPrimitive(b));
        }
        if (bPrimitive && !aPrimitive) {
            return looseEquals(toPrimitive(a), b);
        }
        return false;
    }

    private static boolean sameType(Object a, Object b) {
        return (a instanceof Number && b instanceof Number)
                || (a instanceof String && b instanceof String)
                || (a instanceof Boolean && b instanceof Boolean)
                || (a instanceof List && b instanceof List)
                || (a instanceof Map && b instanceof Map);
    }

    /** ToPrimitive with hint "default" for arrays and objects: their String() form. */
    private static Object toPrimitive(Object v) {
        return (v instanceof List || v instanceof Map) ? toJsString(v) : v;
    }

    /** JavaScript ToNumber ({@code Number(v)}). */
    static double toNumber(Object v) {
        if (v == null) {
            return 0;
        }
        if (v instanceof Number) {
            return ((Number) v).doubleValue();
        }
        if (v instanceof Boolean) {
            return ((Boolean) v) ? 1 : 0;
        }
        if (v instanceof String) {
            return stringToNumber((String) v);
        }
        if (v instanceof List) {
            return stringToNumber(toJsString(v));
        }
        return Double.NaN;
    }

    private static double stringToNumber(String s) {
        String t = s.strip();
        if (t.isEmpty()) {
            return 0;
        }
        if (t.length() > 2 && t.charAt(0) == '0') {
            char x = Character.toLowerCase(t.charAt(1));
            int radix = x == 'x' ? 16 : x == 'o' ? 8 : x == 'b' ? 2 : 0;
            if (radix != 0) {
                try {
                    return new java.math.BigInteger(t.substring(2), radix).doubleValue();
                } catch (NumberFormatException e) {
                    return Double.NaN;
                }
            }
        }
        if (!DECIMAL_LITERAL.matcher(t).matches()) {
            return Double.NaN;
        }
        return parseDecimal(t);
    }

    /** JavaScript {@code parseFloat(v)}: the longest decimal prefix of String(v), else NaN. */
    static double parseFloat(Object v) {
        if (v instanceof Number) {
            return ((Number) v).doubleValue();
        }
        String s = toJsString(v).stripLeading();
        java.util.regex.Matcher m = DECIMAL_PREFIX.matcher(s);
        if (!m.find()) {
            return Double.NaN;
        }
        return parseDecimal(m.group());
    }

    private static double parseDecimal(String literal) {
        if (literal.endsWith("Infinity")) {
            return literal.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        return Double.parseDouble(literal);
    }

    /** JavaScript {@code String(v)}. */
    static String toJsString(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String) {
            return (String) v;
        }
        if (v instanceof Boolean) {
            return v.toString();
        }
        if (v instanceof Long || v instanceof Integer) {
            return v.toString();
        }
        if (v instanceof Number) {
            return numberToString(((Number) v).doubleValue());
        }
        if (v instanceof List) {
            StringBuilder sb = new StringBuilder();
            List<?> list = (List<?>) v;
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                Object item = list.get(i);
                if (item != null) { // Array.prototype.join writes null and undefined as ""
                    sb.append(toJsString(item));
                }
            }
            return sb.toString();
        }
        return "[object Object]";
    }

    /** JavaScript Number::toString for doubles: shortest round-trip digits, JS exponent rules. */
    static String numberToString(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return "0";
        }
        // Below 2^53 an integral double's shortest digits are the integer itself; above, (long) d would
        // print non-shortest digits (2^60) or saturate (1e20), so those take the general path.
        if (d == Math.rint(d) && Math.abs(d) < 0x1p53) {
            return Long.toString((long) d);
        }
        // Double.toString gives round-trip digits, but not always the fewest JavaScript uses: JDK 17 often
        // prints one more (2e23 as 1.9999999999999998E23), and every JDK prints two where one suffices
        // (4.9E-324 for 5e-324). So look for the shortest digits that still round-trip, then re-lay them
        // out the way JavaScript does.
        BigDecimal bd = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        BigDecimal exact = new BigDecimal(d);
        for (int p = 1; p <= bd.precision(); p++) { // at equal length, the closest digits (JDK 17 may not pick them)
            BigDecimal shorter = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
            if (shorter.doubleValue() == d) {
                bd = shorter.stripTrailingZeros();
                break;
            }
        }
        String digits = bd.unscaledValue().abs().toString();
        int k = digits.length();
        int n = k - bd.scale(); // decimal point position: value = 0.digits * 10^n
        String sign = d < 0 ? "-" : "";
        if (k <= n && n <= 21) {
            return sign + digits + "0".repeat(n - k);
        }
        if (0 < n && n <= 21) {
            return sign + digits.substring(0, n) + "." + digits.substring(n);
        }
        if (-6 < n && n <= 0) {
            return sign + "0." + "0".repeat(-n) + digits;
        }
        int e = n - 1;
        String exp = (e >= 0 ? "+" : "-") + Math.abs(e);
        if (k == 1) {
            return sign + digits + "e" + exp;
        }
        return sign + digits.charAt(0) + "." + digits.substring(1) + "e" + exp;
    }

    /**
     * JavaScript's abstract relational comparison {@code a < b}: two strings compare by UTF-16 code
     * units, anything else numerically; NaN compares false.
     */
    static boolean lessThan(Object a, Object b) {
        Object pa = toPrimitive(a);
        Object pb = toPrimitive(b);
        if (pa instanceof String && pb instanceof String) {
            return ((String) pa).compareTo((String) pb) < 0;
        }
        return toNumber(pa) < toNumber(pb);
    }

    static boolean lessOrEqual(Object a, Object b) {
        Object pa = toPrimitive(a);
        Object pb = toPrimitive(b);
        if (pa instanceof String && pb instanceof String) {
            return ((String) pa).compareTo((String) pb) <= 0;
        }
        return toNumber(pa) <= toNumber(pb);
    }
}
