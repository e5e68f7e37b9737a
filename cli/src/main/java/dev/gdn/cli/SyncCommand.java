package dev.gdn.cli;

import dev.gdn.cli.logging.Logging;
import dev.gdn.cli.telemetry.Telemetry;
import dev.gdn.classic.db.Database;
import dev.gdn.classic.db.EmbeddedDatabase;
import dev.gdn.classic.db.SyncLedger;
import dev.gdn.classic.sync.SyncDaemon;
import dev.gdn.ruleset.envelope.SigningKey;
import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.sync.publish.WritePolicy;
import dev.gdn.sync.store.ObjectStore;
import dev.gdn.classic.sync.SyncServer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "sync",
        description = {"Run the sync daemon: sign and publish every committed ruleset version from PostgreSQL to every store,",
            "in version order, record where each went, and repair stores that fell behind.",
            "Run two for high availability: one leads (a PostgreSQL advisory lock), the other takes over within seconds.",
            "Serves /metrics (Prometheus) and /health/live, /health/ready (leader or healthy standby, database reachable) on --port."},
        mixinStandardHelpOptions = true)
final class SyncCommand implements Callable<Integer> {
    @Option(names = "--db", paramLabel = "JDBC_URL", description = "the classic API's PostgreSQL (default: the embedded one running in --data-dir)")
    String db;

    @Option(names = "--db-user", defaultValue = "${env:GDN_DB_USER}", paramLabel = "USER")
    String dbUser;

    @Option(names = "--db-password", defaultValue = "${env:GDN_DB_PASSWORD}", paramLabel = "PASSWORD")
    String dbPassword;

    @Option(names = "--data-dir", defaultValue = "gdn-data", paramLabel = "DIR", description = "where `gdn classic` runs its embedded database (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--to", required = true, paramLabel = "URI", description = "a store (repeatable)")
    List<String> stores = new ArrayList<>();

    @Option(names = "--sign-key", required = true, paramLabel = "KEY", description = "signing key file from `gdn keygen`")
    Path signKey;

    @Option(names = "--trust", paramLabel = "PUBKEY", description = "other public keys whose existing indexes to accept")
    List<Path> trust = new ArrayList<>();

    @Option(names = "--poll", defaultValue = "2s", paramLabel = "DURATION", description = "polling fallback behind NOTIFY (default: ${DEFAULT-VALUE})")
    String poll;

    @Option(names = "--reconcile", defaultValue = "30s", paramLabel = "DURATION", description = "reconcile period (default: ${DEFAULT-VALUE})")
    String reconcile;

    @Option(names = "--timeout", defaultValue = "10s", paramLabel = "DURATION", description = "the most one publication waits for any store")
    String timeout;

    @Option(names = "--host", defaultValue = "0.0.0.0", paramLabel = "ADDR", description = "listen address of /metrics and /health/* (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", defaultValue = "8082", paramLabel = "N", description = "port of /metrics and /health/* (default: ${DEFAULT-VALUE}; 0 picks a free one)")
    int port;

    @Override
    public Integer call() throws Exception {
        Logging.configure(java.util.logging.Level.INFO);
        String url = db != null ? db : EmbeddedDatabase.readJdbcUrl(dataDir);
        if (url == null) {
            throw new CliException(ExitCodes.USAGE, "no --db, and no running embedded database in " + dataDir
                    + " (start `gdn classic --data-dir " + dataDir + "` first, or give --db)");
        }
        SigningKey key = KeyFiles.loadSigningKey(signKey);
        TrustedKeys trusted = trust.isEmpty() ? TrustedKeys.of() : KeyFiles.loadTrusted(trust);
        Duration deadline = Durations.parse(timeout, "--timeout");
        List<ObjectStore> opened = StoreArgs.open(stores, deadline);
        Database database = new Database(url, dbUser, dbPassword);
        Telemetry telemetry = Telemetry.start("gdn-sync");
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(meters);
        new JvmGcMetrics().bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);
        new UptimeMetrics().bindTo(meters);
        SyncDaemon daemon = new SyncDaemon(database, new SyncLedger(database.dataSource()), opened, key,
                trusted, new WritePolicy(deadline, 3, Duration.ofMillis(100), Duration.ofSeconds(30)),
                Durations.parse(poll, "--poll"), Durations.parse(reconcile, "--reconcile"), Clock.systemUTC(), meters,
                telemetry.openTelemetry());
        SyncServer server = SyncServer.start(host, port, daemon, meters);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            daemon.close();
            server.close();
            database.close();
            telemetry.close();
            stopped.countDown();
        }, "gdn-shutdown"));
        daemon.start();
        Logging.status("gdn sync running (" + stores.size() + " stores); metrics and health on port " + server.port());
        stopped.await();
        return ExitCodes.OK;
    }
}
