package dev.gdn.classic.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.ruleset.apikey.ApiKeys;
import dev.gdn.ruleset.proto.ApiKeyHash;
import dev.gdn.ruleset.proto.ApiKeyKind;
import dev.gdn.ruleset.proto.Ruleset;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

class AdminRepositoryTest extends DatabaseTest {
    @Test
    void environmentsAreCreatedOnceAndListedWithTheirCurrentVersion() {
        admin.createEnvironment("prod", List.of("https://a.example"));
        admin.createEnvironment("dev", List.of());
        assertEquals(0, assertThrows(ConflictException.class, () -> admin.createEnvironment("prod", List.of())).currentVersion());
        upload("prod", "a");
        upload("prod", "b");

        List<AdminRepository.EnvironmentRow> envs = admin.environments();
        assertEquals(List.of("dev", "prod"), envs.stream().map(AdminRepository.EnvironmentRow::id).toList());
        assertEquals(0, envs.get(0).currentVersion());
        assertEquals(2, envs.get(1).currentVersion());
        assertEquals(List.of("https://a.example"), envs.get(1).allowedOrigins());
    }

    @Test
    void keysAndOriginsMakeANewVersionOnceFlagsExist() {
        admin.createEnvironment("prod", List.of());
        AdminRepository.CreatedKey early = admin.createKey("prod", ApiKeyKind.CLIENT, "web", "alice");
        assertEquals(0, early.version(), "no flags yet: nothing to re-version");

        AdminRepository.VersionRow v1 = upload("prod", "a");
        Ruleset first = admin.version("prod", 1).orElseThrow().ruleset();
        assertEquals(List.of(hash(early.secret())), first.getApiKeysList().stream().map(ApiKeyHash::getSha256).toList());

        AdminRepository.CreatedKey server = admin.createKey("prod", ApiKeyKind.SERVER, "backend", "bob");
        assertEquals(v1.version() + 1, server.version());
        long revoked = admin.revokeKey("prod", early.id(), "bob");
        assertEquals(server.version() + 1, revoked);
        long origins = admin.setAllowedOrigins("prod", List.of("https://app.example"), "bob");
        assertEquals(revoked + 1, origins);

        Ruleset latest = admin.version("prod", origins).orElseThrow().ruleset();
        assertEquals(List.of(hash(server.secret())), latest.getApiKeysList().stream().map(ApiKeyHash::getSha256).toList());
        assertEquals(List.of("https://app.example"), latest.getAllowedOriginsList());
        assertEquals(first.getSourceSha256(), latest.getSourceSha256(), "the same flags under the new version");
        assertEquals(List.of("origins", "keys", "keys", "upload"),
                admin.versions("prod").stream().map(AdminRepository.VersionRow::change).toList());

        List<AdminRepository.KeyRow> keys = admin.keys("prod");
        assertEquals(2, keys.size());
        assertNotNull(keys.get(0).revokedAt());
        assertNull(keys.get(1).revokedAt());
        assertEquals(12, keys.get(1).sha256Prefix().length());
        assertThrows(NotFoundException.class, () -> admin.revokeKey("prod", early.id(), "bob"), "revoked once only");
        assertThrows(NotFoundException.class, () -> admin.keys("nope"));
    }

    private static com.google.protobuf.ByteString hash(String secret) {
        return com.google.protobuf.ByteString.copyFrom(ApiKeys.sha256(secret));
    }

    @Test
    void aStaleIfMatchIsAConflictAndWritesNothing() {
        admin.createEnvironment("prod", List.of());
        upload("prod", "a");
        upload("prod", "b", 1L);
        ConflictException e = assertThrows(ConflictException.class, () -> upload("prod", "a", 1L));
        assertEquals(2, e.currentVersion());
        assertEquals(2, admin.versions("prod").size());
        assertThrows(NotFoundException.class, () -> upload("nope", "a"));
    }

    @Test
    void rollbackIsANewVersionWithTheOldFlagsAndTodaysKeys() {
        admin.createEnvironment("prod", List.of());
        upload("prod", "a");
        upload("prod", "b");
        AdminRepository.CreatedKey key = admin.createKey("prod", ApiKeyKind.CLIENT, "", "alice"); // v3

        AdminRepository.VersionRow back = admin.rollback("prod", 1, 3L, "alice", "");
        assertEquals(4, back.version());
        assertEquals("rollback to v1", back.comment());
        StoredVersion v4 = admin.version("prod", 4).orElseThrow();
        StoredVersion v1 = admin.version("prod", 1).orElseThrow();
        assertEquals(v1.source(), v4.source());
        assertEquals(v1.ruleset().getSourceSha256(), v4.ruleset().getSourceSha256());
        assertEquals(List.of(hash(key.secret())), v4.ruleset().getApiKeysList().stream().map(ApiKeyHash::getSha256).toList());
        assertThrows(NotFoundException.class, () -> admin.rollback("prod", 9, null, "alice", ""));
        assertThrows(ConflictException.class, () -> admin.rollback("prod", 1, 3L, "alice", ""));
    }

    @Test
    void concurrentWritersGetConsecutiveVersionsAndNoneIsLost() throws Exception {
        admin.createEnvironment("prod", List.of());
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Callable<Long>> writes = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String variant = i % 2 == 0 ? "a" : "b";
                writes.add(() -> upload("prod", variant).version());
            }
            List<Long> versions = new ArrayList<>();
            for (Future<Long> f : pool.invokeAll(writes)) {
                versions.add(f.get());
            }
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L), versions.stream().sorted().toList());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void everyCommittedVersionIsAnnouncedOnTheVersionsChannelAndAFailedWriteIsNot() throws Exception {
        admin.createEnvironment("prod", List.of());
        try (Connection listener = db.dedicatedConnection()) {
            try (Statement st = listener.createStatement()) {
                st.execute("LISTEN " + Database.VERSIONS_CHANNEL);
            }
            upload("prod", "a");
            admin.createKey("prod", ApiKeyKind.CLIENT, "", "alice");
            assertThrows(ConflictException.class, () -> upload("prod", "b", 1L));
            admin.rollback("prod", 1, null, "alice", "");

            List<String> payloads = new ArrayList<>();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (payloads.size() < 3 && System.nanoTime() < deadline) {
                PGNotification[] notes = listener.unwrap(PGConnection.class).getNotifications(200);
                if (notes != null) {
                    for (PGNotification n : notes) {
                        assertEquals(Database.VERSIONS_CHANNEL, n.getName());
                        payloads.add(n.getParameter());
                    }
                }
            }
            assertEquals(List.of("prod:1", "prod:2", "prod:3"), payloads);
            PGNotification[] more = listener.unwrap(PGConnection.class).getNotifications(300);
            assertEquals(0, more == null ? 0 : more.length, "the conflicting upload announced nothing");
        }
    }

    @Test
    void aWriteWithTheDatabaseDownSaysItIsUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (Database down = new Database("jdbc:postgresql://127.0.0.1:" + closedPort + "/postgres", "postgres", null)) {
            AdminRepository unreachable = new AdminRepository(down.dataSource(), Clock.systemUTC());
            DatabaseUnavailableException e = assertThrows(DatabaseUnavailableException.class,
                    () -> unreachable.createEnvironment("prod", List.of()));
            assertTrue(e.getMessage().contains("nothing was written"), e.getMessage());
        }
    }
}
