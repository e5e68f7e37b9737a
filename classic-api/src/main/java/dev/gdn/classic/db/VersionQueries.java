package dev.gdn.classic.db;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.gdn.ruleset.envelope.Envelopes;
import dev.gdn.ruleset.proto.Ruleset;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The reads of stored versions that the admin side, evaluation and the sync daemon all make, inside
 * whatever transaction the caller runs.
 */
final class VersionQueries {
    private VersionQueries() {
    }

    static Optional<StoredVersion> load(Connection c, String env, long version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select compiled, flagd_source from ruleset_versions where environment_id = ? and version = ?")) {
            ps.setString(1, env);
            ps.setLong(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new StoredVersion(parse(rs.getBytes(1)), rs.getString(2)));
            }
        }
    }

    static Ruleset parse(byte[] bytes) {
        try {
            return Envelopes.parseRuleset(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a stored ruleset does not parse: " + e.getMessage(), e);
        }
    }

    /** The newest version of every environment that has one. */
    static Map<String, Long> latestVersions(Connection c) throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "select environment_id, max(version) from ruleset_versions group by environment_id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }

    /** The signed artifact of a version, once the sync daemon has made it. */
    static Optional<byte[]> signedArtifact(Connection c, String env, long version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select envelope from signed_artifacts where environment_id = ? and version = ?")) {
            ps.setString(1, env);
            ps.setLong(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
            }
        }
    }
}
