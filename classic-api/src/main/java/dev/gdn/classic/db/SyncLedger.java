package dev.gdn.classic.db;

import dev.gdn.ruleset.envelope.Envelopes;
import dev.gdn.ruleset.envelope.SigningKey;
import dev.gdn.ruleset.proto.Ruleset;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The sync daemon's bookkeeping in PostgreSQL: which store holds which version
 * ({@code publications}), each version's signed artifact (signed once, {@code signed_artifacts}),
 * how far each store lags, and the leader lock that lets only one daemon publish.
 */
public final class SyncLedger {
    /** The session advisory lock key of the leading daemon: "gdn-sync". */
    static final long LEADER_LOCK = 0x67646e2d73796e63L;

    private final Transactions tx;

    public SyncLedger(DataSource ds) {
        this.tx = new Transactions(ds);
    }

    public record VersionRef(String environmentId, long version) {
    }

    /**
     * How far one store is behind the source of truth.
     *
     * @param versions       committed versions the store has not got (all environments)
     * @param oldestMissing  when the oldest of them was committed, or null when the store has every version
     */
    public record StoreLag(long versions, Instant oldestMissing) {
    }

    /** A committed version and its signed artifact. */
    public record SignedVersion(Ruleset ruleset, byte[] envelope) {
    }

    /**
     * Takes the leader lock on {@code session} if no other daemon holds it. The lock is a session lock:
     * it lasts exactly as long as that connection, so it must be a dedicated one, never a pooled one.
     */
    public boolean tryLead(Connection session) throws SQLException {
        try (Statement st = session.createStatement();
             ResultSet rs = st.executeQuery("select pg_try_advisory_lock(" + LEADER_LOCK + ")")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** Versions some of these stores have not got, in environment and version order. */
    public List<VersionRef> unpublished(List<String> stores) {
        return tx.run(c -> {
            List<VersionRef> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select v.environment_id, v.version from ruleset_versions v"
                    + " where (select count(*) from publications p where p.environment_id = v.environment_id"
                    + " and p.version = v.version and p.store = any (?)) < ? order by v.environment_id, v.version")) {
                ps.setArray(1, c.createArrayOf("text", stores.toArray()));
                ps.setInt(2, stores.size());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new VersionRef(rs.getString(1), rs.getLong(2)));
                    }
                }
            }
            return out;
        });
    }

    /** Per store, the committed versions it has not got yet (one query for all stores). */
    public Map<String, StoreLag> storeLag(List<String> stores) {
        return tx.run(c -> {
            Map<String, StoreLag> out = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("select s.store, count(v.version), min(v.created_at)"
                    + " from unnest(?) as s(store) left join ruleset_versions v on not exists (select 1 from publications p"
                    + " where p.environment_id = v.environment_id and p.version = v.version and p.store = s.store)"
                    + " group by s.store")) {
                ps.setArray(1, c.createArrayOf("text", stores.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Timestamp oldest = rs.getTimestamp(3);
                        out.put(rs.getString(1), new StoreLag(rs.getLong(2), oldest == null ? null : oldest.toInstant()));
                    }
                }
            }
            return out;
        });
    }

    /** The newest committed version of every environment: what every node should serve. */
    public Map<String, Long> latestVersions() {
        return tx.run(VersionQueries::latestVersions);
    }

    /**
     * A version with its signed artifact, signing it on first use only. Later calls (and other daemons)
     * get the same bytes, so re-publication is idempotent even across key rotation.
     */
    public SignedVersion signedVersion(String env, long version, SigningKey key) {
        return tx.run(c -> {
            StoredVersion s = VersionQueries.load(c, env, version).orElseThrow(() -> new NotFoundException(env + " v" + version));
            Optional<byte[]> existing = VersionQueries.signedArtifact(c, env, version);
            if (existing.isPresent()) {
                return new SignedVersion(s.ruleset(), existing.get());
            }
            try (PreparedStatement ps = c.prepareStatement("insert into signed_artifacts (environment_id, version, key_id, envelope)"
                    + " values (?, ?, ?, ?) on conflict do nothing")) {
                ps.setString(1, env);
                ps.setLong(2, version);
                ps.setString(3, key.keyId());
                ps.setBytes(4, Envelopes.sign(s.ruleset(), key).toByteArray());
                ps.executeUpdate();
            }
            // ours, or a racing daemon's
            return new SignedVersion(s.ruleset(), VersionQueries.signedArtifact(c, env, version).orElseThrow());
        });
    }

    public void recordPublication(String env, long version, List<String> stores) {
        if (stores.isEmpty()) {
            return;
        }
        tx.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into publications (environment_id, version, store) values (?, ?, ?) on conflict do nothing")) {
                for (String store : stores) {
                    ps.setString(1, env);
                    ps.setLong(2, version);
                    ps.setString(3, store);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** Which stores hold a version. */
    public List<String> publishedTo(String env, long version) {
        return tx.run(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "select store from publications where environment_id = ? and version = ? order by store")) {
                ps.setString(1, env);
                ps.setLong(2, version);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return out;
        });
    }
}
