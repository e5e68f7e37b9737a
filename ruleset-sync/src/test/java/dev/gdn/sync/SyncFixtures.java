package dev.gdn.sync;

import dev.gdn.ruleset.compile.FlagdCompiler;
import dev.gdn.ruleset.envelope.SigningKey;
import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.ruleset.proto.Ruleset;
import dev.gdn.ruleset.proto.StoreIndex;
import dev.gdn.sync.layout.SignedIndex;
import dev.gdn.sync.layout.StoreLayout;
import dev.gdn.sync.store.GetResult;
import dev.gdn.sync.store.ObjectStore;
import java.util.List;

/** Rulesets, keys and index reads for the sync tests. */
public final class SyncFixtures {
    public static final SigningKey KEY = SigningKey.generate();
    public static final TrustedKeys TRUSTED = TrustedKeys.of(KEY.publicKey());

    private SyncFixtures() {
    }

    /** A real compiled ruleset whose one flag's value names the version, so tests can tell versions apart. */
    public static Ruleset ruleset(String env, long version) {
        String flags = "{\"flags\":{\"color\":{\"state\":\"ENABLED\",\"variants\":{\"v\":\"version-" + version
                + "\"},\"defaultVariant\":\"v\"}}}";
        try {
            return FlagdCompiler.compile(flags).toRuleset(env, version, 1_700_000_000_000L + version, List.of());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static StoreIndex index(ObjectStore store) throws Exception {
        GetResult got = store.get(StoreLayout.INDEX_KEY, null);
        if (!(got instanceof GetResult.Found f)) {
            return null;
        }
        return SignedIndex.read(f.data(), TRUSTED);
    }

    public static long indexedVersion(ObjectStore store, String env) throws Exception {
        StoreIndex idx = index(store);
        return idx == null ? 0 : SignedIndex.entry(idx, env).map(e -> e.getVersion()).orElse(0L);
    }
}
