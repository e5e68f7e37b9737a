package dev.gdn.cli;

import static dev.gdn.cli.GdnCommandTest.gdn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.ruleset.apikey.ApiKeys;
import dev.gdn.ruleset.envelope.Envelopes;
import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.ruleset.proto.ApiKeyKind;
import dev.gdn.ruleset.proto.Ruleset;
import dev.gdn.sync.layout.StoreLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreCommandsTest {
    @TempDir
    Path dir;
    Path flags;
    String key;
    String pub;

    @BeforeEach
    void setUp() throws IOException {
        flags = dir.resolve("flags.json");
        Files.writeString(flags, GdnCommandTest.FLAGS);
        assertEquals(0, gdn("keygen", "--out", dir.resolve("keys").toString()).exit());
        key = dir.resolve("keys/gdn-signing.key").toString();
        pub = dir.resolve("keys/gdn-signing.pub").toString();
    }

    private String store(String name) {
        return dir.resolve(name).toUri().toString();
    }

    private Ruleset artifact(String store, String env, long version) throws Exception {
        Path file = dir.resolve(store).resolve(StoreLayout.artifactKey(env, version));
        return Envelopes.verifyRuleset(Files.readAllBytes(file), TrustedKeys.load(List.of(Path.of(pub))));
    }

    @Test
    void apiKeysAreCreatedHashedListedAndRevoked() throws Exception {
        Path keys = dir.resolve("keys.json");
        GdnCommandTest.Run c = gdn("apikey", "create", "--kind", "client", "--keys", keys.toString(), "--name", "web");
        assertEquals(0, c.exit(), c.err());
        String secret = c.out().strip();
        assertTrue(secret.startsWith("gdn_client_"), secret);
        String file = Files.readString(keys);
        assertFalse(file.contains(secret), "the secret is never stored");
        assertTrue(file.contains(java.util.HexFormat.of().formatHex(ApiKeys.sha256(secret))), file);
        assertEquals(0, gdn("apikey", "create", "--kind", "server", "--keys", keys.toString(), "--name", "api").exit());
        assertEquals(ExitCodes.USAGE, gdn("apikey", "create", "--kind", "admin", "--keys", keys.toString()).exit());

        GdnCommandTest.Run list = gdn("apikey", "list", "--keys", keys.toString());
        assertEquals(2, list.lines().size(), list.out());

        assertEquals(0, gdn("publish", "--flags", flags.toString(), "--env", "prod", "--sign-key", key, "--keys", keys.toString(),
                "--to", store("a")).exit());
        Ruleset v1 = artifact("a", "prod", 1);
        assertEquals(ApiKeyKind.CLIENT, ApiKeys.kindOf(secret, v1.getApiKeysList()));

        assertEquals(0, gdn("apikey", "revoke", "--keys", keys.toString(), "--key", "web").exit());
        assertEquals(0, gdn("publish", "--flags", flags.toString(), "--env", "prod", "--sign-key", key, "--keys", keys.toString(),
                "--to", store("a")).exit());
        assertEquals(null, ApiKeys.kindOf(secret, artifact("a", "prod", 2).getApiKeysList()), "revoked with the next version");
        assertEquals(1, artifact("a", "prod", 2).getApiKeysCount());
    }

    @Test
    void publishPicksTheNextVersionKeepsKeysAndRefusesLowerOnes() throws Exception {
        Path keys = dir.resolve("keys.json");
        gdn("apikey", "create", "--kind", "server", "--keys", keys.toString());
        GdnCommandTest.Run p1 = gdn("publish", "--flags", flags.toString(), "--env", "prod", "--sign-key", key,
                "--keys", keys.toString(), "--to", store("a"), "--to", store("b"));
        assertEquals(0, p1.exit(), p1.err());
        assertTrue(p1.out().contains("prod v1"), p1.out());
        assertEquals(2, p1.out().lines().filter(l -> l.contains("PUBLISHED")).count(), p1.out());

        GdnCommandTest.Run p2 = gdn("publish", "--flags", flags.toString(), "--env", "prod", "--sign-key", key, "--to", store("a"));
        assertEquals(0, p2.exit(), p2.err());
        assertTrue(p2.out().contains("prod v2") && p2.out().contains("kept from v1"), p2.out());
        assertEquals(1, artifact("a", "prod", 2).getApiKeysCount(), "keys survive a publish without --keys");

        GdnCommandTest.Run low = gdn("publish", "--flags", flags.toString(), "--env", "prod", "--sign-key", key,
                "--to", store("a"), "--version", "2");
        assertEquals(ExitCodes.USAGE, low.exit());
        assertTrue(low.err().contains("not higher than version 2"), low.err());

        GdnCommandTest.Run explicit = gdn("publish", "--flags", flags.toString(), "--env", "prod", "--sign-key", key,
                "--to", store("a"), "--version", "10");
        assertEquals(0, explicit.exit(), explicit.err());
        assertTrue(Files.exists(dir.resolve("a").resolve(StoreLayout.artifactKey("prod", 10))));
    }

    @Test
    void publishFailsWithSixWhenNoStoreTakesIt() throws IOException {
        Path broken = dir.resolve("broken");
        Files.createDirectories(broken);
        Files.writeString(broken.resolve("v1"), "a file where the v1/ directory should be");
        GdnCommandTest.Run unknownVersion = gdn("publish", "--flags", flags.toString(), "--env", "prod", "--sign-key", key,
                "--to", store("broken"), "--timeout", "2s");
        assertEquals(ExitCodes.NO_STORE, unknownVersion.exit());
        assertTrue(unknownVersion.err().contains("no store could be read"), unknownVersion.err());

        GdnCommandTest.Run r = gdn("publish", "--flags", flags.toString(), "--env", "prod", "--sign-key", key,
                "--to", store("broken"), "--version", "1", "--timeout", "2s");
        assertEquals(ExitCodes.NO_STORE, r.exit(), r.err());
        assertTrue(r.out().contains("FAILED"), r.out());
        assertTrue(r.err().contains("no store took prod v1"), r.err());
    }

    @Test
    void invalidStoreUrisAndEnvironmentIdsAreUsageErrors() throws IOException {
        Path blocker = dir.resolve("not-a-dir");
        Files.writeString(blocker, "a file where the store directory should be");
        // a store that cannot be opened is a failed store, not a usage error (StoreFailureReportTest)
        GdnCommandTest.Run r = gdn("publish", "--flags", flags.toString(), "--env", "prod", "--sign-key", key,
                "--to", blocker.toUri().toString(), "--version", "1", "--timeout", "2s");
        assertEquals(ExitCodes.NO_STORE, r.exit(), r.err());
        assertTrue(r.out().contains("FAILED") && r.out().contains("a file is in the way"), r.out());
        GdnCommandTest.Run ftp = gdn("fetch", "--from", "ftp://host/x", "--trust", pub);
        assertEquals(ExitCodes.USAGE, ftp.exit());
        assertTrue(ftp.err().contains("unknown store scheme 'ftp'"), ftp.err());
        assertEquals(ExitCodes.USAGE, gdn("publish", "--flags", flags.toString(), "--env", "prod", "--sign-key", key,
                "--to", "s3://bucket?regoin=x").exit());

        GdnCommandTest.Run badEnv = gdn("publish", "--flags", flags.toString(), "--env", "../etc", "--sign-key", key, "--to", store("a"));
        assertEquals(ExitCodes.USAGE, badEnv.exit());
        assertTrue(badEnv.err().contains("not a valid environment id"), badEnv.err());
    }

    @Test
    void fetchReportsVersionsStoresAndRejections() throws Exception {
        gdn("publish", "--flags", flags.toString(), "--env", "prod", "--sign-key", key, "--to", store("a"), "--to", store("b"));
        gdn("publish", "--flags", flags.toString(), "--env", "prod", "--sign-key", key, "--to", store("b"));
        // tamper with b's v2: the node must fall back to a's v1 and say why
        Path v2 = dir.resolve("b").resolve(StoreLayout.artifactKey("prod", 2));
        byte[] bytes = Files.readAllBytes(v2);
        bytes[bytes.length - 2] ^= 1;
        Files.write(v2, bytes);

        GdnCommandTest.Run f = gdn("fetch", "--from", store("a"), "--from", store("b"), "--trust", pub);
        assertEquals(0, f.exit(), f.err());
        assertTrue(f.out().contains("prod") && f.out().contains("v1") && f.out().contains("from " + store("a")), f.out());
        assertTrue(f.out().contains("rejected"), f.out());
        assertTrue(f.out().contains(StoreLayout.artifactKey("prod", 2)) && f.out().contains("INDEX_HASH_MISMATCH"), f.out());

        GdnCommandTest.Run none = gdn("fetch", "--from", store("empty"), "--trust", pub, "--env", "prod");
        assertEquals(ExitCodes.NO_STORE, none.exit());
        assertTrue(none.out().contains("nothing verified"), none.out());
    }

    @Test
    void reconcileRepairsLaggingAndEmptyStores() throws Exception {
        gdn("publish", "--flags", flags.toString(), "--env", "prod", "--sign-key", key, "--to", store("a"));
        gdn("publish", "--flags", flags.toString(), "--env", "staging", "--sign-key", key, "--to", store("b"));
        GdnCommandTest.Run r = gdn("reconcile", "--to", store("a"), "--to", store("b"), "--to", store("c"), "--sign-key", key);
        assertEquals(0, r.exit(), r.err());
        for (String s : List.of("a", "b", "c")) {
            assertEquals("prod", artifact(s, "prod", 1).getEnvironmentId());
            assertEquals("staging", artifact(s, "staging", 1).getEnvironmentId());
        }
        GdnCommandTest.Run again = gdn("reconcile", "--to", store("a"), "--to", store("b"), "--to", store("c"), "--sign-key", key);
        assertEquals(3, again.out().lines().filter(l -> l.contains("in sync")).count(), again.out());
    }
}
