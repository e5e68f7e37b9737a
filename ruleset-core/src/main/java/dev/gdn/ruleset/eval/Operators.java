package dev.gdn.ruleset.eval;

import dev.gdn.ruleset.proto.Operator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** The operators GDN understands: their JSON Logic names and how many arguments each takes. */
public final class Operators {
    /** Argument count bounds, inclusive; {@code max == UNBOUNDED} for variadic operators. */
    public record Arity(int min, int max) {
        public static final int UNBOUNDED = Integer.MAX_VALUE;

        public boolean accepts(int n) {
            return n >= min && n <= max;
        }

        public String describe() {
            if (min == max) {
                return min == 1 ? "exactly 1 argument" : "exactly " + min + " arguments";
            }
            if (max == UNBOUNDED) {
                return min == 1 ? "at least 1 argument" : "at least " + min + " arguments";
            }
            return min + " to " + max + " arguments";
        }
    }

    private static final Map<String, Operator> BY_NAME = new LinkedHashMap<>();
    private static final Map<Operator, Arity> ARITY = new EnumMap<>(Operator.class);
    private static final Map<Operator, String> NAME = new EnumMap<>(Operator.class);

    private static void define(Operator op, int min, int max, String... names) {
        for (String name : names) {
            BY_NAME.put(name, op);
        }
        NAME.put(op, names[0]);
        ARITY.put(op, new Arity(min, max));
    }

    static {
        int many = Arity.UNBOUNDED;
        define(Operator.VAR, 0, 2, "var");
        define(Operator.MISSING, 0, many, "missing");
        define(Operator.MISSING_SOME, 2, 2, "missing_some");
        define(Operator.IF, 1, many, "if", "?:");
        define(Operator.EQ, 2, 2, "==");
        define(Operator.STRICT_EQ, 2, 2, "===");
        define(Operator.NE, 2, 2, "!=");
        define(Operator.STRICT_NE, 2, 2, "!==");
        define(Operator.NOT, 1, 1, "!");
        define(Operator.TRUTHY, 1, 1, "!!");
        define(Operator.AND, 1, many, "and");
        define(Operator.OR, 1, many, "or");
        define(Operator.LT, 2, 3, "<");
        define(Operator.LE, 2, 3, "<=");
        define(Operator.GT, 2, 3, ">");
        define(Operator.GE, 2, 3, ">=");
        define(Operator.MAX, 1, many, "max");
        define(Operator.MIN, 1, many, "min");
        define(Operator.ADD, 1, many, "+");
        define(Operator.SUB, 1, 2, "-");
        define(Operator.MUL, 1, many, "*");
        define(Operator.DIV, 2, 2, "/");
        define(Operator.MOD, 2, 2, "%");
        define(Operator.MAP, 2, 2, "map");
        define(Operator.FILTER, 2, 2, "filter");
        define(Operator.REDUCE, 2, 3, "reduce");
        define(Operator.ALL, 2, 2, "all");
        define(Operator.NONE, 2, 2, "none");
        define(Operator.SOME, 2, 2, "some");
        define(Operator.MERGE, 0, many, "merge");
        define(Operator.IN, 2, 2, "in");
        define(Operator.CAT, 0, many, "cat");
        define(Operator.SUBSTR, 2, 3, "substr");
        define(Operator.LOG, 1, 1, "log");
        define(Operator.FRACTIONAL, 1, many, "fractional");
        define(Operator.SEM_VER, 3, 3, "sem_ver");
        define(Operator.STARTS_WITH, 2, 2, "starts_with");
        define(Operator.ENDS_WITH, 2, 2, "ends_with");
    }

    private Operators() {
    }

    /** The operator a JSON Logic name denotes, or null for an unknown name. */
    public static Operator byName(String name) {
        return BY_NAME.get(name);
    }

    /** The JSON Logic name of an operator (the first, for {@code if} / {@code ?:}). */
    public static String nameOf(Operator op) {
        return NAME.get(op);
    }

    public static Arity arity(Operator op) {
        return ARITY.get(op);
    }
}
