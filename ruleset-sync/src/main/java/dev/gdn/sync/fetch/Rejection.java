package dev.gdn.sync.fetch;

import java.time.Instant;

/** An object a reader refused: which store, which key, and why. */
public record Rejection(String store, String key, String reason, String message, Instant at) {
    @Override
    public String toString() {
        return store + " " + key + ": " + message;
    }
}
