package dev.gdn.cli;

import dev.gdn.regions.catalog.Region;
import dev.gdn.regions.catalog.RegionCatalog;
import dev.gdn.regions.world.StatusText;
import dev.gdn.regions.world.World;
import dev.gdn.regions.world.WorldException;
import dev.gdn.regions.world.WorldLayout;
import dev.gdn.ruleset.json.JsonReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "world",
        description = {"A whole multi-region GDN on this machine: PostgreSQL, S3Proxy, the classic API, two sync daemons,",
            "a node and a Varnish belt POP per region, a suspenders POP, and a latency link in front of every",
            "client→tier path, with a status page."},
        mixinStandardHelpOptions = true,
        subcommands = {WorldCommand.Up.class, WorldCommand.Status.class})
final class WorldCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: up or status");
    }

    @Command(name = "up",
            description = {"Start a world in DIR and run it until SIGINT/SIGTERM, then stop every process it started.",
                "Writes DIR/world.json (endpoints, keys, pids) once every part is ready. A DIR from an earlier run keeps its",
                "database, stores and keys."},
            mixinStandardHelpOptions = true)
    static final class Up implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "the world's files: world.json, logs, data")
        Path dir;

        @Option(names = "--regions", defaultValue = "ams,iad,syd", paramLabel = "CODES",
                description = "Fly.io region codes, 1 to 8, the first is home to the classic API and stores (default: ${DEFAULT-VALUE})")
        String regions;

        @Option(names = "--port", defaultValue = "" + WorldLayout.DEFAULT_PORT, paramLabel = "N",
                description = "the port every part listens on, each on its own 127.0.x.y address (default: ${DEFAULT-VALUE})")
        int port;

        @Option(names = "--flags", paramLabel = "FILE.json", description = "flag file to seed environment prod with (default: a bundled example)")
        Path flags;

        @Override
        public Integer call() throws Exception {
            List<Region> list;
            try {
                list = RegionCatalog.standard().parseList(regions);
                new WorldLayout(list, port);
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, e.getMessage());
            }
            if (flags != null && !Files.isReadable(flags)) {
                throw new CliException(ExitCodes.BAD_INPUT, flags + ": no such file");
            }
            String classPath = System.getProperty("java.class.path");
            String s3proxy = System.getenv("GDN_S3PROXY_JAR");
            World.Options options = new World.Options(dir, list, port,
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), classPath, forwardedJvmFlags(),
                    s3proxy != null && !s3proxy.isBlank() ? Path.of(s3proxy) : World.findS3ProxyJar(classPath), flags, System.out);
            World world;
            try {
                world = World.up(options);
            } catch (WorldException e) {
                throw new CliException(ExitCodes.WORLD, e.getMessage());
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                System.out.println("stopping the world...");
                world.close();
                System.out.println("stopped.");
                stopped.countDown();
            }, "gdn-world-stop"));
            System.out.print(StatusText.endpoints(world));
            System.out.flush();
            stopped.await();
            return ExitCodes.OK;
        }

        /** JVM flags the children need as much as this JVM does (the launcher's, e.g. Unsafe access on JDK 23+). */
        private static List<String> forwardedJvmFlags() {
            return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                    .filter(a -> a.startsWith("--sun-misc-unsafe-memory-access") || a.startsWith("--enable-native-access"))
                    .toList();
        }
    }

    @Command(name = "status",
            description = "Print a running world's state: per region the node's version and lag, the belt POP's state and hit ratio, the links; the suspenders POP; every part and the total memory.",
            mixinStandardHelpOptions = true)
    static final class Status implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--dir", required = true, paramLabel = "DIR")
        Path dir;

        @Option(names = "--json", description = "print the status as JSON (what the status page reads)")
        boolean json;

        @Override
        @SuppressWarnings("unchecked")
        public Integer call() throws Exception {
            Path file = dir.resolve("world.json");
            if (!Files.exists(file)) {
                throw new CliException(ExitCodes.WORLD, "no world is running in " + dir + " (no world.json; start one with gdn world up --dir " + dir + ")");
            }
            Object doc = JsonReader.standard().read(Files.readAllBytes(file));
            String control = doc instanceof Map<?, ?> m && m.get("control") instanceof String c ? c : null;
            if (control == null) {
                throw new CliException(ExitCodes.WORLD, file + ": no \"control\" URL");
            }
            HttpResponse<String> res;
            try {
                res = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                        .send(HttpRequest.newBuilder(URI.create(control + "/status.json")).timeout(Duration.ofSeconds(10)).build(),
                                HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException e) {
                throw new CliException(ExitCodes.WORLD, "the world in " + dir + " does not answer at " + control + " (" + e.getMessage()
                        + "); is it still running?");
            }
            if (json) {
                spec.commandLine().getOut().println(res.body());
            } else {
                spec.commandLine().getOut().print(StatusText.status((Map<String, Object>) JsonReader.standard().read(res.body())));
            }
            return ExitCodes.OK;
        }
    }
}
