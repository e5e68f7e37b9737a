package dev.gdn.ruleset.compile;

import dev.gdn.ruleset.eval.Operators;
import dev.gdn.ruleset.eval.ProtoValues;
import dev.gdn.ruleset.json.JsonPointer;
import dev.gdn.ruleset.json.JsonReadException;
import dev.gdn.ruleset.json.JsonReader;
import dev.gdn.ruleset.proto.ArrayExpr;
import dev.gdn.ruleset.proto.Evaluator;
import dev.gdn.ruleset.proto.Expr;
import dev.gdn.ruleset.proto.Flag;
import dev.gdn.ruleset.proto.FlagState;
import dev.gdn.ruleset.proto.Operation;
import dev.gdn.ruleset.proto.Operator;
import dev.gdn.ruleset.proto.Value;
import dev.gdn.ruleset.proto.Variant;
import dev.gdn.ruleset.proto.VariantType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
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
 * <p>Every problem is collected and reported together, each located by JSON pointer. File errors
 * (malformed JSON, no {@code flags} object, a flag without variants or with mixed variant types, a
 * {@code defaultVariant} that names no variant, a {@code $ref} cycle) reject the file. Flag warnings leave
 * it valid and are isolated to their flag, which is compiled to evaluate exactly as flagd does: wrong
 * operator arity or an invalid {@code sem_ver} operator → that operation yields {@code null}; an unknown
 * operator or a {@code $ref} to a missing evaluator → the flag evaluates to {@code PARSE_ERROR}; a literal
 * result that names no variant → {@code GENERAL} when that branch is reached; odd fractional weights →
 * flagd's result. Each {@code $evaluators} entry is compiled once and shared by every rule that names it.
 */
public final class FlagdCompiler {
    /** Flag files may nest rules deeper than evaluation contexts may nest data. */
    static final int MAX_FILE_DEPTH = 128;
    /** Operation levels a rule may nest, counted through {@code $ref}: evaluation recursion stays far from the stack's end. */
    static final int MAX_RULE_DEPTH = 128;
    /**
     * Operations and values one rule may expand to, counted through {@code $ref} (each counts the whole rule it
     * names): what a single evaluation can visit outside loops. Real rules have hundreds; a chain of
     * evaluators each naming the next several times ("billion laughs") has astronomically many.
     */
    static final long MAX_RULE_NODES = 100_000;
    /** flagd's bound on fractional weights and on their sum (so {@code hash * total} fits in a signed long). */
    static final long MAX_FRACTIONAL_WEIGHT = Integer.MAX_VALUE;

    private static final Set<String> TOP_LEVEL = Set.of("$schema", "flags", "$evaluators", "metadata");
    private static final Set<String> FLAG_PROPERTIES = Set.of("state", "variants", "defaultVariant", "targeting", "metadata");
    private static final Set<String> SEM_VER_OPERATORS = Set.of("=", "!=", ">", "<", ">=", "<=", "~", "^");
    private static final Expr NULL = Expr.newBuilder().setLiteral(Value.newBuilder().setNullValue(true)).build();

    private final Set<CompileProblem> problems = new LinkedHashSet<>();
    private Map<String, Object> evaluatorSources = Map.of();
    private final Map<String, CompiledEvaluator> evaluators = new HashMap<>();
    private final List<Evaluator> evaluatorTable = new ArrayList<>();

    private FlagdCompiler() {
    }

    public static FlagSet compile(String source) throws FlagFileException {
        return compile(source.getBytes(StandardCharsets.UTF_8));
    }

    /** The compiled flags and their warnings; throws when there is a file error. */
    public static FlagSet compile(byte[] source) throws FlagFileException {
        return compile(source, false);
    }

    /**
     * @param strict whether flag warnings are errors too ({@code --strict}: a flag repository's CI refuses them)
     */
    public static FlagSet compile(byte[] source, boolean strict) throws FlagFileException {
        CompileReport report = check(source);
        if (report.hasErrors()) {
            throw new FlagFileException(report.problems());
        }
        if (strict && !report.problems().isEmpty()) {
            throw new FlagFileException(report.problems().stream().map(CompileProblem::asError).toList());
        }
        return report.flagSet();
    }

