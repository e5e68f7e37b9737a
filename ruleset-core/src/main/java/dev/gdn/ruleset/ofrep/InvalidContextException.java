package dev.gdn.ruleset.ofrep;

/** A request body or context that cannot be evaluated with (OFREP: 400 INVALID_CONTEXT). */
public final class InvalidContextException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidContextException(String message) {
        super(message);
    }
}
