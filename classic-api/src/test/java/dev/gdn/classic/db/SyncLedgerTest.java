package dev.gdn.classic.db;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.ruleset.envelope.Envelopes;
import dev.gdn.ruleset.envelope.SigningKey;
import dev.gdn.ruleset.envelope.TrustedKeys;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SyncLedgerTest extends DatabaseTest {
    private static final List<String> STORES = List.of("file:///a/", "s3://b/");

    SyncLedger ledger;

    @BeforeEach
    void ledger() {
        ledger = new SyncLedger(db.dataSource());
    }

    @Test
    void aVersionIsUnpublishedUntilEveryStoreHasIt() {
        admin.createEnvironment("b-env", List.of());
        admin.createEnvironment("a-env", List.of());
        upload("b-env", "a");
        upload("a-env", "a");
        upload("a-env", "b");
        assertEquals(List.of(new SyncLedger.VersionRef("a-env", 1), new SyncLedger.VersionRef("a-env", 2),
                new SyncLedger.VersionRef("b-env", 1)), ledger.unpublished(STORES), "environment, then version order");

        ledger.recordPublication("a-env", 1, List.of("s3://b/"));
        ledger.recordPublication("a-env", 1, List.of("s3://b/")); // a re-publication records nothing new
        assertEquals(List.of("s3://b/"), ledger.publishedTo("a-env", 1));
        assertEquals(3, ledger.unpublished(STORES).size(), "one store of two is not done");
        assertEquals(2, ledger.unpublished(List.of("s3://b/")).size());

        ledger.recordPublication("a-env", 1, STORES);
        ledger.recordPublication("a-env", 2, List.of());
        assertEquals(List.of("file:///a/", "s3://b/"), ledger.publishedTo("a-env", 1));
        assertEquals(List.of(new SyncLedger.VersionRef("a-env", 2), new SyncLedger.VersionRef("b-env", 1)),
                ledger.unpublished(STORES));
    }

    @Test
    void lagCountsWhatEachStoreMissesAndSinceWhen() {
        Map<String, SyncLedger.StoreLag> before = ledger.storeLag(STORES);
        assertEquals(new SyncLedger.StoreLag(0, null), before.get("file:///a/"), "nothing committed: nothing missing");

        admin.createEnvironment("prod", List.of());
        upload("prod", "a");
        upload("prod", "b");
        ledger.recordPublication("prod", 1, List.of("file:///a/"));
        ledger.recordPublication("prod", 2, List.of("file:///a/"));
        ledger.recordPublication("prod", 1, List.of("s3://b/"));

        Map<String, SyncLedger.StoreLag> lag = ledger.storeLag(STORES);
        assertEquals(new SyncLedger.StoreLag(0, null), lag.get("file:///a/"));
        assertEquals(1, lag.get("s3://b/").versions());
        assertEquals(admin.versions("prod").get(0).createdAt(), lag.get("s3://b/").oldestMissing());
        assertEquals(Map.of("prod", 2L), ledger.latestVersions());
    }

    @Test
    void aVersionIsSignedOnceSoEveryRepublicationWritesTheSameBytes() throws Exception {
        admin.createEnvironment("prod", List.of());
        upload("prod", "a");
        SigningKey first = SigningKey.generate();
        SyncLedger.SignedVersion signed = ledger.signedVersion("prod", 1, first);
        assertEquals(1, Envelopes.verifyRuleset(signed.envelope(), TrustedKeys.of(first.publicKey())).getVersion());
        assertEquals(signed.ruleset(), admin.version("prod", 1).orElseThrow().ruleset());

        SyncLedger.SignedVersion again = new SyncLedger(db.dataSource()).signedVersion("prod", 1, SigningKey.generate());
        assertArrayEquals(signed.envelope(), again.envelope(), "a rotated key does not re-sign a version");
        assertThrows(NotFoundException.class, () -> ledger.signedVersion("prod", 2, first));
    }

    @Test
    void oneSessionLeadsAtATimeAndLeadershipEndsWithItsConnection() throws Exception {
        try (Connection b = db.dedicatedConnection()) {
            try (Connection a = db.dedicatedConnection()) {
                assertTrue(ledger.tryLead(a));
                assertFalse(ledger.tryLead(b), "another session holds the lock");
            }
            // The lock went with a's session; the server notices the closed connection at once.
            long deadline = System.nanoTime() + 5_000_000_000L;
            boolean led = false;
            while (!led && System.nanoTime() < deadline) {
                led = ledger.tryLead(b);
                if (!led) {
                    Thread.sleep(50);
                }
            }
            assertTrue(led, "b leads once a is gone");
        }
    }

    @Test
    void aPublicationCountsForItsOwnEnvironmentOnly() {
        admin.createEnvironment("a", List.of());
        admin.createEnvironment("b", List.of());
        upload("a", "a");
        upload("b", "a");
        ledger.recordPublication("a", 1, STORES);
        assertEquals(List.of(), ledger.publishedTo("b", 1));
        assertEquals(List.of(new SyncLedger.VersionRef("b", 1)), ledger.unpublished(STORES));
        assertEquals(1, ledger.storeLag(STORES).get("s3://b/").versions());
    }
}
