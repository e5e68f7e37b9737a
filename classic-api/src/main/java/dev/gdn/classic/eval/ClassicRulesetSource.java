package dev.gdn.classic.eval;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.gdn.classic.db.RulesetReads;
import dev.gdn.node.source.Caller;
import dev.gdn.node.source.LoadedRuleset;
import dev.gdn.node.source.RulesetRegistry;
import dev.gdn.node.source.RulesetSource;
import dev.gdn.ruleset.eval.CompiledRuleset;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The suspenders' rulesets: the registry (current and previous, kept current by {@link DatabaseLoader})
 * plus, because the database holds every version, any older pinned version — compiled once and kept
 * in a bounded Caffeine cache. When the database cannot be asked, a pin falls back to current.
 */
public final class ClassicRulesetSource implements RulesetSource {
    private final RulesetRegistry registry;
    private final RulesetReads reads;
    private final Clock clock;
    private final Cache<String, LoadedRuleset> pinned = Caffeine.newBuilder().maximumSize(256).build();
    /** Signed artifacts by env:version; "not signed yet" is remembered briefly, the bytes for good. */
    private final Cache<String, Optional<byte[]>> signed = Caffeine.newBuilder().maximumSize(1024)
            .expireAfter(new com.github.benmanes.caffeine.cache.Expiry<String, Optional<byte[]>>() {
                public long expireAfterCreate(String k, Optional<byte[]> v, long now) {
                    return v.isPresent() ? Long.MAX_VALUE : java.util.concurrent.TimeUnit.SECONDS.toNanos(2);
                }

                public long expireAfterUpdate(String k, Optional<byte[]> v, long now, long current) {
                    return expireAfterCreate(k, v, now);
                }

                public long expireAfterRead(String k, Optional<byte[]> v, long now, long current) {
                    return current;
                }
            }).build();

    public ClassicRulesetSource(RulesetRegistry registry, RulesetReads reads, Clock clock) {
        this.registry = registry;
        this.reads = reads;
        this.clock = clock;
    }

    /**
     * The current ruleset; with the signed artifact attached once the sync daemon has signed it, so
     * server SDKs in local mode can download it from the suspenders too (GET /gdn/v1/ruleset).
     */
    @Override
    public Optional<LoadedRuleset> current(String environmentId) {
        Optional<LoadedRuleset> cur = registry.current(environmentId);
        if (cur.isEmpty() || cur.get().envelope() != null) {
            return cur;
        }
        LoadedRuleset r = cur.get();
        Optional<byte[]> envelope;
        try {
            envelope = signed.get(environmentId + ":" + r.version(), k -> reads.existingSignedArtifact(environmentId, r.version()));
        } catch (RuntimeException databaseDown) {
            return cur;
        }
        return envelope.map(r::withEnvelope).or(() -> cur);
    }

    @Override
    public Optional<LoadedRuleset> forRequest(String environmentId, long pinnedVersion) {
        Optional<LoadedRuleset> fromRegistry = registry.forRequest(environmentId, pinnedVersion);
        if (pinnedVersion <= 0 || fromRegistry.isEmpty() || fromRegistry.get().version() == pinnedVersion
                || pinnedVersion > fromRegistry.get().version()) {
            return fromRegistry;
        }
        try {
            LoadedRuleset older = pinned.get(environmentId + ":" + pinnedVersion, k -> reads.version(environmentId, pinnedVersion)
                    .map(s -> LoadedRuleset.of(CompiledRuleset.of(s.ruleset()), null, "database", clock.instant()))
                    .orElse(null));
            return older != null ? Optional.of(older) : fromRegistry;
        } catch (RuntimeException databaseDown) {
            return fromRegistry;
        }
    }

    @Override
    public Optional<Caller> authenticate(String apiKey) {
        return registry.authenticate(apiKey); // always by the current versions' keys: a revocation applies at once
    }

    @Override
    public void addListener(Consumer<LoadedRuleset> listener) {
        registry.addListener(listener);
    }

    @Override
    public Map<String, LoadedRuleset> readiness() {
        return registry.readiness();
    }

    @Override
    public String description() {
        return "database";
    }
}
