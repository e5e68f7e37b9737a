package dev.gdn.node;

import dev.gdn.node.cdn.CdnPurger;
import dev.gdn.node.events.EventStreamService;
import dev.gdn.node.grpc.RulesetWatchService;
import dev.gdn.node.http.EvaluationService;
import dev.gdn.node.http.HealthService;
import dev.gdn.node.http.MetricsService;
import dev.gdn.node.server.GdnServer;
import dev.gdn.node.source.Caller;
import dev.gdn.node.source.DiskCache;
import dev.gdn.node.source.FlagFileLoader;
import dev.gdn.node.source.LoadedRuleset;
import dev.gdn.node.source.ReloadStatus;
import dev.gdn.node.source.RulesetRegistry;
import dev.gdn.node.source.StoreLoader;
import dev.gdn.node.tracing.RequestTracing;
import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.ruleset.proto.ApiKeyKind;
import dev.gdn.sync.fetch.FetcherConfig;
import dev.gdn.sync.store.ObjectStore;
import dev.gdn.sync.store.ObjectStores;
import dev.gdn.sync.store.StoreOptions;
import io.grpc.BindableService;
import io.grpc.ServerInterceptors;
import io.helidon.webserver.grpc.GrpcRouting;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running GDN node: the belt. Wiring is explicit: a ruleset registry fed by the stores (through
 * the disk cache and the fetcher) or by a flag file, the evaluation, health and metrics routes over
 * it, and the gRPC watch stream on the same port.
 */
