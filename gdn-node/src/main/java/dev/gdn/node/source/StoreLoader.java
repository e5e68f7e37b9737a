package dev.gdn.node.source;

import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.ruleset.eval.CompiledRuleset;
import dev.gdn.sync.fetch.Fetcher;
import dev.gdn.sync.fetch.FetcherConfig;
import dev.gdn.sync.fetch.VerifiedRuleset;
import dev.gdn.sync.store.ObjectStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Feeds a {@link RulesetRegistry} from object stores: the disk cache first (so a node restarted with
 * every store down serves at once), then the fetcher's verified versions, each written back to the
 * disk cache.
 */
public final class StoreLoader implements AutoCloseable {
    private final Fetcher fetcher;
    private final DiskCache cache;
    private final RulesetRegistry registry;
    private final Set<String> configuredEnvironments;
    private final Set<String> cachedEnvironments = new HashSet<>();
    private final ReloadStatus status;

    public StoreLoader(List<ObjectStore> stores, TrustedKeys trusted, FetcherConfig config, DiskCache cache,
                       MeterRegistry meters, Clock clock, RulesetRegistry registry, OpenTelemetry otel, ReloadStatus status) {
        this.status = status;
        this.fetcher = new Fetcher(stores, trusted, config, meters, clock, otel);
        this.cache = cache;
        this.registry = registry;
        this.configuredEnvironments = config.environments();
        if (cache != null) {
            for (VerifiedRuleset r : cache.load(trusted)) {
                if (configuredEnvironments.isEmpty() || configuredEnvironments.contains(r.environmentId())) {
                    install(r);
                    fetcher.seed(r);
                    cachedEnvironments.add(r.environmentId());
                }
            }
        }
        fetcher.addListener(r -> {
            // a verified ruleset this node cannot compile (a bug, a StackOverflowError) must not stop the fetcher
            // from delivering later ones; the previous version keeps serving and health says why
            try {
                install(r);
                status.applied();
            } catch (Throwable e) {
                String why = r.environmentId() + " v" + r.ruleset().getVersion() + " from " + r.source() + " not applied (" + e + ")";
                System.getLogger(StoreLoader.class.getName()).log(System.Logger.Level.WARNING, why);
                status.failed(why);
                return;
            }
            if (this.cache != null) {
                this.cache.store(r);
            }
        });
    }

    private void install(VerifiedRuleset r) {
        registry.install(LoadedRuleset.of(CompiledRuleset.of(r.ruleset()), r.envelope(), r.source(), r.verifiedAt()));
    }

    /** Polls every store once (so a fresh node is ready as soon as possible), then keeps polling in the background. */
    public void start() {
        fetcher.pollOnce();
        fetcher.start();
    }

    /**
     * The environments the node must serve before it is ready: the configured ones, or else every
     * environment the stores offer plus any from the disk cache or already served. An environment
     * once served stays expected (and so stays ready): a store whose index vanishes must not turn a
     * node that still holds a verified ruleset unready.
     */
    public Set<String> expectedEnvironments() {
        if (!configuredEnvironments.isEmpty()) {
            return configuredEnvironments;
        }
        Set<String> envs = new HashSet<>(fetcher.offeredEnvironments());
        envs.addAll(cachedEnvironments);
        envs.addAll(registry.environments());
        return envs;
    }

    public Fetcher fetcher() {
        return fetcher;
    }

    @Override
    public void close() {
        fetcher.close();
    }
}
