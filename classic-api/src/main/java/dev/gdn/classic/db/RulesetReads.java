package dev.gdn.classic.db;

import dev.gdn.ruleset.proto.Ruleset;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * What evaluation reads from PostgreSQL: the versions to serve, an older version a request pins, and
 * the signed artifact once the sync daemon has made it. Never writes.
 */
public final class RulesetReads {
    private final Transactions tx;

    public RulesetReads(DataSource ds) {
        this.tx = new Transactions(ds);
    }

    /** Per environment, the newest version and the one before it (for pinning), oldest first. */
    public Map<String, List<Ruleset>> latestTwoPerEnvironment() {
        return tx.run(c -> {
            Map<String, List<Ruleset>> out = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("select environment_id, compiled from ("
                    + " select environment_id, version, compiled,"
                    + " row_number() over (partition by environment_id order by version desc) as rank"
                    + " from ruleset_versions) v where rank <= 2 order by environment_id, version");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(VersionQueries.parse(rs.getBytes(2)));
                }
            }
            return out;
        });
    }

    /** The newest version of every environment (cheap; the periodic check behind NOTIFY). */
    public Map<String, Long> latestVersions() {
        return tx.run(VersionQueries::latestVersions);
    }

    public Optional<StoredVersion> version(String env, long version) {
        return tx.run(c -> VersionQueries.load(c, env, version));
    }

    /** The signed artifact of a version if the sync daemon has made it (never signs here). */
    public Optional<byte[]> existingSignedArtifact(String env, long version) {
        return tx.run(c -> VersionQueries.signedArtifact(c, env, version));
    }
}