public final class GdnNode implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(GdnNode.class.getName());

    private final NodeConfig config;
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final RulesetRegistry registry;
    private final StoreLoader storeLoader;
    private final FlagFileLoader fileLoader;
    private final ReloadStatus reloads;
    private final CdnPurger purger;
    private final List<ObjectStore> stores = new ArrayList<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final Set<String> gaugedEnvironments = ConcurrentHashMap.newKeySet();
    private final EventStreamService events;
    private final GdnServer server;

    private GdnNode(NodeConfig config, OpenTelemetry otel) throws Exception {
        this.config = config;
        Clock clock = Clock.systemUTC();
        new ClassLoaderMetrics().bindTo(meters);
        new JvmMemoryMetrics().bindTo(meters);
        new JvmGcMetrics().bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);
        new UptimeMetrics().bindTo(meters);

        if (config.flagsFile() != null) {
            boolean keys = FlagFileLoader.keysRequired(config.clientKey(), config.serverKey());
            registry = new RulesetRegistry(() -> Set.of(FlagFileLoader.ENVIRONMENT),
                    keys ? null : new Caller(FlagFileLoader.ENVIRONMENT, ApiKeyKind.CLIENT), "flag file " + config.flagsFile());
            LOG.log(Level.WARNING, keys ? "serving {0} as environment \"default\"; only the configured --client-key/--server-key are accepted"
                    : "serving {0} as environment \"default\" WITHOUT API keys: any caller may evaluate (development mode;"
                    + " give --client-key/--server-key to require keys)", config.flagsFile());
            reloads = new ReloadStatus("flag-file", meters, clock);
            fileLoader = new FlagFileLoader(config.flagsFile(), config.clientKey(), config.serverKey(), registry, clock, reloads);
            fileLoader.start(Math.max(100, config.pollInterval().toMillis()));
            storeLoader = null;
        } else {
            for (String uri : config.stores()) {
                stores.add(ObjectStores.open(uri, new StoreOptions(config.storeTimeout())));
            }
            TrustedKeys trusted = TrustedKeys.load(config.trust());
            reloads = new ReloadStatus("stores", meters, clock);
            StoreLoader[] loader = new StoreLoader[1];
            registry = new RulesetRegistry(() -> loader[0].expectedEnvironments(), null, "stores " + config.stores());
            FetcherConfig fc = FetcherConfig.DEFAULT.withPollInterval(config.pollInterval()).withEnvironments(config.envs());
            loader[0] = new StoreLoader(stores, trusted, fc, config.cacheDir() == null ? null : new DiskCache(config.cacheDir()),
                    meters, clock, registry, otel, reloads);
            storeLoader = loader[0];
            fileLoader = null;
        }
        registry.addListener(this::gaugeEnvironment);
        purger = config.cdnPurge().isEmpty() ? null : new CdnPurger(config.cdnPurge(), meters);
        if (purger != null) {
            registry.addListener(purger); // after each swap, so a POP never re-caches what this node no longer serves
        }
        registry.environments().forEach(env -> registry.current(env).ifPresent(r -> {
            gaugeEnvironment(r);
            if (purger != null) {
                purger.loaded(r);
            }
        }));

        RulesetWatchService watch = new RulesetWatchService(registry);
        events = new EventStreamService(registry, config.events(), config.servedBy(), meters);
        BindableService intercepted = () -> ServerInterceptors.intercept(watch, RulesetWatchService.apiKeyInterceptor());
        GdnServer.Builder serverBuilder = GdnServer.builder("node")
                .host(config.host())
                .port(config.port())
                .limits(config.limits())
                .drain(config.drainTimeout())
                .meters(meters)
                .filter(new RequestTracing(otel))
                .service(new EvaluationService(registry, config.servedBy(), config.cdn(), meters, otel, events), events,
                        new HealthService(registry, draining::get, reloads::problem, clock), new MetricsService(meters))
                .addRouting(GrpcRouting.builder().service(intercepted));
        if (storeLoader != null) {
            storeLoader.start(); // one synchronous round first: ready as soon as the stores answer
        }
        GdnServer started;
        try {
            started = serverBuilder.start();
        } catch (RuntimeException e) {
            // nothing may keep running behind a node that never listened (a port in use, for one)
            stopSources();
            throw e;
        }
        server = started;
        if (purger != null) {
            purger.warmUp(HealthService.liveUrl(config.host(), server.port()));
        }
        LOG.log(Level.INFO, "GDN node {0} listening on {1}:{2,number,#} ({3})", config.servedBy(), config.host(), server.port(),
                registry.description());
    }

    /** A node that carries callers' trace context into its logs but records no spans. */
    public static GdnNode start(NodeConfig config) throws Exception {
        return start(config, RequestTracing.propagationOnly());
    }

    /** @param otel spans for requests, evaluations and store reads (an SDK from the OTEL_* variables, or propagation only) */
    public static GdnNode start(NodeConfig config, OpenTelemetry otel) throws Exception {
        return new GdnNode(config, otel);
    }

    private void gaugeEnvironment(LoadedRuleset r) {
        String env = r.environmentId();
        if (gaugedEnvironments.add(env)) {
            Gauge.builder("gdn.ruleset.version", registry, reg -> reg.current(env).map(LoadedRuleset::version).orElse(0L))
                    .tag("environment", env).description("ruleset version served").register(meters);
            Gauge.builder("gdn.ruleset.age", registry, reg -> reg.current(env)
                            .map(x -> (System.currentTimeMillis() - x.compiled().ruleset().getCreatedAtMillis()) / 1000.0).orElse(0.0))
                    .tag("environment", env).baseUnit("seconds").description("time since the served version was created")
                    .register(meters);
            Gauge.builder("gdn.ruleset.flag.warnings", registry, reg -> reg.current(env)
                            .map(x -> (double) x.compiled().ruleset().getWarningsCount()).orElse(0.0))
                    .tag("environment", env).description("flag warnings (SPEC §1) in the served version's flag file")
                    .register(meters);
        }
    }

    public int port() {
        return server.port();
    }

    public EventStreamService events() {
        return events;
    }

    public RulesetRegistry registry() {
        return registry;
    }

    public NodeConfig config() {
        return config;
    }

    /**
     * Graceful stop: readiness turns DRAINING at once (load balancers stop sending), then after half the
     * drain timeout the listener closes and in-flight requests get the rest of it.
     */
    public void drainAndStop() {
        if (!draining.compareAndSet(false, true)) {
            return;
        }
        LOG.log(Level.INFO, "draining: readiness is now 503");
        try {
            Thread.sleep(config.drainTimeout().toMillis() / 2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    @Override
    public void close() {
        draining.set(true);
        events.close(); // open streams would otherwise hold the stop for the whole grace period
        server.stop();
        stopSources();
        LOG.log(Level.INFO, "stopped");
    }

    private void stopSources() {
        if (storeLoader != null) {
            storeLoader.close();
        }
        if (fileLoader != null) {
            fileLoader.close();
        }
        if (purger != null) {
            purger.close();
        }
        stores.forEach(ObjectStore::close);
    }
}
