package dev.gdn.classic.db;

/** The database could not be reached or failed: nothing was written (the transaction rolled back). */
public final class DatabaseUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
