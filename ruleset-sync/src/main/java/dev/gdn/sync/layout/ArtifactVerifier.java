package dev.gdn.sync.layout;

import dev.gdn.ruleset.envelope.EnvelopeException;
import dev.gdn.ruleset.envelope.Envelopes;
import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.ruleset.proto.IndexEntry;
import dev.gdn.ruleset.proto.Ruleset;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Checks artifact bytes before anything uses them: the SHA-256 the index promised, then the envelope's
 * own hash and signature against trusted keys, then that the ruleset inside is the environment and
 * version the index says (so an old artifact replayed under a new name is refused).
 */
public final class ArtifactVerifier {
    private ArtifactVerifier() {
    }

    /** Why an artifact was refused. */
    public static final class RejectedArtifact extends Exception {
        private static final long serialVersionUID = 1L;
        private final String reason;

        public RejectedArtifact(String reason, String message) {
            super(reason + ": " + message);
            this.reason = reason;
        }

        /** A short machine-readable reason (metric label): HASH_MISMATCH, BAD_SIGNATURE, WRONG_CONTENT, ... */
        public String reason() {
            return reason;
        }
    }

    public static Ruleset verify(byte[] bytes, IndexEntry entry, TrustedKeys trusted) throws RejectedArtifact {
        if (!entry.getArtifactSha256().isEmpty()
                && !MessageDigest.isEqual(sha256(bytes), entry.getArtifactSha256().toByteArray())) {
            throw new RejectedArtifact("INDEX_HASH_MISMATCH", "artifact (" + bytes.length
                    + " bytes) does not match the SHA-256 in the index (corrupted, truncated or replaced)");
        }
        return verify(bytes, entry.getEnvironmentId(), entry.getVersion(), trusted);
    }

    /** Verifies an artifact expected to hold {@code environmentId} at {@code version}. */
    public static Ruleset verify(byte[] bytes, String environmentId, long version, TrustedKeys trusted) throws RejectedArtifact {
        Ruleset r;
        try {
            r = Envelopes.verifyRuleset(bytes, trusted);
        } catch (EnvelopeException e) {
            throw new RejectedArtifact(e.reason().name(), e.getMessage());
        }
        if (!r.getEnvironmentId().equals(environmentId) || r.getVersion() != version) {
            throw new RejectedArtifact("WRONG_CONTENT", "artifact holds " + r.getEnvironmentId() + " v" + r.getVersion()
                    + ", expected " + environmentId + " v" + version);
        }
        return r;
    }

    public static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
