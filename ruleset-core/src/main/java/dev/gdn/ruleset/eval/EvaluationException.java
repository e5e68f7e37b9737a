package dev.gdn.ruleset.eval;

/** A targeting rule failed while evaluating (reported as PARSE_ERROR, per SPEC §2). */
final class EvaluationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    EvaluationException(String message) {
        super(message, null, false, false);
    }
}
