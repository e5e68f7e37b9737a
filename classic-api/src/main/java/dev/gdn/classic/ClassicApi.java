package dev.gdn.classic;

import dev.gdn.classic.admin.AdminService;
import dev.gdn.classic.db.AdminRepository;
import dev.gdn.classic.db.Database;
import dev.gdn.classic.db.EmbeddedDatabase;
import dev.gdn.classic.db.RulesetReads;
import dev.gdn.classic.eval.ClassicRulesetSource;
import dev.gdn.classic.eval.DatabaseLoader;
import dev.gdn.node.cdn.CdnPurger;
import dev.gdn.node.events.EventStreamService;
import dev.gdn.node.http.EvaluationService;
import dev.gdn.node.http.HealthService;
import dev.gdn.node.http.MetricsService;
import dev.gdn.node.server.GdnServer;
import dev.gdn.node.source.RulesetRegistry;
import dev.gdn.node.tracing.RequestTracing;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.HashSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The classic API: the suspenders (the same evaluation routes as a GDN node, over PostgreSQL) and the
 * control plane (the admin API). Wiring is explicit.
 */
public final class ClassicApi implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ClassicApi.class.getName());
    public static final String SERVED_BY = "classic";

    private final EmbeddedDatabase embedded;
    private final Database db;
    private final DatabaseLoader loader;
    private final RulesetRegistry registry;
    private final CdnPurger purger;
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicBoolean draining = new AtomicBoolean();
    private final EventStreamService events;
    private final GdnServer server;

    private ClassicApi(ClassicConfig config, OpenTelemetry otel) throws IOException {
        Clock clock = Clock.systemUTC();
        new JvmMemoryMetrics().bindTo(meters);
        new JvmGcMetrics().bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        if (config.jdbcUrl() == null) {
            embedded = EmbeddedDatabase.start(config.dataDir(), config.embeddedDbPort());
            db = new Database(embedded.jdbcUrl(), null, null);
            LOG.log(Level.INFO, "embedded PostgreSQL on port {0,number,#}, data in {1}", embedded.port(), config.dataDir());
        } else {
            embedded = null;
            db = new Database(config.jdbcUrl(), config.dbUser(), config.dbPassword());
        }
        try {
            db.migrate();
        } catch (RuntimeException e) {
            // An unreachable database at start is survivable (nothing to serve yet, admin writes 503); a failed migration is not.
            LOG.log(Level.WARNING, "cannot migrate the database now ({0}); will serve once it is reachable", e.getMessage());
        }
        registry = new RulesetRegistry(() -> new HashSet<>(registryEnvironments()), null, "database");
        RulesetReads reads = new RulesetReads(db.dataSource());
        loader = new DatabaseLoader(db, reads, registry, config.checkInterval(), clock);
        loader.start();
        // The versions loaded at start replace nothing a POP got from this process; every later one purges.
        purger = config.cdnPurge().isEmpty() ? null : new CdnPurger(config.cdnPurge(), meters);
        if (purger != null) {
            registry.addListener(purger);
            registry.environments().forEach(env -> registry.current(env).ifPresent(purger::loaded));
        }
        ClassicRulesetSource source = new ClassicRulesetSource(registry, reads, clock);
        events = new EventStreamService(source, config.events(), SERVED_BY, meters);
        GdnServer.Builder builder = GdnServer.builder("classic")
                .host(config.host())
                .port(config.port())
                .limits(config.limits())
                .drain(config.drainTimeout())
                .meters(meters)
                .filter(new RequestTracing(otel))
                .service(new EvaluationService(source, SERVED_BY, config.cdn(), meters, otel, events), events,
                        new HealthService(source, draining::get, loader::degradedReason, clock), new MetricsService(meters),
                        new AdminService(new AdminRepository(db.dataSource(), clock), loader, config.adminToken()));
        GdnServer started;
        try {
            started = builder.start();
        } catch (RuntimeException e) {
            // a classic API that never listened leaves no loader, pool or embedded database behind
            loader.close();
            if (purger != null) {
                purger.close();
            }
            closeDatabase();
            throw e;
        }
        server = started;
        if (purger != null) {
            purger.warmUp(HealthService.liveUrl(config.host(), server.port()));
        }
        LOG.log(Level.INFO, "classic API listening on {0}:{1,number,#}", config.host(), server.port());
    }

    /** Ready needs a version of every environment that has one; environments never uploaded do not block. */
    private java.util.Set<String> registryEnvironments() {
        return new HashSet<>(registry.environments());
    }

    /** A classic API that carries callers' trace context into its logs but records no spans. */
    public static ClassicApi start(ClassicConfig config) throws IOException {
        return start(config, RequestTracing.propagationOnly());
    }

    /** @param otel spans for requests and evaluations (an SDK from the OTEL_* variables, or propagation only) */
    public static ClassicApi start(ClassicConfig config, OpenTelemetry otel) throws IOException {
        return new ClassicApi(config, otel);
    }

    public int port() {
        return server.port();
    }

    public Database database() {
        return db;
    }

    public void drainAndStop(long drainMillis) {
        draining.set(true);
        try {
            Thread.sleep(drainMillis / 2);
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
        loader.close();
        if (purger != null) {
            purger.close();
        }
        closeDatabase();
    }

    private void closeDatabase() {
        db.close();
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "stopping the embedded database: {0}", e.toString());
            }
        }
    }

    /** Payload bound of the listener: the admin API accepts flag files up to 16 MiB. */
    static final class AdminServiceLimits {
        static final long MAX_PAYLOAD = 17L * 1024 * 1024;

        private AdminServiceLimits() {
        }
    }
}
