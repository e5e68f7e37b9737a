package dev.gdn.ruleset.compile;

import dev.gdn.ruleset.eval.Operators;
import dev.gdn.ruleset.eval.ProtoValues;
import dev.gdn.ruleset.json.JsonPointer;
import dev.gdn.ruleset.json.JsonReadException;
import dev.gdn.ruleset.json.JsonReader;
import dev.gdn.ruleset.proto.ArrayExpr;
import dev.gdn.ruleset.proto.Expr;
import dev.gdn.ruleset.proto.Flag;
import dev.gdn.ruleset.proto.FlagState;
import dev.gdn.ruleset.proto.Operation;
import dev.gdn.ruleset.proto.Operator;
import dev.gdn.ruleset.proto.Variant;
import dev.gdn.ruleset.proto.VariantType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compiles an OpenFeature flagd flag-definition file (SPEC §1) into protobuf {@link Flag}s.
 *
 * <p>All problems are collected and reported together, each located by JSON pointer; a file with any
 * problem produces nothing. {@code $ref}s are inlined, operators and their arity are checked, and
 * literal targeting results are checked against the flag's variants, so none of these can surprise
 * anyone at evaluation time.
 */
public final class FlagdCompiler {
    /** Flag files may nest rules deeper than evaluation contexts may nest data. */
    static final int MAX_FILE_DEPTH = 128;

    private static final Set<String> TOP_LEVEL = Set.of("$schema", "flags", "$evaluators", "metadata");
    private static final Set<String> FLAG_PROPERTIES = Set.of("state", "variants", "defaultVariant", "targeting", "metadata");
    private static final Set<String> SEM_VER_OPERATORS = Set.of("=", "!=", ">", "<", ">=", "<=", "~", "^");

    private final Set<CompileProblem> problems = new LinkedHashSet<>();
    private Map<String, Object> evaluators = Map.of();
    private final Deque<String> refStack = new ArrayDeque<>();

    private FlagdCompiler() {
    }

    public static FlagSet compile(String source) throws FlagFileException {
        return compile(source.getBytes(StandardCharsets.UTF_8));
    }

    public static FlagSet compile(byte[] source) throws FlagFileException {
        Object document;
        try {
            document = new JsonReader(MAX_FILE_DEPTH).read(source);
        } catch (JsonReadException e) {
            throw new FlagFileException(List.of(new CompileProblem("", e.getMessage())));
        }
        return new FlagdCompiler().compileDocument(document, sha256Hex(source));
    }

    private void problem(String pointer, String message) {
        problems.add(new CompileProblem(pointer, message));
    }

    @SuppressWarnings("unchecked")
    private FlagSet compileDocument(Object document, String sourceSha256) throws FlagFileException {
        if (!(document instanceof Map)) {
            problem("", "a flag file must be a JSON object with a \"flags\" property, not " + describe(document));
            throw new FlagFileException(new ArrayList<>(problems));
        }
        Map<String, Object> root = (Map<String, Object>) document;
        for (String key : root.keySet()) {
            if (!TOP_LEVEL.contains(key)) {
                problem(JsonPointer.append("", key), "unknown property (expected flags, $evaluators, metadata or $schema)");
            }
        }
        Object evals = root.get("$evaluators");
        if (evals != null) {
            if (evals instanceof Map) {
                evaluators = (Map<String, Object>) evals;
            } else {
                problem("/$evaluators", "must be an object of named rules, not " + describe(evals));
            }
        }
        Map<String, Object> setMetadata = metadata(root.get("metadata"), "/metadata");

        List<Flag> flags = new ArrayList<>();
        Object flagsNode = root.get("flags");
        if (flagsNode == null) {
            problem("/flags", "required property is missing");
        } else if (!(flagsNode instanceof Map)) {
            problem("/flags", "must be an object of flag key → flag, not " + describe(flagsNode));
        } else {
            Map<String, Object> sorted = new TreeMap<>((Map<String, Object>) flagsNode);
            for (Map.Entry<String, Object> e : sorted.entrySet()) {
                Flag f = compileFlag(e.getKey(), e.getValue(), JsonPointer.append("/flags", e.getKey()));
                if (f != null) {
                    flags.add(f);
                }
            }
        }
        // Evaluators no flag uses are still checked: a broken one is a bug waiting for its first $ref.
        for (Map.Entry<String, Object> e : evaluators.entrySet()) {
            refStack.push(e.getKey());
            compileExpr(e.getValue(), JsonPointer.append("/$evaluators", e.getKey()), null, false);
            refStack.pop();
        }
        if (!problems.isEmpty()) {
            throw new FlagFileException(new ArrayList<>(problems));
        }
        return new FlagSet(flags, ProtoValues.toProtoObject(setMetadata), sourceSha256);
    }

