package dev.gdn.ruleset.eval;

import java.util.Map;
import java.util.Objects;

/**
 * The caller's evaluation context: a JSON object (plain Java values), conventionally with a
 * {@code targetingKey}. Never modified by evaluation.
 */
public record EvaluationContext(Map<String, Object> attributes) {
    public EvaluationContext {
        Objects.requireNonNull(attributes, "attributes");
    }

    public static EvaluationContext empty() {
        return new EvaluationContext(Map.of());
    }

    public static EvaluationContext of(Map<String, Object> attributes) {
        return new EvaluationContext(attributes);
    }

    /** The targetingKey when it is a string, else null. */
    public String targetingKey() {
        Object tk = attributes.get("targetingKey");
        return tk instanceof String ? (String) tk : null;
    }
}
