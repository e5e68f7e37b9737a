package dev.gdn.regions.world;

/** A world cannot start or be read: the message says what and where, for a person. */
public final class WorldException extends RuntimeException {
    public WorldException(String message) {
        super(message);
    }

    public WorldException(String message, Throwable cause) {
        super(message, cause);
    }
}
