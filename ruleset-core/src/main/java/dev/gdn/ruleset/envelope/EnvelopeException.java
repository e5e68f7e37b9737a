package dev.gdn.ruleset.envelope;

/** An envelope that must not be used, and why. */
public final class EnvelopeException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why an envelope was rejected. */
    public enum Reason {
        /** Not a readable envelope at all (garbage, or cut off mid-field). */
        MALFORMED,
        /** The bytes end early: a truncated download or write. */
        TRUNCATED,
        /** No signature or no key id. */
        UNSIGNED,
        /** Signed by a key id that is not trusted here. */
        UNKNOWN_KEY,
        /** The payload does not match its SHA-256 (a flipped or missing byte). */
        HASH_MISMATCH,
        /** The hash matches but the signature does not verify (tampered or forged). */
        BAD_SIGNATURE,
        /** A valid envelope carrying something other than what was asked for. */
        WRONG_PAYLOAD_TYPE,
        /** A verified payload that does not parse (signed garbage). */
        BAD_PAYLOAD
    }

    private final Reason reason;

    public EnvelopeException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public EnvelopeException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
