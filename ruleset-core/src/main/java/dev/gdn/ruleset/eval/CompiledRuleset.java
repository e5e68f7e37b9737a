package dev.gdn.ruleset.eval;

import dev.gdn.ruleset.proto.Evaluator;
import dev.gdn.ruleset.proto.Expr;
import dev.gdn.ruleset.proto.Flag;
import dev.gdn.ruleset.proto.Ruleset;
import dev.gdn.ruleset.proto.VariantType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A ruleset ready to evaluate: built once when a ruleset is loaded, then shared by every request
 * (immutable, thread-safe). The one evaluator every GDN server and SDK uses, so the same version and
 * context give the same answer everywhere.
 */
public final class CompiledRuleset {
    private final Ruleset ruleset;
    private final CompiledFlag[] flags;
    private final Map<String, CompiledFlag> byKey;
    private final Map<String, Object> metadata;
    private final boolean readsTime;
    private final int sharedCount;

    private CompiledRuleset(Ruleset ruleset) {
        this.ruleset = ruleset;
        this.metadata = ProtoValues.toJava(ruleset.getMetadata());
        // Shared evaluators first, each once, in order: a rule may only name those before it, so no
        // reference can loop, and nesting through references is bounded before anything evaluates.
        List<Evaluator> evaluators = ruleset.getEvaluatorsList();
        RuleFacts.Facts[] facts = new RuleFacts.Facts[evaluators.size()];
        Node[] shared = new Node[evaluators.size()];
        for (int i = 0; i < shared.length; i++) {
            Expr rule = evaluators.get(i).getRule();
            facts[i] = checkedFacts(rule, facts, "evaluator '" + evaluators.get(i).getName() + "'");
            shared[i] = new DataNodes.Shared(i, NodeBuilder.build(rule, shared), facts[i].readsFlagKey());
        }
        this.sharedCount = shared.length;
        List<CompiledFlag> list = new ArrayList<>(ruleset.getFlagsCount());
        Map<String, CompiledFlag> map = new HashMap<>(ruleset.getFlagsCount() * 2);
        boolean time = false;
        for (Flag f : ruleset.getFlagsList()) {
            if (f.hasTargeting()) {
                time |= checkedFacts(f.getTargeting(), facts, "flag '" + f.getKey() + "'").readsTime();
            }
            CompiledFlag cf = new CompiledFlag(f, metadata, shared);
            if (map.put(cf.key, cf) != null) {
                throw new IllegalArgumentException("duplicate flag key '" + cf.key + "'");
            }
            list.add(cf);
        }
        this.flags = list.toArray(new CompiledFlag[0]);
        this.byKey = map;
        this.readsTime = time;
    }

    private static RuleFacts.Facts checkedFacts(Expr rule, RuleFacts.Facts[] evaluators, String what) {
        RuleFacts.Facts f = RuleFacts.of(rule, evaluators);
        if (f.depth() > NodeBuilder.MAX_DEPTH) {
            throw new IllegalArgumentException(what + " nests " + f.depth() + " levels through its $refs, more than "
                    + NodeBuilder.MAX_DEPTH);
        }
        return f;
    }

    /**
     * Whether some rule may read {@code $flagd.timestamp}: only then can the same version and context
     * give different answers at different times (caches and ETags must then look at the answer itself).
     */
    public boolean mayReadTime() {
        return readsTime;
    }

    /**
     * The results evaluation hands out as shared instances for the flag at {@code index} (key order):
     * its static, disabled, default and per-variant answers. Nearly every answer is one of these, so
     * servers can encode each once per version.
     */
    public List<FlagResult> precomputedResults(int index) {
        List<FlagResult> out = new ArrayList<>(4);
        flags[index].collectPrecomputed(out);
        return out;
    }

    /**
     * Builds the executable form.
     *
     * @throws IllegalArgumentException when the ruleset is structurally invalid (unknown operator,
     *                                  bad arity, unknown default variant): never from a compiler-made ruleset
     */
    public static CompiledRuleset of(Ruleset ruleset) {
        return new CompiledRuleset(ruleset);
    }

    public Ruleset ruleset() {
        return ruleset;
    }

    public String environmentId() {
        return ruleset.getEnvironmentId();
    }

    public long version() {
        return ruleset.getVersion();
    }

    /** Flag-set metadata. */
    public Map<String, Object> metadata() {
        return metadata;
    }

    public int flagCount() {
        return flags.length;
    }

    public boolean hasFlag(String key) {
        return byKey.containsKey(key);
    }

    public FlagResult evaluate(String flagKey, EvaluationContext context) {
        return evaluate(flagKey, context, nowSeconds());
    }

    /** @param timestamp Unix seconds, the value of {@code $flagd.timestamp} */
    public FlagResult evaluate(String flagKey, EvaluationContext context, long timestamp) {
        CompiledFlag flag = byKey.get(flagKey);
        if (flag == null) {
            return FlagResult.error(flagKey, ErrorCode.FLAG_NOT_FOUND, "flag '" + flagKey + "' not found", Map.of());
        }
        return flag.evaluate(new Frame(context.attributes(), timestamp, sharedCount));
    }

    /** A typed evaluation (OpenFeature style): TYPE_MISMATCH when the flag's variants have another type. */
    public FlagResult evaluate(String flagKey, EvaluationContext context, VariantType expected, long timestamp) {
        CompiledFlag flag = byKey.get(flagKey);
        if (flag != null && !flag.disabled() && flag.type != expected) {
            return FlagResult.error(flagKey, ErrorCode.TYPE_MISMATCH,
                    "flag '" + flagKey + "' is of type " + flag.type.name().toLowerCase() + ", not "
                            + expected.name().toLowerCase(), Map.of());
        }
        return evaluate(flagKey, context, timestamp);
    }

    /** Every flag, in key order. */
    public List<FlagResult> evaluateAll(EvaluationContext context) {
        return evaluateAll(context, nowSeconds());
    }

    public List<FlagResult> evaluateAll(EvaluationContext context, long timestamp) {
        FlagResult[] out = new FlagResult[flags.length];
        evaluateAll(context, timestamp, out);
        return Arrays.asList(out);
    }

    /**
     * Every flag into {@code out} (its length must be {@link #flagCount()}): {@code out[i]} is the answer of
     * the flag at index {@code i} in key order. For servers that encode answers per flag without a list.
     */
    public void evaluateAll(EvaluationContext context, long timestamp, FlagResult[] out) {
        if (out.length != flags.length) {
            throw new IllegalArgumentException("need room for " + flags.length + " answers, not " + out.length);
        }
        Frame frame = new Frame(context.attributes(), timestamp, sharedCount);
        for (int i = 0; i < out.length; i++) {
            out[i] = flags[i].evaluate(frame);
        }
    }

    private static long nowSeconds() {
        return System.currentTimeMillis() / 1000;
    }
}