    /** Every problem in the file, and the flags when it has no file error. Never throws for any input. */
    public static CompileReport check(byte[] source) {
        Object document;
        try {
            document = new JsonReader(MAX_FILE_DEPTH).read(source);
        } catch (JsonReadException e) {
            return new CompileReport(List.of(CompileProblem.error("", e.getMessage())), null);
        }
        return new FlagdCompiler().compileDocument(document, sha256Hex(source));
    }

    private void error(String pointer, String message) {
        problems.add(CompileProblem.error(pointer, message));
    }

    private void warning(String pointer, String message) {
        problems.add(CompileProblem.warning(pointer, message));
    }

    @SuppressWarnings("unchecked")
    private CompileReport compileDocument(Object document, String sourceSha256) {
        if (!(document instanceof Map)) {
            error("", "a flag file must be a JSON object with a \"flags\" property, not " + describe(document));
            return new CompileReport(new ArrayList<>(problems), null);
        }
        Map<String, Object> root = (Map<String, Object>) document;
        for (String key : root.keySet()) {
            if (!TOP_LEVEL.contains(key)) {
                warning(JsonPointer.append("", key), "unknown property, ignored (expected flags, $evaluators, metadata or $schema)");
            }
        }
        Object evals = root.get("$evaluators");
        if (evals instanceof Map) {
            evaluatorSources = (Map<String, Object>) evals;
        } else if (evals != null) {
            error("/$evaluators", "must be an object of named rules, not " + describe(evals));
        }
        Map<String, Object> setMetadata = metadata(root.get("metadata"), "/metadata");
        compileEvaluators();

        List<Flag> flags = new ArrayList<>();
        Object flagsNode = root.get("flags");
        if (flagsNode == null) {
            error("/flags", root.containsKey("flags") ? "must be an object of flag key → flag, not null" : "required property is missing");
        } else if (!(flagsNode instanceof Map)) {
            error("/flags", "must be an object of flag key → flag, not " + describe(flagsNode));
        } else {
            Map<String, Object> sorted = new TreeMap<>((Map<String, Object>) flagsNode);
            for (Map.Entry<String, Object> e : sorted.entrySet()) {
                Flag f = compileFlag(e.getKey(), e.getValue(), JsonPointer.append("/flags", e.getKey()));
                if (f != null) {
                    flags.add(f);
                }
            }
        }
        List<CompileProblem> all = sortedByPointer(problems);
        if (all.stream().anyMatch(CompileProblem::isError)) {
            return new CompileReport(all, null);
        }
        List<CompileProblem> warnings = all;
        return new CompileReport(all, new FlagSet(flags, evaluatorTable, ProtoValues.toProtoObject(setMetadata), sourceSha256, warnings));
    }

    /** Problems in document order of their pointers (flags are compiled in key order, evaluators on first use). */
    private static List<CompileProblem> sortedByPointer(Set<CompileProblem> problems) {
        List<CompileProblem> list = new ArrayList<>(problems);
        // stable: problems at one pointer keep the order they were found in
        list.sort((a, b) -> section(a.pointer()) - section(b.pointer()));
        return list;
    }

    /** Top-level order: the document itself, unknown properties, $evaluators, flags, metadata. */
    private static int section(String pointer) {
        if (pointer.startsWith("/$evaluators")) {
            return 1;
        }
        if (pointer.startsWith("/flags")) {
            return 2;
        }
        if (pointer.startsWith("/metadata")) {
            return 3;
        }
        return 0;
    }

    /** Where a rule's possible results go: checked against a flag's variants, or collected for an evaluator. */
    private interface Results {
        void literal(String pointer, Object value);
    }

    /** What compiling one rule learns besides its expression. */
    private static final class RuleState {
        /** Why the rule cannot be evaluated at all (flag evaluates to PARSE_ERROR), or null. */
        String parseError;
        /** The level being compiled, and the deepest reached, counted through $ref. */
        int depth;
        int maxDepth;
        /** Expressions visited, counted through $ref (saturating), and whether a named evaluator alone was too big. */
        long nodes;
        boolean refTooBig;

