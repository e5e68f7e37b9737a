package dev.gdn.classic.db;

/** An environment, version or key that does not exist. */
public final class NotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
        super(message);
    }
}
