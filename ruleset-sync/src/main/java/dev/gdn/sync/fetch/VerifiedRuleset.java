package dev.gdn.sync.fetch;

import dev.gdn.ruleset.proto.Ruleset;
import java.time.Instant;

/**
 * A ruleset whose artifact verified (index hash, envelope hash, signature, environment and version).
 *
 * @param envelope the artifact bytes exactly as stored (what nodes cache on disk and serve for download)
 * @param source   the store it was read from
 */
public record VerifiedRuleset(Ruleset ruleset, byte[] envelope, String source, Instant verifiedAt) {
    public String environmentId() {
        return ruleset.getEnvironmentId();
    }

    public long version() {
        return ruleset.getVersion();
    }
}
