package dev.gdn.chaos.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.ruleset.compile.FlagdCompiler;
import dev.gdn.ruleset.envelope.Envelopes;
import dev.gdn.ruleset.envelope.SigningKey;
import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.ruleset.proto.Ruleset;
import dev.gdn.sync.layout.StoreLayout;
import dev.gdn.sync.store.ObjectStore;
import dev.gdn.sync.store.ObjectStores;
import dev.gdn.sync.store.StoreOptions;
import dev.gdn.sync.store.WriteCondition;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesetOracleTest {
    @TempDir
    Path dir;

    final SigningKey worldKey = SigningKey.generate();
    final TrustedKeys trusted = TrustedKeys.of(worldKey.publicKey());

    static Ruleset ruleset(String flags, long version) throws Exception {
        return FlagdCompiler.compile(flags).toRuleset("prod", version, 0, List.of());
    }

    ObjectStore store(String name) throws Exception {
        return ObjectStores.open(dir.resolve(name).toUri().toString(), StoreOptions.DEFAULT);
    }

    @Test
    void aVerifiedStoreArtifactIsTheTruthATamperedOneIsSkippedForTheNextSource() throws Exception {
        try (ObjectStore tampered = store("a"); ObjectStore good = store("b")) {
            byte[] signed = Envelopes.sign(ruleset(TestRulesets.V1, 1), worldKey).toByteArray();
            // store a: version 1 signed by a key the world does not trust, version 2 with a flipped byte
            tampered.put(StoreLayout.artifactKey("prod", 1), Envelopes.sign(ruleset(TestRulesets.V2, 1), SigningKey.generate()).toByteArray(),
                    WriteCondition.ALWAYS);
            byte[] v2 = Envelopes.sign(ruleset(TestRulesets.V2, 2), worldKey).toByteArray();
            byte[] flipped = v2.clone();
            flipped[flipped.length - 3] ^= 1;
            tampered.put(StoreLayout.artifactKey("prod", 2), flipped, WriteCondition.ALWAYS);
            // store b: the real versions 1 and 2, and version 3's name on version 1's artifact
            good.put(StoreLayout.artifactKey("prod", 1), signed, WriteCondition.ALWAYS);
            good.put(StoreLayout.artifactKey("prod", 2), v2, WriteCondition.ALWAYS);
            good.put(StoreLayout.artifactKey("prod", 3), signed, WriteCondition.ALWAYS);

            RulesetOracle oracle = new RulesetOracle("prod", List.of(RulesetOracle.store(tampered, trusted), RulesetOracle.store(good, trusted)));
            for (long v : new long[] {1, 2}) {
                RulesetOracle.Lookup.Found f = assertInstanceOf(RulesetOracle.Lookup.Found.class, oracle.get(v));
                assertEquals(v, f.ruleset().version());
                assertEquals(good.name(), f.source(), "version " + v + " from the store whose artifact verifies");
            }
            RulesetOracle.Lookup.Unavailable none = assertInstanceOf(RulesetOracle.Lookup.Unavailable.class, oracle.get(3));
            assertEquals(2, none.reasons().size());
            assertTrue(none.reasons().get(0).endsWith("no version 3"), none.reasons()::toString);
            assertTrue(none.reasons().get(1).contains("WRONG_CONTENT"), "an artifact replayed under another version is refused: " + none.reasons());

            RulesetOracle first = new RulesetOracle("prod", List.of(RulesetOracle.store(tampered, trusted)));
            RulesetOracle.Lookup.Unavailable bad = assertInstanceOf(RulesetOracle.Lookup.Unavailable.class, first.get(1));
            assertTrue(bad.reasons().get(0).contains("UNKNOWN_KEY"), bad.reasons()::toString);
            bad = assertInstanceOf(RulesetOracle.Lookup.Unavailable.class, first.get(2));
            assertTrue(bad.reasons().get(0).contains("HASH_MISMATCH"), bad.reasons()::toString);
            assertEquals(java.util.Map.of(1L, good.name(), 2L, good.name()), oracle.loaded());
        }
    }
}
