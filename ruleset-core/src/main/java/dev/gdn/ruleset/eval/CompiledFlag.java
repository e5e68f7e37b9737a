package dev.gdn.ruleset.eval;

import dev.gdn.ruleset.proto.Flag;
import dev.gdn.ruleset.proto.FlagState;
import dev.gdn.ruleset.proto.Variant;
import dev.gdn.ruleset.proto.VariantType;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One flag, ready to evaluate: every answer that does not depend on the context is built in advance. */
final class CompiledFlag {
    final String key;
    final VariantType type;
    private final boolean disabled;
    private final Node targeting;                     // null: static
    private final Map<String, FlagResult> matchByVariant;
    private final FlagResult fixedResult;             // DISABLED or STATIC
    private final FlagResult defaultResult;           // targeting returned null
    private final Map<String, Object> metadata;

    /** @param shared the ruleset's built evaluators, which the targeting may refer to */
    CompiledFlag(Flag flag, Map<String, Object> flagSetMetadata, Node[] shared) {
        this.key = flag.getKey();
        this.type = flag.getType();
        Map<String, Object> merged = new LinkedHashMap<>(flagSetMetadata);
        merged.putAll(ProtoValues.toJava(flag.getMetadata()));
        this.metadata = Collections.unmodifiableMap(merged);
        this.disabled = flag.getState() == FlagState.DISABLED;

        // The artifact's variant order: precomputed answers come out in the same order on every server.
        Map<String, FlagResult> byVariant = new LinkedHashMap<>();
        Map<String, Object> values = new HashMap<>();
        for (Variant v : flag.getVariantsList()) {
            Object value = ProtoValues.toJava(v.getValue());
            String name = v.getName().intern(); // matched by identity against interned rule literals
            values.put(name, value);
            byVariant.put(name, FlagResult.success(key, value, name, Reason.TARGETING_MATCH, metadata));
        }
        this.matchByVariant = byVariant;
        String dv = flag.hasDefaultVariant() ? flag.getDefaultVariant() : null;
        if (dv != null && !values.containsKey(dv)) {
            throw new IllegalArgumentException("flag '" + key + "': defaultVariant '" + dv + "' is not a variant");
        }
        this.defaultResult = dv == null
                ? FlagResult.success(key, null, null, Reason.DEFAULT, metadata)
                : FlagResult.success(key, values.get(dv), dv, Reason.DEFAULT, metadata);
        if (disabled) {
            this.fixedResult = FlagResult.success(key, null, null, Reason.DISABLED, metadata);
            this.targeting = null;
        } else if (!flag.getTargetingError().isEmpty()) {
            // SPEC §1: a rule flagd cannot parse (unknown operator, $ref to a missing evaluator) fails every evaluation
            this.fixedResult = FlagResult.error(key, ErrorCode.PARSE_ERROR,
                    "targeting rule cannot be evaluated: " + flag.getTargetingError(), metadata);
            this.targeting = null;
        } else if (!flag.hasTargeting()) {
            // no default variant: nothing static to serve, so the caller's default with reason DEFAULT (flagd)
            this.fixedResult = dv == null
                    ? defaultResult
                    : FlagResult.success(key, values.get(dv), dv, Reason.STATIC, metadata);
            this.targeting = null;
        } else {
            this.fixedResult = null;
            this.targeting = NodeBuilder.build(flag.getTargeting(), shared);
        }
    }

    FlagResult evaluate(Frame frame) {
        if (fixedResult != null) {
            return fixedResult;
        }
        Object result;
        try {
            result = targeting.eval(frame.forFlag(key), frame.context);
        } catch (RuntimeException | StackOverflowError e) {
            return FlagResult.error(key, ErrorCode.PARSE_ERROR,
                    "targeting rule failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()),
                    metadata);
        }
        if (result == null) {
            return defaultResult;
        }
        String variant;
        if (result instanceof String) {
            variant = (String) result;
        } else if (result instanceof Boolean || result instanceof Number) {
            variant = JsSemantics.toJsString(result);
        } else {
            return FlagResult.error(key, ErrorCode.GENERAL,
                    "targeting returned " + (result instanceof Map ? "an object" : "an array") + ", not a variant name",
                    metadata);
        }
        FlagResult r = matchByVariant.get(variant);
        if (r == null) {
            return FlagResult.error(key, ErrorCode.GENERAL,
                    "targeting returned '" + variant + "', which is not a variant of this flag", metadata);
        }
        return r;
    }

    boolean disabled() {
        return disabled;
    }

    /** Every answer built in advance (shared instances), for callers that pre-encode them. */
    void collectPrecomputed(List<FlagResult> out) {
        if (fixedResult != null) {
            out.add(fixedResult);
        }
        out.add(defaultResult);
        out.addAll(matchByVariant.values());
    }
}
