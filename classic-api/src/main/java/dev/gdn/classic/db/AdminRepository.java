package dev.gdn.classic.db;

import com.google.protobuf.ByteString;
import dev.gdn.ruleset.apikey.ApiKeys;
import dev.gdn.ruleset.compile.FlagSet;
import dev.gdn.ruleset.proto.ApiKeyHash;
import dev.gdn.ruleset.proto.ApiKeyKind;
import dev.gdn.ruleset.proto.Ruleset;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The control plane's data: environments, API keys and ruleset versions. A new version (upload,
 * rollback, key or origin change) is allocated under a row lock on its environment, so concurrent
 * writers never share a version number nor lose an update, and is committed in the same transaction
 * as its NOTIFY on {@link Database#VERSIONS_CHANNEL}.
 */
public final class AdminRepository {
    private final Transactions tx;
    private final Clock clock;

    public AdminRepository(DataSource ds, Clock clock) {
        this.tx = new Transactions(ds);
        this.clock = clock;
    }

    // ------------------------------------------------------------------ rows

    public record EnvironmentRow(String id, List<String> allowedOrigins, Instant createdAt, long currentVersion) {
    }

    public record KeyRow(long id, ApiKeyKind kind, String name, String sha256Prefix, Instant createdAt, Instant revokedAt) {
    }

    public record VersionRow(String environmentId, long version, String change, String author, String comment, Instant createdAt) {
    }

    /** A new key: the secret exists only here, and the version that made it effective (0: no flags uploaded yet). */
    public record CreatedKey(long id, String secret, ApiKeyKind kind, String name, long version) {
    }

    // ------------------------------------------------------------------ environments

    public EnvironmentRow createEnvironment(String id, List<String> allowedOrigins) {
        return tx.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into environments (id, allowed_origins) values (?, ?) on conflict (id) do nothing returning created_at")) {
                ps.setString(1, id);
                ps.setArray(2, c.createArrayOf("text", allowedOrigins.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new ConflictException("environment '" + id + "' already exists", 0);
                    }
                    return new EnvironmentRow(id, List.copyOf(allowedOrigins), rs.getTimestamp(1).toInstant(), 0);
                }
            }
        });
    }

    public List<EnvironmentRow> environments() {
        return tx.run(c -> {
            List<EnvironmentRow> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select e.id, e.allowed_origins, e.created_at,"
                    + " coalesce((select max(version) from ruleset_versions v where v.environment_id = e.id), 0)"
                    + " from environments e order by e.id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new EnvironmentRow(rs.getString(1), strings(rs.getArray(2)), rs.getTimestamp(3).toInstant(), rs.getLong(4)));
                }
            }
            return out;
        });
    }

    private static List<String> strings(Array a) throws SQLException {
        return a == null ? List.of() : List.of((String[]) a.getArray());
    }

    /** Replaces the environment's allowed origins; a new version carries them when one exists. */
    public long setAllowedOrigins(String env, List<String> origins, String author) {
        return tx.run(c -> {
            lockEnvironment(c, env);
            try (PreparedStatement ps = c.prepareStatement("update environments set allowed_origins = ? where id = ?")) {
                ps.setArray(1, c.createArrayOf("text", origins.toArray()));
                ps.setString(2, env);
                ps.executeUpdate();
            }
            return newVersionFromLatest(c, env, "origins", author, "allowed origins: " + String.join(" ", origins));
        });
    }

    // ------------------------------------------------------------------ keys

    public CreatedKey createKey(String env, ApiKeyKind kind, String name, String author) {
        String secret = ApiKeys.newSecret(kind);
        return tx.run(c -> {
            lockEnvironment(c, env);
            long id;
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into api_keys (environment_id, kind, name, sha256) values (?, ?, ?, ?) returning id")) {
                ps.setString(1, env);
                ps.setString(2, kind.name().toLowerCase());
                ps.setString(3, name);
                ps.setBytes(4, ApiKeys.sha256(secret));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            long version = newVersionFromLatest(c, env, "keys", author, "created " + kind.name().toLowerCase() + " key " + id);
            return new CreatedKey(id, secret, kind, name, version);
        });
    }

    /** Revokes a key: the next version (committed with the revocation) no longer carries its hash. */
    public long revokeKey(String env, long keyId, String author) {
        return tx.run(c -> {
            lockEnvironment(c, env);
            try (PreparedStatement ps = c.prepareStatement(
                    "update api_keys set revoked_at = now() where id = ? and environment_id = ? and revoked_at is null")) {
                ps.setLong(1, keyId);
                ps.setString(2, env);
                if (ps.executeUpdate() == 0) {
                    throw new NotFoundException("no active key " + keyId + " in environment '" + env + "'");
                }
            }
            return newVersionFromLatest(c, env, "keys", author, "revoked key " + keyId);
        });
    }

    public List<KeyRow> keys(String env) {
        return tx.run(c -> {
            requireEnvironment(c, env);
            List<KeyRow> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "select id, kind, name, sha256, created_at, revoked_at from api_keys where environment_id = ? order by id")) {
                ps.setString(1, env);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Timestamp revoked = rs.getTimestamp(6);
                        out.add(new KeyRow(rs.getLong(1), ApiKeyKind.valueOf(rs.getString(2).toUpperCase()), rs.getString(3),
                                HexFormat.of().formatHex(rs.getBytes(4), 0, 6), rs.getTimestamp(5).toInstant(),
                                revoked == null ? null : revoked.toInstant()));
                    }
                }
            }
            return out;
        });
    }

    // ------------------------------------------------------------------ versions

    /**
     * Stores an uploaded flag file as the next version.
     *
     * @param ifMatch the version the uploader based their change on, or null for "whatever is current"
     * @throws ConflictException when {@code ifMatch} is not the current version (409)
     */
    public VersionRow upload(String env, String source, FlagSet flags, Long ifMatch, String author, String comment) {
        return tx.run(c -> {
            List<String> origins = lockEnvironment(c, env);
            long current = currentVersion(c, env);
            checkIfMatch(env, ifMatch, current);
            long v = current + 1;
            Ruleset r = flags.toRuleset(env, v, clock.millis(), activeKeys(c, env)).toBuilder().addAllAllowedOrigins(origins).build();
            return insertVersion(c, r, "upload", source, author, comment);
        });
    }

    /** A new, higher version with the flags of an older one (and today's keys and origins). */
    public VersionRow rollback(String env, long toVersion, Long ifMatch, String author, String comment) {
        return tx.run(c -> {
            List<String> origins = lockEnvironment(c, env);
            long current = currentVersion(c, env);
            checkIfMatch(env, ifMatch, current);
            StoredVersion old = VersionQueries.load(c, env, toVersion).orElseThrow(() -> new NotFoundException(
                    "environment '" + env + "' has no version " + toVersion));
            Ruleset r = old.ruleset().toBuilder().setVersion(current + 1).setCreatedAtMillis(clock.millis())
                    .clearApiKeys().addAllApiKeys(activeKeys(c, env)).clearAllowedOrigins().addAllAllowedOrigins(origins).build();
            return insertVersion(c, r, "rollback", old.source(), author,
                    comment.isEmpty() ? "rollback to v" + toVersion : comment);
        });
    }

    private static void checkIfMatch(String env, Long ifMatch, long current) {
        if (ifMatch != null && ifMatch != current) {
            throw new ConflictException("environment '" + env + "' is at version " + current + ", not " + ifMatch
                    + ": another change landed first; fetch it, merge, and retry with If-Match: " + current, current);
        }
    }

    /** After a key or origin change: the latest flags again under a new version; 0 when nothing was uploaded yet. */
    private long newVersionFromLatest(Connection c, String env, String change, String author, String comment) throws SQLException {
        long current = currentVersion(c, env);
        if (current == 0) {
            return 0;
        }
        StoredVersion latest = VersionQueries.load(c, env, current).orElseThrow();
        List<String> origins = origins(c, env);
        Ruleset r = latest.ruleset().toBuilder().setVersion(current + 1).setCreatedAtMillis(clock.millis())
                .clearApiKeys().addAllApiKeys(activeKeys(c, env)).clearAllowedOrigins().addAllAllowedOrigins(origins).build();
        return insertVersion(c, r, change, latest.source(), author, comment).version();
    }

    private VersionRow insertVersion(Connection c, Ruleset r, String change, String source, String author, String comment)
            throws SQLException {
        Timestamp now = new Timestamp(r.getCreatedAtMillis());
        try (PreparedStatement ps = c.prepareStatement("insert into ruleset_versions"
                + " (environment_id, version, change, flagd_source, compiled, author, comment, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, r.getEnvironmentId());
            ps.setLong(2, r.getVersion());
            ps.setString(3, change);
            ps.setString(4, source);
            ps.setBytes(5, r.toByteArray());
            ps.setString(6, author);
            ps.setString(7, comment);
            ps.setTimestamp(8, now);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("select pg_notify(?, ?)")) {
            ps.setString(1, Database.VERSIONS_CHANNEL);
            ps.setString(2, r.getEnvironmentId() + ":" + r.getVersion());
            ps.execute();
        }
        return new VersionRow(r.getEnvironmentId(), r.getVersion(), change, author, comment, now.toInstant());
    }

    /** Locks the environment row (serializing version allocation) and returns its allowed origins. */
    private static List<String> lockEnvironment(Connection c, String env) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select allowed_origins from environments where id = ? for update")) {
            ps.setString(1, env);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new NotFoundException("no environment '" + env + "'");
                }
                return strings(rs.getArray(1));
            }
        }
    }

    private static void requireEnvironment(Connection c, String env) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select 1 from environments where id = ?")) {
            ps.setString(1, env);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new NotFoundException("no environment '" + env + "'");
                }
            }
        }
    }

    private static List<String> origins(Connection c, String env) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select allowed_origins from environments where id = ?")) {
            ps.setString(1, env);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? strings(rs.getArray(1)) : List.of();
            }
        }
    }

    private static long currentVersion(Connection c, String env) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select coalesce(max(version), 0) from ruleset_versions where environment_id = ?")) {
            ps.setString(1, env);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static List<ApiKeyHash> activeKeys(Connection c, String env) throws SQLException {
        List<ApiKeyHash> keys = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "select kind, name, sha256 from api_keys where environment_id = ? and revoked_at is null order by id")) {
            ps.setString(1, env);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(ApiKeyHash.newBuilder().setKind(ApiKeyKind.valueOf(rs.getString(1).toUpperCase()))
                            .setName(rs.getString(2)).setSha256(ByteString.copyFrom(rs.getBytes(3))).build());
                }
            }
        }
        return keys;
    }

    public List<VersionRow> versions(String env) {
        return tx.run(c -> {
            requireEnvironment(c, env);
            List<VersionRow> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select version, change, author, comment, created_at"
                    + " from ruleset_versions where environment_id = ? order by version desc")) {
                ps.setString(1, env);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new VersionRow(env, rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getTimestamp(5).toInstant()));
                    }
                }
            }
            return out;
        });
    }

    /** A version with the flag file it was uploaded as (GET .../versions/{v}), or empty. */
    public Optional<StoredVersion> version(String env, long version) {
        return tx.run(c -> VersionQueries.load(c, env, version));
    }
}