        void cannotEvaluate(String why) {
            if (parseError == null) {
                parseError = why;
            }
        }

        void add(long n) {
            nodes = Math.min(nodes + n, Long.MAX_VALUE / 4);
        }
    }

    /** A literal an evaluator may return, with where it is, to check against each flag that returns the evaluator. */
    private record ResultLiteral(String pointer, Object value) {
    }

    /**
     * An {@code $evaluators} entry, compiled once: {@code $ref}s to it are {@code Expr.evaluator = index}.
     *
     * @param parseError why it cannot be evaluated, or null
     * @param results    the literals it may return
     * @param depth      the levels it nests, through its own $refs
     * @param nodes      the expressions it expands to, through its own $refs
     */
    private record CompiledEvaluator(int index, String parseError, List<ResultLiteral> results, int depth, long nodes) {
    }

    /** A {@code {"$ref": target}} inside an evaluator, at {@code pointer} (the $ref's own). */
    private record RefSite(String target, String pointer) {
    }

    /**
     * Compiles every {@code $evaluators} entry once, each after the entries it names (found by an explicit-stack
     * depth-first walk, so a chain of any length cannot exhaust the stack); a $ref that closes a cycle is a
     * file error. Evaluators no flag uses are checked too: a broken one is a bug waiting for its first $ref.
     */
    private void compileEvaluators() {
        Map<String, List<RefSite>> refs = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : evaluatorSources.entrySet()) {
            List<RefSite> sites = new ArrayList<>();
            collectRefs(e.getValue(), JsonPointer.append("/$evaluators", e.getKey()), sites);
            refs.put(e.getKey(), sites);
        }
        Map<String, Boolean> done = new HashMap<>(); // false: on the current path
        List<String> order = new ArrayList<>();
        for (String root : refs.keySet()) {
            if (done.containsKey(root)) {
                continue;
            }
            Deque<String> path = new ArrayDeque<>();
            Deque<Integer> next = new ArrayDeque<>();
            path.push(root);
            next.push(0);
            done.put(root, false);
            while (!path.isEmpty()) {
                String current = path.peek();
                int i = next.pop();
                List<RefSite> sites = refs.get(current);
                if (i < sites.size()) {
                    next.push(i + 1);
                    RefSite site = sites.get(i);
                    Boolean state = done.get(site.target());
                    if (state == null) {
                        done.put(site.target(), false);
                        path.push(site.target());
                        next.push(0);
                    } else if (!state) {
                        error(site.pointer(), "$ref cycle: " + cycle(path, site.target()));
                    }
                } else {
                    path.pop();
                    done.put(current, true);
                    order.add(current);
                }
            }
        }
        for (String name : order) {
            compileEvaluator(name);
        }
    }

    /** The {@code $ref}s a rule contains (where compiling it would follow them), to evaluators that exist. */
    @SuppressWarnings("unchecked")
    private void collectRefs(Object node, String ptr, List<RefSite> out) {
        if (node instanceof Map && ((Map<String, Object>) node).size() == 1) {
            Map.Entry<String, Object> op = ((Map<String, Object>) node).entrySet().iterator().next();
            String opPtr = JsonPointer.append(ptr, op.getKey());
            if ("$ref".equals(op.getKey())) {
                if (op.getValue() instanceof String && evaluatorSources.containsKey(op.getValue())) {
                    out.add(new RefSite((String) op.getValue(), opPtr));
                }
                return;
            }
            collectRefs(op.getValue(), opPtr, out);
        } else if (node instanceof List) {
            List<Object> items = (List<Object>) node;
            for (int i = 0; i < items.size(); i++) {
                collectRefs(items.get(i), JsonPointer.append(ptr, i), out);
            }
        }
    }

    /** "a → b → a": the path from {@code target} to the top of the walk, closed by the $ref back to it. */
    private static String cycle(Deque<String> path, String target) {
        List<String> names = new ArrayList<>(path);
        Collections.reverse(names);
        List<String> loop = new ArrayList<>(names.subList(names.indexOf(target), names.size()));
        loop.add(target);
        return String.join(" → ", loop);
    }

    private void compileEvaluator(String name) {
        String ptr = JsonPointer.append("/$evaluators", name);
        List<ResultLiteral> results = new ArrayList<>();
        RuleState rule = new RuleState();
        Expr e = compileExpr(evaluatorSources.get(name), ptr, (p, v) -> results.add(new ResultLiteral(p, v)), rule);
        checkSize(rule, ptr);
        int index = evaluatorTable.size();
        evaluatorTable.add(Evaluator.newBuilder().setName(name).setRule(e).build());
        evaluators.put(name, new CompiledEvaluator(index, rule.parseError, Collections.unmodifiableList(results),
                rule.maxDepth, rule.nodes));
    }

    /** A located error when a whole rule expands beyond {@link #MAX_RULE_NODES} (once: where the limit is first crossed). */
    private void checkSize(RuleState rule, String ptr) {
        if (rule.nodes > MAX_RULE_NODES && !rule.refTooBig) {
            error(ptr, "the rule expands to " + (rule.nodes >= Long.MAX_VALUE / 4 ? "too many" : String.valueOf(rule.nodes))
                    + " operations and values through its $refs, more than " + MAX_RULE_NODES
                    + " (each $ref counts the whole rule it names)");
        }
    }

    @SuppressWarnings("unchecked")
    private Flag compileFlag(String key, Object node, String ptr) {
        if (key.isEmpty()) {
            error(ptr, "flag key must not be empty");
        }
        if (!(node instanceof Map)) {
            error(ptr, "a flag must be an object, not " + describe(node));
            return null;
        }
        Map<String, Object> flag = (Map<String, Object>) node;
        for (String k : flag.keySet()) {
            if (!FLAG_PROPERTIES.contains(k)) {
                warning(JsonPointer.append(ptr, k),
                        "unknown flag property, ignored (expected state, variants, defaultVariant, targeting or metadata)");
            }
        }
        Flag.Builder b = Flag.newBuilder().setKey(key);

        Object state = flag.get("state");
        if (state == null && !flag.containsKey("state")) {
            error(ptr + "/state", "required property is missing (ENABLED or DISABLED)");
        } else if ("ENABLED".equals(state)) {
            b.setState(FlagState.ENABLED);
        } else if ("DISABLED".equals(state)) {
            b.setState(FlagState.DISABLED);
        } else {
            error(ptr + "/state", "must be \"ENABLED\" or \"DISABLED\", not " + describe(state));
        }

        Set<String> variantNames = new LinkedHashSet<>();
        Object variants = flag.get("variants");
        if (variants == null) {
            error(ptr + "/variants", flag.containsKey("variants") ? "must be an object, not null" : "required property is missing");
        } else if (!(variants instanceof Map)) {
            error(ptr + "/variants", "must be an object of variant name → value, not " + describe(variants));
        } else if (((Map<String, Object>) variants).isEmpty()) {
            error(ptr + "/variants", "needs at least one variant");
        } else {
            VariantType type = null;
            String firstName = null;
            for (Map.Entry<String, Object> v : ((Map<String, Object>) variants).entrySet()) {
                String vptr = JsonPointer.append(ptr + "/variants", v.getKey());
                VariantType t = variantType(v.getValue());
                if (t == null) {
                    error(vptr, "a variant value must be a boolean, string, number or object, not " + describe(v.getValue()));
                    continue;
                }
                if (type == null) {
                    type = t;
                    firstName = v.getKey();
                } else if (t != type) {
                    error(vptr, "variant is " + withArticle(typeName(t)) + " but variant '" + firstName + "' is "
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
                error(ptr + "/defaultVariant", "'" + dv + "' is not a variant of this flag" + knownVariants(variantNames));
            }
            b.setDefaultVariant((String) dv);
        } else if (dv != null) {
            error(ptr + "/defaultVariant", "must be a variant name or null, not " + describe(dv));
        }

        if (flag.containsKey("targeting")) {
            Object targeting = flag.get("targeting");
            String tptr = ptr + "/targeting";
            if (!(targeting instanceof Map) && targeting != null) {
                // flagd applies whatever JSON is there as JSON Logic: a scalar is its own result.
                warning(tptr, "should be a JSON Logic object, not " + describe(targeting) + ": it is evaluated as JSON Logic data");
            }
            if (!(targeting instanceof Map && ((Map<String, Object>) targeting).isEmpty())) {
                FlagScope scope = new FlagScope(key, variantNames);
                RuleState rule = new RuleState();
                Expr e = compileExpr(targeting, tptr, (p, v) -> checkResultLiteral(v, p, scope), rule);
                checkSize(rule, tptr);
                if (rule.parseError != null) {
                    b.setTargetingError(rule.parseError);
                } else {
                    b.setTargeting(e);
                }
            }
        }

        Map<String, Object> md = metadata(flag.get("metadata"), ptr + "/metadata");
        b.setMetadata(ProtoValues.toProtoObject(md));
        return b.build();
    }

    /** Variant names of the flag being compiled, for checking literal targeting results. */
    private record FlagScope(String key, Set<String> variants) {
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> metadata(Object node, String ptr) {
        if (node == null) {
            return Map.of();
        }
        if (!(node instanceof Map)) {
            warning(ptr, "must be an object, not " + describe(node) + ": ignored");
            return Map.of();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : ((Map<String, Object>) node).entrySet()) {
            Object v = e.getValue();
            if (v instanceof String || v instanceof Number || v instanceof Boolean) {
                out.put(e.getKey(), v);
            } else {
                warning(JsonPointer.append(ptr, e.getKey()),
                        "metadata values must be strings, numbers or booleans, not " + describe(v) + ": this entry is left out");
            }
        }
        return out;
    }

    /**
     * Compiles one JSON Logic value. Problems are recorded, and the rule is compiled to what flagd makes
     * of it: never null.
     *
     * @param results where this value's possible results go, or null when it is not a result of the rule
     */
    private Expr compileExpr(Object node, String ptr, Results results, RuleState rule) {
        rule.depth++;
        rule.maxDepth = Math.max(rule.maxDepth, rule.depth);
        rule.add(1);
        try {
            return compileValue(node, ptr, results, rule);
        } finally {
            rule.depth--;
        }
    }

    @SuppressWarnings("unchecked")
    private Expr compileValue(Object node, String ptr, Results results, RuleState rule) {
        if (node instanceof Map && ((Map<String, Object>) node).size() == 1) {
            Map.Entry<String, Object> op = ((Map<String, Object>) node).entrySet().iterator().next();
            return compileOperation(op.getKey(), op.getValue(), JsonPointer.append(ptr, op.getKey()), results, rule);
        }
        if (results != null) {
            results.literal(ptr, node);
        }
        if (node instanceof List) {
            List<Object> items = (List<Object>) node;
            List<Expr> compiled = new ArrayList<>(items.size());
            boolean computed = false;
            for (int i = 0; i < items.size(); i++) {
                Expr e = compileExpr(items.get(i), JsonPointer.append(ptr, i), null, rule);
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
        } else if (node instanceof Boolean || node instanceof Number) {
            name = node.toString();
        } else {
            warning(ptr, "a targeting result must be a variant name (or null), not " + describe(node)
                    + ": flag '" + scope.key() + "' evaluates to GENERAL when this is reached");
            return;
        }
        if (!scope.variants().contains(name)) {
            warning(ptr, "targeting returns '" + name + "', which is not a variant of flag '" + scope.key() + "'"
                    + knownVariants(scope.variants()) + ": GENERAL when this is reached");
        }
    }

    @SuppressWarnings("unchecked")
    private Expr compileOperation(String name, Object rawArgs, String argsPtr, Results results, RuleState rule) {
        if ("$ref".equals(name)) {
            return compileRef(rawArgs, argsPtr, results, rule);
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
        Operator op = Operators.byName(name);
        if (op == null) {
            warning(argsPtr, "unknown operator '" + name + "': the flag evaluates to PARSE_ERROR");
            rule.cannotEvaluate("unknown operator '" + name + "' at " + argsPtr);
            compileForDiagnostics(args, argPtrs, rule);
            return NULL;
        }
        Operators.Arity arity = Operators.arity(op);
        if (!arity.accepts(args.size())) {
            warning(argsPtr, "'" + name + "' takes " + arity.describe() + ", got " + args.size() + ": the operation yields null");
            compileForDiagnostics(args, argPtrs, rule);
            return NULL;
        }
        if (op == Operator.FRACTIONAL) {
            return compileFractional(args, argPtrs, argsPtr, results, rule);
        }
        Operation.Builder ob = Operation.newBuilder().setOperator(op);
        for (int i = 0; i < args.size(); i++) {
            boolean argIsResult = results != null && isResultArgument(op, i, args.size());
            ob.addArgs(compileExpr(args.get(i), argPtrs.get(i), argIsResult ? results : null, rule));
        }
        if (op == Operator.VAR && !args.isEmpty()) { // {"var": []} is the whole data, like {"var": ""}
            checkVarPath(args.get(0), argPtrs.get(0));
        } else if (op == Operator.SEM_VER) {
            Object sop = args.get(1);
            if (!(sop instanceof Map && ((Map<String, Object>) sop).size() == 1)
                    && !(sop instanceof String && SEM_VER_OPERATORS.contains(sop))) {
                warning(argPtrs.get(1), "sem_ver operator must be one of = != > < >= <= ~ ^, not " + describe(sop)
                        + ": the operation yields null");
                return NULL;
            }
        }
        return Expr.newBuilder().setOperation(ob).build();
    }

    /** Compiles arguments that will not be used, so problems inside them are still reported. */
    private void compileForDiagnostics(List<Object> args, List<String> ptrs, RuleState rule) {
        for (int i = 0; i < args.size(); i++) {
            compileExpr(args.get(i), ptrs.get(i), null, rule);
        }
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
            warning(ptr, "a var path should be a string or a number, not " + describe(path)
                    + ": it is read as JavaScript's String() of it");
        }
    }

    private Expr compileRef(Object target, String ptr, Results results, RuleState rule) {
        if (!(target instanceof String)) {
            warning(ptr, "$ref must name an evaluator (a string), not " + describe(target) + ": the flag evaluates to PARSE_ERROR");
            rule.cannotEvaluate("$ref to " + describe(target) + " at " + ptr);
            return NULL;
        }
        String name = (String) target;
        if (!evaluatorSources.containsKey(name)) {
            warning(ptr, "$ref to missing evaluator '" + name + "'"
                    + (evaluatorSources.isEmpty() ? " (the file has no $evaluators)" : " (defined: " + String.join(", ", evaluatorSources.keySet()) + ")")
                    + ": the flag evaluates to PARSE_ERROR");
            rule.cannotEvaluate("$ref to missing evaluator '" + name + "' at " + ptr);
            return NULL;
        }
        CompiledEvaluator ev = evaluators.get(name);
        if (ev == null) {
            return NULL; // this $ref closes a cycle: a file error, reported where it was found
        }
        if (ev.parseError() != null) {
            rule.cannotEvaluate(ev.parseError());
        }
        if (results != null) {
            for (ResultLiteral r : ev.results()) {
                results.literal(r.pointer(), r.value());
            }
        }
        // The $ref stands where the evaluator's root would: its levels and size count here, once per $ref.
        int depth = rule.depth - 1 + ev.depth();
        rule.maxDepth = Math.max(rule.maxDepth, depth);
        if (depth > MAX_RULE_DEPTH && ev.depth() <= MAX_RULE_DEPTH) {
            error(ptr, "rules nest " + depth + " levels deep through this $ref to '" + name + "', more than " + MAX_RULE_DEPTH);
        }
        rule.add(ev.nodes());
        rule.refTooBig |= ev.nodes() > MAX_RULE_NODES;
        return Expr.newBuilder().setEvaluator(ev.index()).build();
    }

    /**
     * {@code fractional [bucketBy?, [variant, weight?], ...]} compiled to what flagd does with it: entries
     * flagd cannot parse, non-integral weights and weights (or sums) beyond 2^31-1 make the operation yield
     * null; negative weights count 0 and all-zero weights yield null at evaluation.
     */
    @SuppressWarnings("unchecked")
    private Expr compileFractional(List<Object> args, List<String> ptrs, String argsPtr, Results results, RuleState rule) {
        Operation.Builder ob = Operation.newBuilder().setOperator(Operator.FRACTIONAL);
        int start = 0;
        if (!(args.get(0) instanceof List)) {
            // An optional first expression that yields the bucketing string.
            ob.addArgs(compileExpr(args.get(0), ptrs.get(0), null, rule));
            start = 1;
        }
        if (args.size() - start < 1) {
            warning(argsPtr, "fractional needs at least one [variant, weight] entry: the operation yields null");
            return NULL;
        }
        boolean valid = true;
        boolean allLiteral = true;
        long literalSum = 0;
        for (int i = start; i < args.size(); i++) {
            Object entry = args.get(i);
            String eptr = ptrs.get(i);
            if (!(entry instanceof List) || ((List<Object>) entry).isEmpty()) {
                warning(eptr, "a fractional entry must be [variant, weight] or [variant], not "
                        + (entry instanceof List ? "an empty array" : describe(entry)) + ": the operation yields null");
                valid = false;
                continue;
            }
            List<Object> parts = (List<Object>) entry;
            if (parts.size() > 2) {
                warning(JsonPointer.append(eptr, 2), "a fractional entry is [variant, weight]: the items after the weight are ignored");
            }
            Object name = parts.get(0);
            String nptr = JsonPointer.append(eptr, 0);
            boolean computedName = name instanceof Map && ((Map<String, Object>) name).size() == 1;
            if (!computedName && !(name == null || name instanceof String || name instanceof Boolean || name instanceof Number)) {
                warning(nptr, "a fractional variant must be a string, boolean, number or null (or a rule), not "
                        + describe(name) + ": the operation yields null");
                valid = false;
            }
            Expr nameExpr = compileExpr(name, nptr, results, rule);
            ArrayExpr.Builder ab = ArrayExpr.newBuilder().addItems(nameExpr);
            if (parts.size() > 1 && parts.get(1) != null) { // a null weight counts 1, like an absent one
                Object weight = parts.get(1);
                String wptr = JsonPointer.append(eptr, 1);
                if (weight instanceof Number) {
                    double w = ((Number) weight).doubleValue();
                    if (w != Math.rint(w)) {
                        warning(wptr, "a weight must be a whole number, not " + weight + ": the operation yields null");
                        valid = false;
                    } else if (w > MAX_FRACTIONAL_WEIGHT) {
                        warning(wptr, "a weight must be at most " + MAX_FRACTIONAL_WEIGHT + ", not " + weight + ": the operation yields null");
                        valid = false;
                    } else if (w < 0) {
                        warning(wptr, "a negative weight counts 0, got " + weight);
                    } else {
                        literalSum += (long) w;
                    }
                } else if (weight instanceof Map && ((Map<String, Object>) weight).size() == 1) {
                    allLiteral = false; // computed: checked at evaluation
                } else {
                    warning(wptr, "a weight must be a number or a rule, not " + describe(weight) + ": the operation yields null");
                    valid = false;
                }
                ab.addItems(compileExpr(weight, wptr, null, rule));
            } else {
                literalSum += 1;
            }
            ob.addArgs(Expr.newBuilder().setArray(ab));
        }
        if (!valid) {
            return NULL;
        }
        if (allLiteral && literalSum > MAX_FRACTIONAL_WEIGHT) {
            warning(argsPtr, "fractional weights sum to " + literalSum + ", more than " + MAX_FRACTIONAL_WEIGHT
                    + ": the operation yields null");
            return NULL;
        }
        if (allLiteral && literalSum == 0) {
            warning(argsPtr, "fractional weights sum to 0: the operation yields null (the default variant)");
        }
        return Expr.newBuilder().setOperation(ob).build();
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