    /** Variant names and type of the flag being compiled, for checking literal targeting results. */
    private record FlagScope(String key, Set<String> variants) {
    }

    @SuppressWarnings("unchecked")
    private Flag compileFlag(String key, Object node, String ptr) {
        int before = problems.size();
        if (key.isEmpty()) {
            problem(ptr, "flag key must not be empty");
        }
        if (!(node instanceof Map)) {
            problem(ptr, "a flag must be an object, not " + describe(node));
            return null;
        }
        Map<String, Object> flag = (Map<String, Object>) node;
        for (String k : flag.keySet()) {
            if (!FLAG_PROPERTIES.contains(k)) {
                problem(JsonPointer.append(ptr, k),
                        "unknown flag property (expected state, variants, defaultVariant, targeting or metadata)");
            }
        }
        Flag.Builder b = Flag.newBuilder().setKey(key);

        Object state = flag.get("state");
        if (state == null && !flag.containsKey("state")) {
            problem(ptr + "/state", "required property is missing (ENABLED or DISABLED)");
        } else if ("ENABLED".equals(state)) {
            b.setState(FlagState.ENABLED);
        } else if ("DISABLED".equals(state)) {
            b.setState(FlagState.DISABLED);
        } else {
            problem(ptr + "/state", "must be \"ENABLED\" or \"DISABLED\", not " + describe(state));
        }

        Set<String> variantNames = new LinkedHashSet<>();
        Object variants = flag.get("variants");
        if (variants == null) {
            problem(ptr + "/variants", flag.containsKey("variants") ? "must be an object, not null" : "required property is missing");
        } else if (!(variants instanceof Map)) {
            problem(ptr + "/variants", "must be an object of variant name → value, not " + describe(variants));
        } else if (((Map<String, Object>) variants).isEmpty()) {
            problem(ptr + "/variants", "needs at least one variant");
        } else {
            VariantType type = null;
            String firstName = null;
            for (Map.Entry<String, Object> v : ((Map<String, Object>) variants).entrySet()) {
                String vptr = JsonPointer.append(ptr + "/variants", v.getKey());
                VariantType t = variantType(v.getValue());
                if (t == null) {
                    problem(vptr, "a variant value must be a boolean, string, number or object, not " + describe(v.getValue()));
                    continue;
                }
                if (type == null) {
                    type = t;
                    firstName = v.getKey();
                } else if (t != type) {
                    problem(vptr, "variant is " + withArticle(typeName(t)) + " but variant '" + firstName + "' is "
                            + withArticle(typeName(type)) + ": all variants of a flag must have one type");
                    continue;
                }
                variantNames.add(v.getKey());
                b.addVariants(Variant.newBuilder().setName(v.getKey()).setValue(ProtoValues.toProto(v.getValue())));
            }
            if (type != null) {
                b.setType(type);
            }
        }

        Object dv = flag.get("defaultVariant");
        if (dv instanceof String) {
            if (!variantNames.contains(dv) && variants instanceof Map && !((Map<String, Object>) variants).containsKey(dv)) {
                problem(ptr + "/defaultVariant", "'" + dv + "' is not a variant of this flag" + knownVariants(variantNames));
            }
            b.setDefaultVariant((String) dv);
        } else if (dv != null) {
            problem(ptr + "/defaultVariant", "must be a variant name or null, not " + describe(dv));
        }

        Object targeting = flag.get("targeting");
        if (targeting != null) {
            String tptr = ptr + "/targeting";
            if (!(targeting instanceof Map)) {
                problem(tptr, "must be a JSON Logic object, not " + describe(targeting));
            } else if (!((Map<String, Object>) targeting).isEmpty()) {
                Expr e = compileExpr(targeting, tptr, new FlagScope(key, variantNames), true);
                if (e != null) {
                    b.setTargeting(e);
                }
            }
        }

        Map<String, Object> md = metadata(flag.get("metadata"), ptr + "/metadata");
        b.setMetadata(ProtoValues.toProtoObject(md));
        return problems.size() == before ? b.build() : null;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> metadata(Object node, String ptr) {
        if (node == null) {
            return Map.of();
        }
        if (!(node instanceof Map)) {
            problem(ptr, "must be an object, not " + describe(node));
            return Map.of();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : ((Map<String, Object>) node).entrySet()) {
            Object v = e.getValue();
            if (v instanceof String || v instanceof Number || v instanceof Boolean) {
                out.put(e.getKey(), v);
            } else {
                problem(JsonPointer.append(ptr, e.getKey()), "metadata values must be strings, numbers or booleans, not " + describe(v));
            }
        }
        return out;
    }

    /**
     * Compiles one JSON Logic value.
     *
     * @param scope  the flag whose targeting this is, or null when compiling a shared evaluator on its own
     * @param result whether this value can be the rule's result (then a literal must name a variant)
     * @return the expression, or null when problems were recorded
     */
    @SuppressWarnings("unchecked")
    private Expr compileExpr(Object node, String ptr, FlagScope scope, boolean result) {
        if (node instanceof Map && ((Map<String, Object>) node).size() == 1) {
            Map.Entry<String, Object> op = ((Map<String, Object>) node).entrySet().iterator().next();
            return compileOperation(op.getKey(), op.getValue(), JsonPointer.append(ptr, op.getKey()), ptr, scope, result);
        }
        if (result && scope != null) {
            checkResultLiteral(node, ptr, scope);
        }
        if (node instanceof List) {
            List<Object> items = (List<Object>) node;
            List<Expr> compiled = new ArrayList<>(items.size());
            boolean computed = false;
            for (int i = 0; i < items.size(); i++) {
                Expr e = compileExpr(items.get(i), JsonPointer.append(ptr, i), scope, false);
                if (e == null) {
                    return null;
                }
                computed |= !e.hasLiteral();
                compiled.add(e);
            }
            if (computed) {
                return Expr.newBuilder().setArray(ArrayExpr.newBuilder().addAllItems(compiled)).build();
            }
        }
        // Scalars, arrays of literals, and objects with 0 or 2+ keys are data (JSON Logic's rule).
        return Expr.newBuilder().setLiteral(ProtoValues.toProto(node)).build();
    }

    private void checkResultLiteral(Object node, String ptr, FlagScope scope) {
        String name;
        if (node == null) {
            return; // null: the default variant applies
        } else if (node instanceof String) {
            name = (String) node;
        } else if (node instanceof Boolean) {
            name = node.toString();
        } else if (node instanceof Number) {
            name = node.toString();
        } else {
            problem(ptr, "a targeting result must be a variant name (or null), not " + describe(node));
            return;
        }
        if (!scope.variants().contains(name)) {
            problem(ptr, "targeting returns '" + name + "', which is not a variant of flag '" + scope.key() + "'"
                    + knownVariants(scope.variants()));
        }
    }

    @SuppressWarnings("unchecked")
    private Expr compileOperation(String name, Object rawArgs, String argsPtr, String opPtr, FlagScope scope, boolean result) {
        if ("$ref".equals(name)) {
            return compileRef(rawArgs, argsPtr, scope, result);
        }
        Operator op = Operators.byName(name);
        if (op == null) {
            problem(opPtr, "unknown operator '" + name + "'");
            return null;
        }
        List<Object> args;
        List<String> argPtrs = new ArrayList<>();
        if (rawArgs instanceof List) {
            args = (List<Object>) rawArgs;
            for (int i = 0; i < args.size(); i++) {
                argPtrs.add(JsonPointer.append(argsPtr, i));
            }
        } else {
            args = new ArrayList<>(1);
            args.add(rawArgs);
            argPtrs.add(argsPtr);
        }
        Operators.Arity arity = Operators.arity(op);
        if (!arity.accepts(args.size())) {
            problem(argsPtr, "'" + name + "' takes " + arity.describe() + ", got " + args.size());
            return null;
        }
        if (op == Operator.FRACTIONAL) {
            return compileFractional(args, argPtrs, argsPtr, scope, result);
        }
        boolean ok = true;
        Operation.Builder ob = Operation.newBuilder().setOperator(op);
        for (int i = 0; i < args.size(); i++) {
            boolean argIsResult = result && isResultArgument(op, i, args.size());
            Expr e = compileExpr(args.get(i), argPtrs.get(i), scope, argIsResult);
            if (e == null) {
                ok = false;
                continue;
            }
            ob.addArgs(e);
        }
        if (!ok) {
            return null;
        }
        if (op == Operator.VAR && !args.isEmpty()) { // {"var": []} is the whole data, like {"var": ""}
            checkVarPath(args.get(0), argPtrs.get(0));
        } else if (op == Operator.SEM_VER) {
            Object sop = args.get(1);
            if (!(sop instanceof Map) && !(sop instanceof String && SEM_VER_OPERATORS.contains(sop))) {
                problem(argPtrs.get(1), "sem_ver operator must be one of = != > < >= <= ~ ^, not " + describe(sop));
                return null;
            }
        }
        return Expr.newBuilder().setOperation(ob).build();
    }

    /** Which arguments of an operator flow into its result: the branches of if / ?:, the argument of log. */
    private static boolean isResultArgument(Operator op, int index, int count) {
        if (op == Operator.IF) {
            return index % 2 == 1 || index == count - 1;
        }
        return op == Operator.LOG;
    }

    private void checkVarPath(Object path, String ptr) {
        if (path instanceof Map && ((Map<?, ?>) path).size() == 1) {
            return; // computed path
        }
        if (!(path == null || path instanceof String || path instanceof Number)) {
            problem(ptr, "a var path must be a string or a number, not " + describe(path));
        }
    }

    private Expr compileRef(Object target, String ptr, FlagScope scope, boolean result) {
        if (!(target instanceof String)) {
            problem(ptr, "$ref must name an evaluator (a string), not " + describe(target));
            return null;
        }
        String name = (String) target;
        if (!evaluators.containsKey(name)) {
            problem(ptr, "$ref to missing evaluator '" + name + "'"
                    + (evaluators.isEmpty() ? " (the file has no $evaluators)" : " (defined: " + String.join(", ", evaluators.keySet()) + ")"));
            return null;
        }
        if (refStack.contains(name)) {
            problem(ptr, "$ref cycle: " + String.join(" → ", reversed(refStack)) + " → " + name);
            return null;
        }
        refStack.push(name);
        try {
            return compileExpr(evaluators.get(name), JsonPointer.append("/$evaluators", name), scope, result);
        } finally {
            refStack.pop();
        }
    }

    private static List<String> reversed(Deque<String> stack) {
        List<String> list = new ArrayList<>(stack);
        java.util.Collections.reverse(list);
        return list;
    }

    @SuppressWarnings("unchecked")
    private Expr compileFractional(List<Object> args, List<String> ptrs, String argsPtr, FlagScope scope, boolean result) {
        Operation.Builder ob = Operation.newBuilder().setOperator(Operator.FRACTIONAL);
        boolean ok = true;
        int start = 0;
        if (!(args.get(0) instanceof List)) {
            // An optional first expression that yields the bucketing string.
            Expr bucketBy = compileExpr(args.get(0), ptrs.get(0), scope, false);
            if (bucketBy == null) {
                ok = false;
            } else {
                ob.addArgs(bucketBy);
            }
            start = 1;
        }
        if (args.size() - start < 1) {
            problem(argsPtr, "fractional needs at least one [variant, weight] entry");
            return null;
        }
        boolean allLiteralZero = true;
        for (int i = start; i < args.size(); i++) {
            Object entry = args.get(i);
            String eptr = ptrs.get(i);
            if (!(entry instanceof List) || ((List<Object>) entry).isEmpty() || ((List<Object>) entry).size() > 2) {
                problem(eptr, "a fractional entry must be [variant, weight] or [variant], not " + describe(entry));
                ok = false;
                allLiteralZero = false;
                continue;
            }
            List<Object> parts = (List<Object>) entry;
            Expr nameExpr = compileExpr(parts.get(0), JsonPointer.append(eptr, 0), scope, result);
            Object weight = parts.size() > 1 ? parts.get(1) : null;
            Expr weightExpr = null;
            if (parts.size() > 1) {
                if (weight instanceof Number) {
                    if (((Number) weight).doubleValue() < 0) {
                        problem(JsonPointer.append(eptr, 1), "a weight must not be negative, got " + weight);
                        ok = false;
                    } else if (((Number) weight).doubleValue() >= 1) {
                        allLiteralZero = false;
                    }
                } else if (weight instanceof Map && ((Map<String, Object>) weight).size() == 1) {
                    allLiteralZero = false; // computed weight
                } else {
                    problem(JsonPointer.append(eptr, 1), "a weight must be a number or a rule, not " + describe(weight));
                    ok = false;
                }
                weightExpr = compileExpr(weight, JsonPointer.append(eptr, 1), scope, false);
            } else {
                allLiteralZero = false; // absent weight counts 1
            }
            if (nameExpr == null || (parts.size() > 1 && weightExpr == null)) {
                ok = false;
                continue;
            }
            ArrayExpr.Builder ab = ArrayExpr.newBuilder().addItems(nameExpr);
            if (weightExpr != null) {
                ab.addItems(weightExpr);
            }
            ob.addArgs(Expr.newBuilder().setArray(ab));
        }
        if (ok && allLiteralZero) {
            problem(argsPtr, "fractional weights sum to 0: no variant can ever be chosen");
            return null;
        }
        return ok ? Expr.newBuilder().setOperation(ob).build() : null;
    }

    private static VariantType variantType(Object v) {
        if (v instanceof Boolean) {
            return VariantType.BOOLEAN;
        }
        if (v instanceof String) {
            return VariantType.STRING;
        }
        if (v instanceof Number) {
            return VariantType.NUMBER;
        }
        if (v instanceof Map) {
            return VariantType.OBJECT;
        }
        return null;
    }

    private static String typeName(VariantType t) {
        return t.name().toLowerCase();
    }

    private static String withArticle(String noun) {
        return ("aeiou".indexOf(noun.charAt(0)) >= 0 ? "an " : "a ") + noun;
    }

    private static String knownVariants(Set<String> names) {
        return names.isEmpty() ? "" : " (variants: " + String.join(", ", names) + ")";
    }

    /** A short description of a JSON value for error messages. */
    static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String) {
            String s = (String) v;
            return "the string \"" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "\"";
        }
        if (v instanceof Boolean) {
            return "the boolean " + v;
        }
        if (v instanceof Number) {
            return "the number " + v;
        }
        if (v instanceof List) {
            return "an array";
        }
        return "an object";
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
