package dev.gdn.classic.eval;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.gdn.classic.db.ClassicRepository;
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
    private final ClassicRepository repo;
    private final Clock clock;
    private final Cache<String, LoadedRuleset> pinned = Caffeine.newBuilder().maximumSize(256).build();

    public ClassicRulesetSource(RulesetRegistry registry, ClassicRepository repo, Clock clock) {
        this.registry = registry;
        this.repo = repo;
        this.clock = clock;
    }

    @Override
    public Optional<LoadedRuleset> current(String environmentId) {
        return registry.current(environmentId);
    }

    @Override
    public Optional<LoadedRuleset> forRequest(String environmentId, long pinnedVersion) {
        Optional<LoadedRuleset> fromRegistry = registry.forRequest(environmentId, pinnedVersion);
        if (pinnedVersion <= 0 || fromRegistry.isEmpty() || fromRegistry.get().version() == pinnedVersion
                || pinnedVersion > fromRegistry.get().version()) {
            return fromRegistry;
        }
        try {
            LoadedRuleset older = pinned.get(environmentId + ":" + pinnedVersion, k -> repo.version(environmentId, pinnedVersion)
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
