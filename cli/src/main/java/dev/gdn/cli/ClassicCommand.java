package dev.gdn.cli;

import dev.gdn.cli.logging.Logging;
import dev.gdn.cli.telemetry.Telemetry;
import dev.gdn.classic.ClassicApi;
import dev.gdn.classic.ClassicConfig;
import dev.gdn.node.http.CdnPolicy;
import dev.gdn.node.server.ServerLimits;
import dev.gdn.ruleset.files.AtomicFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "classic",
        description = {"Run the classic API: the suspenders (the same evaluation routes as a GDN node, over PostgreSQL)",
            "and the control plane (admin API: environments, API keys, flag uploads, versions, rollback).",
            "Without --db, an embedded PostgreSQL keeps its data in --data-dir, so a restart keeps every flag and key."},
        mixinStandardHelpOptions = true)
final class ClassicCommand implements Callable<Integer> {
    @Option(names = "--db", paramLabel = "JDBC_URL", description = "an external PostgreSQL, e.g. jdbc:postgresql://db:5432/gdn (default: embedded)")
    String db;

    @Option(names = "--db-user", defaultValue = "${env:GDN_DB_USER}", paramLabel = "USER")
    String dbUser;

    @Option(names = "--db-password", defaultValue = "${env:GDN_DB_PASSWORD}", paramLabel = "PASSWORD", description = "(default: $GDN_DB_PASSWORD)")
    String dbPassword;

    @Option(names = "--data-dir", defaultValue = "gdn-data", paramLabel = "DIR", description = "embedded database and admin token (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--db-port", defaultValue = "0", paramLabel = "N", description = "port of the embedded database (default: any free)")
    int dbPort;

    @Option(names = "--host", defaultValue = "0.0.0.0", paramLabel = "ADDR")
    String host;

    @Option(names = "--port", defaultValue = "${env:PORT:-8081}", paramLabel = "N", description = "(default: $PORT or 8081; 0 picks a free one)")
    int port;

    @Option(names = "--admin-token", defaultValue = "${env:GDN_ADMIN_TOKEN}", paramLabel = "TOKEN",
            description = "admin API bearer token (default: $GDN_ADMIN_TOKEN, else DIR/admin-token, created on first start)")
    String adminToken;

    @Option(names = "--check", defaultValue = "5s", paramLabel = "DURATION", description = "periodic check behind NOTIFY (default: ${DEFAULT-VALUE})")
    String check;

    @Option(names = "--drain", defaultValue = "10s", paramLabel = "DURATION")
    String drain;

    @Mixin
    CdnPurgeOption cdnPurge;

    @Mixin
    EventStreamArgs events;

    @Mixin
    ConnectionLimitArgs connectionLimits;

    @Override
    public Integer call() throws Exception {
        Logging.configure(java.util.logging.Level.INFO);
        // checked before anything is written
        java.util.List<java.net.URI> purge = cdnPurge.uris();
        ServerLimits limits = connectionLimits.limits(ClassicConfig.DEFAULT_LIMITS);
        String token = adminToken != null && !adminToken.isBlank() ? adminToken : adminTokenFile(dataDir);
        ClassicConfig config = new ClassicConfig(host, port, db, dbUser, dbPassword, dataDir, dbPort, token,
                Durations.parse(check, "--check"), Durations.parse(drain, "--drain"), CdnPolicy.DEFAULT, purge, events.config(), limits);
        Telemetry telemetry = Telemetry.start("gdn-classic");
        ClassicApi api = ClassicApi.start(config, telemetry.openTelemetry());
        CountDownLatch stopped = new CountDownLatch(1);
        long drainMillis = config.drainTimeout().toMillis();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            api.drainAndStop(drainMillis);
            telemetry.close();
            stopped.countDown();
        }, "gdn-shutdown"));
        Logging.status("gdn classic listening on port " + api.port());
        stopped.await();
        return ExitCodes.OK;
    }

    /** The admin token kept in the data directory (owner-only), made on first start. */
    static String adminTokenFile(Path dataDir) throws java.io.IOException {
        Path file = dataDir.resolve("admin-token");
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.US_ASCII).trim();
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String token = "gdn_admin_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        AtomicFile.write(file, (token + "\n").getBytes(StandardCharsets.US_ASCII), PosixFilePermissions.fromString("rw-------"));
        System.getLogger(ClassicCommand.class.getName()).log(System.Logger.Level.INFO,
                "created an admin token in {0} (owner-only); use it as Authorization: Bearer <token>", file);
        return token;
    }
}
