package dev.gdn.chaos.check;

import dev.gdn.chaos.world.AdminApi;
import dev.gdn.ruleset.compile.FlagFileException;
import dev.gdn.ruleset.compile.FlagdCompiler;
import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.ruleset.eval.CompiledRuleset;
import dev.gdn.sync.layout.ArtifactVerifier;
import dev.gdn.sync.layout.StoreLayout;
import dev.gdn.sync.store.GetResult;
import dev.gdn.sync.store.ObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The truth a drill checks answers against: the ruleset of each version, from the first source that has
 * it. Store artifacts are used only after their hash and signature verify against the world's trusted
 * keys and they hold the environment and version asked for, so a tampered artifact in one store is
 * skipped, never believed; the admin API's copy of the flag file is the fallback (for a moment when every
 * store has lost its objects). Versions are immutable, so each is loaded once.
 */
public final class RulesetOracle {
    /** One place a version's ruleset can be read from. */
    public interface Source {
        String name();

        /** The version's ruleset, or null when this source does not have it; throws when it cannot be read or verified. */
        CompiledRuleset load(String environment, long version) throws Exception;
    }

    /** The outcome of one lookup. */
    public sealed interface Lookup {
        record Found(CompiledRuleset ruleset, String source) implements Lookup {
        }

        record Unavailable(List<String> reasons) implements Lookup {
        }
    }

    private final String environment;
    private final List<Source> sources;
    private final Map<Long, Lookup.Found> known = new ConcurrentHashMap<>();

    public RulesetOracle(String environment, List<Source> sources) {
        this.environment = environment;
        this.sources = List.copyOf(sources);
    }

    public Lookup get(long version) {
        Lookup.Found hit = known.get(version);
        if (hit != null) {
            return hit;
        }
        List<String> reasons = new ArrayList<>();
        for (Source s : sources) {
            try {
                CompiledRuleset r = s.load(environment, version);
                if (r != null) {
                    Lookup.Found found = new Lookup.Found(r, s.name());
                    known.put(version, found);
                    return found;
                }
                reasons.add(s.name() + ": no version " + version);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                reasons.add(s.name() + ": interrupted");
                break;
            } catch (Exception e) {
                reasons.add(s.name() + ": " + e.getMessage());
            }
        }
        return new Lookup.Unavailable(reasons);
    }

    /** Versions loaded so far, with where each came from. */
    public Map<Long, String> loaded() {
        Map<Long, String> out = new java.util.TreeMap<>();
        known.forEach((v, f) -> out.put(v, f.source()));
        return out;
    }

    /** A store's signed artifact for the version, verified against the trusted keys. */
    public static Source store(ObjectStore store, TrustedKeys trusted) {
        return new Source() {
            @Override
            public String name() {
                return store.name();
            }

            @Override
            public CompiledRuleset load(String env, long version) throws Exception {
                GetResult r = store.get(StoreLayout.artifactKey(env, version), null);
                if (!(r instanceof GetResult.Found found)) {
                    return null;
                }
                return CompiledRuleset.of(ArtifactVerifier.verify(found.data(), env, version, trusted));
            }
        };
    }

    /** The admin API's copy of the flag file the version was made from, compiled here. */
    public static Source admin(AdminApi admin) {
        return new Source() {
            @Override
            public String name() {
                return "admin API";
            }

            @Override
            public CompiledRuleset load(String env, long version) throws Exception {
                AdminApi.Reply r = admin.source(env, version);
                if (r.status() == 404) {
                    return null;
                }
                if (!r.ok()) {
                    throw new java.io.IOException("HTTP " + r.status());
                }
                try {
                    return CompiledRuleset.of(FlagdCompiler.compile(r.body()).toRuleset(env, version, 0, List.of()));
                } catch (FlagFileException e) {
                    throw new java.io.IOException("version " + version + "'s flag file does not compile: " + e.getMessage(), e);
                }
            }
        };
    }
}
