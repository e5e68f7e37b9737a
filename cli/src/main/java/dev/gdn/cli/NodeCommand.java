package dev.gdn.cli;

import dev.gdn.cli.logging.Logging;
import dev.gdn.cli.telemetry.Telemetry;
import dev.gdn.node.GdnNode;
import dev.gdn.node.NodeConfig;
import dev.gdn.node.http.CdnPolicy;
import dev.gdn.node.server.ServerLimits;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "node",
        description = {"Run a GDN node: serve OFREP, CDN-cacheable evaluations, ruleset downloads and a gRPC watch stream",
            "from verified rulesets in redundant object stores (or, for development, from one flagd file).",
            "Stops gracefully on SIGTERM: readiness turns 503, in-flight requests finish, then it exits."},
        mixinStandardHelpOptions = true)
final class NodeCommand implements Callable<Integer> {
    static final class StoreMode {
        @Option(names = "--store", required = true, paramLabel = "URI", description = "a store to read (repeatable)")
        List<String> stores = new ArrayList<>();

        @Option(names = "--trust", required = true, paramLabel = "PUBKEY", description = "public key file whose signatures to accept (repeatable)")
        List<Path> trust = new ArrayList<>();

        @Option(names = "--env", paramLabel = "ENV", description = "serve only these environments (repeatable; default: all in the stores)")
        List<String> envs = new ArrayList<>();

        @Option(names = "--cache-dir", paramLabel = "DIR", description = "keep every verified ruleset here and serve from it when the stores are down")
        Path cacheDir;
    }

    static final class FileMode {
        @Option(names = "--flags", required = true, paramLabel = "FILE.json", description = "serve this flagd file as environment \"default\", reloading it on change")
        Path flagsFile;

        @Option(names = "--client-key", paramLabel = "KEY", description = "require this client key (with --flags; default: no key needed)")
        String clientKey;

        @Option(names = "--server-key", paramLabel = "KEY", description = "require this server key (with --flags)")
        String serverKey;
    }

    static final class Mode {
        @ArgGroup(exclusive = false, multiplicity = "1")
        StoreMode stores;

        @ArgGroup(exclusive = false, multiplicity = "1")
        FileMode file;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Mode mode;

    @Option(names = "--host", defaultValue = "0.0.0.0", paramLabel = "ADDR", description = "listen address (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", defaultValue = "${env:PORT:-8080}", paramLabel = "N", description = "listen port (default: $PORT or 8080; 0 picks a free one)")
    int port;

    @Option(names = "--region", defaultValue = "${env:FLY_REGION:-local}", paramLabel = "R", description = "region in GDN-Served-By (default: $FLY_REGION or local)")
    String region;

    @Option(names = "--node-id", defaultValue = "${env:FLY_MACHINE_ID}", paramLabel = "ID", description = "node id in GDN-Served-By (default: $FLY_MACHINE_ID or random)")
    String nodeId;

    @Option(names = "--poll", defaultValue = "500ms", paramLabel = "DURATION",
            description = "store index (or flag file) poll interval (default: ${DEFAULT-VALUE}: a publish reaches applications within 1 s p99)")
    String poll;

    @Option(names = "--store-timeout", defaultValue = "5s", paramLabel = "DURATION", description = "per store call (default: ${DEFAULT-VALUE})")
    String storeTimeout;

    @Option(names = "--drain", defaultValue = "10s", paramLabel = "DURATION", description = "graceful shutdown budget (default: ${DEFAULT-VALUE})")
    String drain;

    @Option(names = "--cdn-s-maxage", defaultValue = "10s", paramLabel = "DURATION", description = "CDN freshness of cacheable evaluations (default: ${DEFAULT-VALUE})")
    String sMaxAge;

    @Mixin
    CdnPurgeOption cdnPurge;

    @Mixin
    EventStreamArgs events;

    @Mixin
    ConnectionLimitArgs connectionLimits;

    @Override
    public Integer call() throws Exception {
        Logging.configure(java.util.logging.Level.INFO);
        String id = nodeId == null || nodeId.isBlank() ? HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()) : nodeId;
        boolean fileMode = mode.file != null;
        NodeConfig config = new NodeConfig(host, port, region, id,
                fileMode ? List.of() : mode.stores.stores,
                fileMode ? List.of() : mode.stores.trust,
                fileMode ? Set.of() : Set.copyOf(mode.stores.envs),
                fileMode ? null : mode.stores.cacheDir,
                fileMode ? mode.file.flagsFile : null,
                fileMode ? mode.file.clientKey : null,
                fileMode ? mode.file.serverKey : null,
                Durations.parse(poll, "--poll"), Durations.parse(storeTimeout, "--store-timeout"),
                Durations.parse(drain, "--drain"),
                new CdnPolicy(Durations.parse(sMaxAge, "--cdn-s-maxage"), CdnPolicy.DEFAULT.staleWhileRevalidate(),
                        CdnPolicy.DEFAULT.staleIfError()),
                cdnPurge.uris(), events.config(), connectionLimits.limits(ServerLimits.DEFAULT));
        Telemetry telemetry = Telemetry.start("gdn-node");
        GdnNode node;
        try {
            node = GdnNode.start(config, telemetry.openTelemetry());
        } catch (dev.gdn.ruleset.compile.FlagFileException e) {
            throw new CliException(ExitCodes.BAD_INPUT, config.flagsFile() + ": " + e.getMessage());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new CliException(ExitCodes.BAD_INPUT, e.getFile() + ": no such file");
        } catch (dev.gdn.sync.store.StoreException | java.io.IOException e) {
            throw new CliException(ExitCodes.BAD_INPUT, e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.drainAndStop();
            telemetry.close();
            stopped.countDown();
        }, "gdn-shutdown"));
        // machine-readable for scripts and tests that start nodes on port 0
        Logging.status("gdn node listening on port " + node.port());
        stopped.await();
        return ExitCodes.OK;
    }

}
