package dev.gdn.node.source;

import dev.gdn.ruleset.apikey.ApiKeys;
import dev.gdn.ruleset.proto.ApiKeyHash;
import java.lang.System.Logger.Level;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The {@link RulesetSource} every loader feeds: per environment the current and the previous
 * version, swapped atomically (a request keeps the snapshot it started with), and an index from API
 * key hash to caller rebuilt on every swap. Versions only go up.
 */
public final class RulesetRegistry implements RulesetSource {
    private static final System.Logger LOG = System.getLogger(RulesetRegistry.class.getName());

    /** The current and previous version of one environment; replaced whole, never mutated. */
    private record Versions(LoadedRuleset current, LoadedRuleset previous) {
    }

    /** A key hash and who it stands for. */
    private record KeyEntry(byte[] sha256, Caller caller) {
    }

    /**
     * The key index of one set of installed versions, and the keys already confirmed against it.
     * Hashing the presented key (SHA-256 in software on CPUs without SHA instructions) was a
     * twentieth of a bulk request's CPU; a key that matched once maps straight to its caller until
     * the keys change. Only matching keys are remembered, so the map is as large as the key index at
     * most and unknown keys cannot grow it.
     */
    private record KeyIndex(Map<String, KeyEntry> byHash, Map<String, Caller> confirmed) {
        static final KeyIndex EMPTY = new KeyIndex(Map.of(), new ConcurrentHashMap<>());
    }

    private final Map<String, Versions> byEnvironment = new ConcurrentHashMap<>();
    private volatile KeyIndex keys = KeyIndex.EMPTY;
    private final CopyOnWriteArrayList<Consumer<LoadedRuleset>> listeners = new CopyOnWriteArrayList<>();
    private final Supplier<Set<String>> expectedEnvironments;
    private final Caller openAccess;
    private final String description;

    /**
     * @param expectedEnvironments the environments that must be loaded before the server is ready
     * @param openAccess           the caller every request is when no API key is required (development), or null
     */
    public RulesetRegistry(Supplier<Set<String>> expectedEnvironments, Caller openAccess, String description) {
        this.expectedEnvironments = expectedEnvironments;
        this.openAccess = openAccess;
        this.description = description;
    }

    /** Installs a version if it is newer than the current one; returns whether it was. */
    public boolean install(LoadedRuleset r) {
        boolean[] installed = {false};
        byEnvironment.compute(r.environmentId(), (env, v) -> {
            if (v == null) {
                installed[0] = true;
                return new Versions(r, null);
            }
            if (r.version() > v.current().version()) {
                installed[0] = true;
                return new Versions(r, v.current());
            }
            if (r.version() < v.current().version() && (v.previous() == null || r.version() > v.previous().version())) {
                return new Versions(v.current(), r); // an older version learned late still serves pinned sessions
            }
            return v;
        });
        if (installed[0]) {
            rebuildKeys();
            LOG.log(Level.INFO, "serving {0} v{1} from {2}", r.environmentId(), r.version(), r.source());
            for (Consumer<LoadedRuleset> l : listeners) {
                try {
                    l.accept(r);
                } catch (RuntimeException | StackOverflowError e) {
                    // the version is swapped in already: a failing listener (metrics, CDN purge) must not undo the reload
                    LOG.log(Level.ERROR, "ruleset listener failed after v" + r.version() + " was installed: " + e);
                }
            }
        }
        return installed[0];
    }

    private synchronized void rebuildKeys() {
        Map<String, KeyEntry> byHash = new HashMap<>();
        for (Versions v : byEnvironment.values()) {
            for (ApiKeyHash k : v.current().compiled().ruleset().getApiKeysList()) {
                byte[] sha = k.getSha256().toByteArray();
                byHash.put(HexFormat.of().formatHex(sha), new KeyEntry(sha, new Caller(v.current().environmentId(), k.getKind())));
            }
        }
        // A fresh confirmed-key map with every rebuild: a revoked key stops working with the version that drops it.
        keys = new KeyIndex(Map.copyOf(byHash), new ConcurrentHashMap<>());
    }

    @Override
    public Optional<LoadedRuleset> current(String environmentId) {
        Versions v = byEnvironment.get(environmentId);
        return v == null ? Optional.empty() : Optional.of(v.current());
    }

    @Override
    public Optional<LoadedRuleset> forRequest(String environmentId, long pinnedVersion) {
        Versions v = byEnvironment.get(environmentId);
        if (v == null) {
            return Optional.empty();
        }
        if (pinnedVersion > 0 && v.previous() != null && v.previous().version() == pinnedVersion) {
            return Optional.of(v.previous());
        }
        return Optional.of(v.current());
    }

    @Override
    public Optional<Caller> authenticate(String apiKey) {
        if (openAccess != null) {
            return Optional.of(openAccess);
        }
        if (apiKey == null || apiKey.isEmpty()) {
            return Optional.empty();
        }
        KeyIndex index = keys;
        // (String.equals runs only for a presented key in the same hash bucket as a confirmed one, and
        // compares whole arrays with a vectorised intrinsic: no per-character timing to measure remotely.)
        Caller known = index.confirmed().get(apiKey);
        if (known != null) {
            return Optional.of(known);
        }
        byte[] presented = ApiKeys.sha256(apiKey);
        KeyEntry e = index.byHash().get(HexFormat.of().formatHex(presented));
        // The index is keyed by a hash of the secret, so lookup timing reveals nothing useful; confirm in constant time.
        if (e == null || !MessageDigest.isEqual(presented, e.sha256())) {
            return Optional.empty();
        }
        if (index.confirmed().size() < index.byHash().size()) {
            index.confirmed().put(apiKey, e.caller());
        }
        return Optional.of(e.caller());
    }

    @Override
    public void addListener(Consumer<LoadedRuleset> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<LoadedRuleset> listener) {
        listeners.remove(listener);
    }

    @Override
    public Map<String, LoadedRuleset> readiness() {
        Set<String> envs = new TreeSet<>(expectedEnvironments.get());
        Map<String, LoadedRuleset> out = new LinkedHashMap<>();
        for (String env : envs) {
            Versions v = byEnvironment.get(env);
            out.put(env, v == null ? null : v.current());
        }
        return out;
    }

    public Collection<String> environments() {
        return byEnvironment.keySet();
    }

    @Override
    public String description() {
        return description;
    }
}
