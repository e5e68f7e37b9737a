package dev.gdn.regions.cdn;

/** A POP could not be started or asked: one line that says what and where, meant for a user. */
public final class CdnException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CdnException(String message) {
        super(message);
    }

    public CdnException(String message, Throwable cause) {
        super(message, cause);
    }
}
