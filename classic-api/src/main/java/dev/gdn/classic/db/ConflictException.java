package dev.gdn.classic.db;

/** A write that lost a race or broke a rule: another version landed first, an id exists already. */
public final class ConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long currentVersion;

    public ConflictException(String message, long currentVersion) {
        super(message);
        this.currentVersion = currentVersion;
    }

    public long currentVersion() {
        return currentVersion;
    }
}
