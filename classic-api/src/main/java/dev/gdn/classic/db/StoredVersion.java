package dev.gdn.classic.db;

import dev.gdn.ruleset.proto.Ruleset;

/** A row of {@code ruleset_versions}: the compiled ruleset and the flag file it came from. */
public record StoredVersion(Ruleset ruleset, String source) {
}
