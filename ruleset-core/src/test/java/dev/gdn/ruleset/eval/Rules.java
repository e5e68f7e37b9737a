package dev.gdn.ruleset.eval;

import dev.gdn.ruleset.compile.FlagFileException;
import dev.gdn.ruleset.compile.FlagSet;
import dev.gdn.ruleset.compile.FlagdCompiler;
import dev.gdn.ruleset.json.JsonReadException;
import dev.gdn.ruleset.json.JsonReader;
import dev.gdn.ruleset.proto.Expr;
import java.util.List;
import java.util.Map;

/** Test helpers: compile and evaluate single JSON Logic rules and small flag files. */
final class Rules {
    static final long TS = 1_700_000_000L;

    private Rules() {
    }

    /**
     * Evaluates one rule against data (a JSON object) and returns the raw value. The rule is compiled by
     * the real compiler, wrapped as {@code {"and": [true, rule]}} so that a literal result is not checked
     * against variant names; the wrapped rule is then built and evaluated on its own.
     */
    static Object eval(String rule, String data) {
        return eval(rule, data, "f");
    }

    static Object eval(String rule, String data, String flagKey) {
        String file = "{\"flags\":{" + quote(flagKey) + ":{\"state\":\"ENABLED\",\"variants\":{\"a\":\"a\"},"
                + "\"defaultVariant\":\"a\",\"targeting\":{\"and\":[true," + rule + "]}}}}";
        FlagSet fs = compile(file);
        Expr e = fs.flags().get(0).getTargeting().getOperation().getArgs(1);
        Map<String, Object> ctx = ctx(data);
        return NodeBuilder.build(e).eval(new Frame(ctx, TS).forFlag(flagKey), ctx);
    }

    /** The rule's value as JavaScript's JSON.stringify would show it (numbers in JS form; NaN shown as NaN). */
    static String evalJs(String rule, String data) {
        return js(eval(rule, data));
    }

    static String evalJs(String rule) {
        return js(eval(rule, "{}"));
    }

    static FlagSet compile(String file) {
        try {
            return FlagdCompiler.compile(file);
        } catch (FlagFileException e) {
            throw new AssertionError("unexpected compile failure: " + e.getMessage(), e);
        }
    }

    static CompiledRuleset ruleset(String file) {
        return CompiledRuleset.of(compile(file).toRuleset("env", 1, 0, List.of()));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> ctx(String json) {
        try {
            return (Map<String, Object>) JsonReader.standard().read(json);
        } catch (JsonReadException e) {
            throw new AssertionError(e);
        }
    }

    static EvaluationContext context(String json) {
        return EvaluationContext.of(ctx(json));
    }

    /** A file with one string flag whose variants are the given names (each value = its name). */
    static String stringFlag(String key, String targeting, String defaultVariant, String... variants) {
        StringBuilder v = new StringBuilder();
        for (String name : variants) {
            if (v.length() > 0) {
                v.append(',');
            }
            v.append(quote(name)).append(':').append(quote(name));
        }
        return "{\"flags\":{" + quote(key) + ":{\"state\":\"ENABLED\",\"variants\":{" + v + "},"
                + "\"defaultVariant\":" + (defaultVariant == null ? "null" : quote(defaultVariant))
                + (targeting == null ? "" : ",\"targeting\":" + targeting) + "}}}";
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append('"').toString();
    }

    static String js(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String) {
            return quote((String) v);
        }
        if (v instanceof Boolean || v instanceof Long || v instanceof Integer) {
            return v.toString();
        }
        if (v instanceof Number) {
            return JsSemantics.numberToString(((Number) v).doubleValue());
        }
        if (v instanceof List) {
            StringBuilder sb = new StringBuilder("[");
            for (Object item : (List<?>) v) {
                if (sb.length() > 1) {
                    sb.append(',');
                }
                sb.append(js(item));
            }
            return sb.append(']').toString();
        }
        if (v instanceof Map) {
            StringBuilder sb = new StringBuilder("{");
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                if (sb.length() > 1) {
                    sb.append(',');
                }
                sb.append(quote((String) e.getKey())).append(':').append(js(e.getValue()));
            }
            return sb.append('}').toString();
        }
        throw new IllegalArgumentException(v.getClass().getName());
    }
}
