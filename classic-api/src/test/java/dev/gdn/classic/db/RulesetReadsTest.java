package dev.gdn.classic.db;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.ruleset.envelope.SigningKey;
import dev.gdn.ruleset.proto.Ruleset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RulesetReadsTest extends DatabaseTest {
    RulesetReads reads;

    @BeforeEach
    void reads() {
        reads = new RulesetReads(db.dataSource());
    }

    @Test
    void servingNeedsTheNewestTwoVersionsOfEachEnvironmentOldestFirst() {
        admin.createEnvironment("a", List.of());
        admin.createEnvironment("b", List.of());
        admin.createEnvironment("empty", List.of());
        upload("a", "a");
        upload("a", "b");
        upload("a", "a");
        upload("b", "b");

        Map<String, List<Ruleset>> latest = reads.latestTwoPerEnvironment();
        assertEquals(List.of("a", "b"), List.copyOf(latest.keySet()), "an environment without versions has nothing to serve");
        assertEquals(List.of(2L, 3L), latest.get("a").stream().map(Ruleset::getVersion).toList());
        assertEquals(List.of(1L), latest.get("b").stream().map(Ruleset::getVersion).toList());
        assertEquals(Map.of("a", 3L, "b", 1L), reads.latestVersions());
    }

    @Test
    void aPinnedVersionIsReadWithItsSourceAndAMissingOneIsEmpty() {
        admin.createEnvironment("prod", List.of());
        upload("prod", "a");
        upload("prod", "b");
        StoredVersion v1 = reads.version("prod", 1).orElseThrow();
        assertEquals(1, v1.ruleset().getVersion());
        assertEquals("prod", v1.ruleset().getEnvironmentId());
        assertEquals(source("a"), v1.source());
        assertTrue(reads.version("prod", 3).isEmpty());
        assertTrue(reads.version("other", 1).isEmpty());
    }

    @Test
    void theSignedArtifactAppearsOnceTheSyncDaemonSignedItAndIsNeverMadeHere() {
        admin.createEnvironment("prod", List.of());
        upload("prod", "a");
        assertTrue(reads.existingSignedArtifact("prod", 1).isEmpty());
        assertTrue(reads.existingSignedArtifact("prod", 1).isEmpty(), "reading twice signs nothing");

        byte[] signed = new SyncLedger(db.dataSource()).signedVersion("prod", 1, SigningKey.generate()).envelope();
        assertArrayEquals(signed, reads.existingSignedArtifact("prod", 1).orElseThrow());
    }
}
