package dev.gdn.regions.world;

import dev.gdn.node.server.GdnServer;
import dev.gdn.regions.catalog.Region;
import dev.gdn.regions.catalog.RegionCatalog;
import dev.gdn.regions.catalog.RoundTrip;
import dev.gdn.regions.cdn.CdnException;
import dev.gdn.regions.cdn.Origin;
import dev.gdn.regions.cdn.VarnishPop;
import dev.gdn.regions.cdn.VarnishPopConfig;
import dev.gdn.regions.link.LinkControlService;
import dev.gdn.regions.link.LinkPath;
import dev.gdn.regions.link.Links;
import dev.gdn.ruleset.envelope.SigningKey;
import dev.gdn.ruleset.files.AtomicFile;
import dev.gdn.ruleset.json.JsonReader;
import dev.gdn.ruleset.json.JsonWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

/**
 * A whole GDN on one machine: one supervising process (this) that starts every part as a real child
 * process — PostgreSQL, S3Proxy, the classic API, two sync daemons, a node per region, a Varnish belt POP
 * per region and one suspenders POP — puts a latency link in front of every client→tier path, seeds an
 * environment, serves a status page and the link and part control API, and writes {@code DIR/world.json}
 * (SPEC §6) once everything is ready.
 *
 * <p>Children run the {@code gdn} CLI as {@code java -cp <this JVM's class path> dev.gdn.cli.GdnCommand …}:
 * the CLI module depends on this one, so naming its main class (a string) rather than importing it keeps
 * the module graph one-way, and every part is exactly what {@code gdn node}, {@code gdn classic} or
 * {@code gdn sync} runs in production.
 */
public final class World implements AutoCloseable {
    public static final String ENVIRONMENT = "prod";
    public static final String CLI_MAIN = "dev.gdn.cli.GdnCommand";
    static final String S3_BUCKET = "gdn";
    static final String S3_IDENTITY = "gdn-world";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    /**
     * @param java        the java launcher for child JVMs
     * @param classPath   the class path children run the CLI from (this JVM's)
     * @param jvmFlags    flags every child JVM gets besides the world's small-heap ones
     * @param s3proxyJar  S3Proxy's jar-with-dependencies, run as its own process
     * @param seedFlags   the flag file seeded into environment "prod" (null: the bundled example)
     */
    public record Options(Path dir, List<Region> regions, int port, String java, String classPath, List<String> jvmFlags,
                          Path s3proxyJar, Path seedFlags, PrintStream progress) {
        public Options {
            dir = dir.toAbsolutePath().normalize();
            regions = List.copyOf(regions);
            jvmFlags = List.copyOf(jvmFlags);
        }
    }

    private final Options options;
    private final WorldLayout layout;
    private final RegionCatalog catalog = RegionCatalog.standard();
    private final Map<String, Part> parts = new LinkedHashMap<>();
    /** The running varnishd of each POP part, by part name (replaced when a drill starts the part again). */
    private final Map<String, VarnishPop> pops = new ConcurrentHashMap<>();
    private final Object pidsFile = new Object();
    private final long startNanos = System.nanoTime();
    private final Path dir;
    private FileChannel lockChannel;
    private FileLock lock;
    private Links links;
    private GdnServer control;
    private WorldStatus status;
    private String adminToken;
    private String s3Secret;
    private AdminClient.Seed seed;
    private volatile boolean closed;

    private World(Options options) {
        this.options = options;
        this.layout = new WorldLayout(options.regions(), options.port());
        this.dir = options.dir();
    }

    /** Starts a world and returns once every part is ready and world.json is written; on failure stops what it started. */
    public static World up(Options options) {
        World world = new World(options);
        try {
            world.start();
            return world;
        } catch (RuntimeException | Error e) {
            world.close();
            throw e;
        }
    }

    public WorldLayout layout() {
        return layout;
    }

    public Path dir() {
        return dir;
    }

    public Links links() {
        return links;
    }

    public List<Part> parts() {
        synchronized (parts) {
            return new ArrayList<>(parts.values());
        }
    }

    public Part part(String name) {
        synchronized (parts) {
            Part p = parts.get(name);
            if (p == null) {
                throw new IllegalArgumentException("no part named '" + name + "' (parts: " + String.join(", ", parts.keySet()) + ")");
            }
            return p;
        }
    }

    AdminClient admin() {
        return new AdminClient(WorldLayout.url(layout.classic()), adminToken);
    }

    AdminClient.Seed seed() {
        return seed;
    }

    RegionCatalog catalog() {
        return catalog;
    }

    List<String> storeUris() {
        return List.of("file://" + dir.resolve("stores/dir"),
                "s3://" + S3_BUCKET + "/world?endpoint=" + WorldLayout.url(layout.s3()) + "&region=us-east-1");
    }

    Map<String, String> s3Environment() {
        return Map.of("AWS_ACCESS_KEY_ID", S3_IDENTITY, "AWS_SECRET_ACCESS_KEY", s3Secret, "AWS_REGION", "us-east-1");
    }

    private void start() {
        // the libraries the parts' set-up uses log through SLF4J: initialised here, once, because its first use
        // from several threads at a time prints a warning about "replaying" intercepted calls
        org.slf4j.LoggerFactory.getILoggerFactory();
        try {
            Files.createDirectories(dir);
            lock();
            cleanUpAfterKilledWorld();
            checkAddressesFree();
            Files.createDirectories(dir.resolve("logs"));
            prepareSecrets();
        } catch (IOException e) {
            throw new WorldException(dir + ": " + e.getMessage(), e);
        }
        progress("world in " + dir + ": " + layout.regions().size() + " regions ("
                + String.join(", ", layout.regions().stream().map(Region::code).toList()) + "), port " + layout.port());

        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> postgres = pool.submit(() -> startAndAwait(postgresPart(PostgresBinaries.prepare(dir.resolve("postgres/binaries")))));
            Future<?> s3 = pool.submit(() -> startAndAwait(s3ProxyPart()));
            startLinksAndControl();
            Future<?> classicUp = pool.submit(() -> {
                get(postgres);
                startAndAwait(classicPart());
                return null;
            });
            // the sync daemons need only PostgreSQL and the stores: their JVMs start alongside the classic API's
            // (the leader retries each second until the classic API has migrated the schema, then LISTENs), so the
            // seed's NOTIFY finds a running leader instead of waiting ~4 s for two more JVMs to start after it
            List<Future<?>> syncs = new ArrayList<>();
            for (int i = 1; i <= 2; i++) {
                int n = i;
                syncs.add(pool.submit(() -> {
                    get(postgres);
                    get(s3);
                    return startAndAwait(syncPart(n));
                }));
            }
            Future<?> seeded = pool.submit(() -> {
                get(classicUp);
                seed = seedEnvironment();
                syncs.forEach(World::get);
                return null;
            });
            // nodes start at once: they read the stores and turn ready when the first version arrives
            get(s3);
            List<Future<?>> nodes = new ArrayList<>();
            for (Region r : layout.regions()) {
                nodes.add(pool.submit(() -> {
                    nodePart(r).start();
                    recordPids();
                    return null;
                }));
            }
            nodes.forEach(World::get);
            // belt POPs together, while the nodes warm up: each varnishd compiles its VCL with the C
            // compiler (a second or two of CPU), which would otherwise come after the nodes' start
            List<Future<?>> belts = new ArrayList<>();
            for (Region r : layout.regions()) {
                Part belt = beltPopPart(r);
                belts.add(pool.submit(() -> startAndAwait(belt)));
            }
            // the suspenders POP too: its VCL compile overlaps the classic API's start (which it waited for before,
            // putting 2-7 s after the classic API on the critical path); world.json waits until it reaches its origin
            Part suspendersPop = suspendersPopPart();
            Future<?> suspenders = pool.submit(() -> startAndAwait(suspendersPop));
            get(seeded);
            List<Future<?>> ready = new ArrayList<>();
            for (Region r : layout.regions()) {
                Part node = part("node-" + r.code());
                ready.add(pool.submit(() -> {
                    node.awaitReady(READY_TIMEOUT);
                    progress(node.name() + " ready on " + WorldLayout.url(layout.node(r)).substring(7) + " ("
                            + String.format(Locale.ROOT, "%.1f s", node.secondsSinceStart()) + ")");
                    return null;
                }));
            }
            ready.forEach(World::get);
            belts.forEach(World::get);
            get(suspenders);
            List<Future<?>> served = new ArrayList<>();
            for (Region r : layout.regions()) {
                served.add(pool.submit(() -> awaitOriginThroughPop("belt-" + r.code(), layout.beltPop(r))));
            }
            served.add(pool.submit(() -> awaitOriginThroughPop("suspenders", layout.suspendersPop())));
            served.forEach(World::get);
        }
        writeDescription();
        progress(String.format(Locale.ROOT, "world ready in %.1f s: %s", (System.nanoTime() - startNanos) / 1e9, dir.resolve("world.json")));
    }

    private static <T> T get(Future<T> f) {
        try {
            return f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof WorldException w) {
                throw w;
            }
            throw new WorldException(String.valueOf(c.getMessage()), c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WorldException("interrupted while starting");
        }
    }

    private Void startAndAwait(Part part) throws IOException {
        part.start();
        recordPids();
        part.awaitReady(READY_TIMEOUT);
        progress(part.name() + " ready (" + String.format(Locale.ROOT, "%.1f s", part.secondsSinceStart()) + ")");
        return null;
    }

    private Part register(Part part) {
        synchronized (parts) {
            parts.put(part.name(), part);
        }
        recordPids();
        return part;
    }

    // ---- the parts

    /** A child JVM: small heap, one GC thread, C1 only (a dozen JVMs share 2 cores and ~1.5 GiB). */
    private List<String> java(String heap, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(options.java());
        cmd.addAll(List.of("-Xmx" + heap, "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-XX:ReservedCodeCacheSize=32m", "-XX:MaxMetaspaceSize=128m", "-Xshare:auto"));
        cmd.addAll(options.jvmFlags());
        cmd.addAll(List.of(args));
        return cmd;
    }

    private List<String> cli(String heap, String... args) {
        List<String> cmd = java(heap, "-cp", options.classPath(), CLI_MAIN);
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** The CLI's parts stop when the world's end of their stdin closes (see GdnCommand), even if the world is SIGKILLed. */
    private static final Map<String, String> EXIT_WITH_PARENT = Map.of("GDN_EXIT_WITH_PARENT", "1");

    private static Map<String, String> withParentWatch(Map<String, String> env) {
        Map<String, String> all = new LinkedHashMap<>(env);
        all.putAll(EXIT_WITH_PARENT);
        return all;
    }


    private Path log(String name) {
        return dir.resolve("logs").resolve(name + ".log");
    }

    private String jdbcUrl() {
        return "jdbc:postgresql://" + layout.postgres().getAddress().getHostAddress() + ":" + layout.port() + "/postgres";
    }

    private Part postgresPart(Path binaries) throws IOException, InterruptedException {
        Path data = dir.resolve("postgres/pgdata");
        if (!Files.exists(data.resolve("PG_VERSION"))) {
            Files.createDirectories(data.getParent());
            Process initdb = new ProcessBuilder(PostgresBinaries.asUnprivileged(List.of(binaries.resolve("bin/initdb").toString(),
                    "-D", data.toString(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log("postgres-initdb").toFile())).start();
            if (initdb.waitFor() != 0) {
                throw new WorldException("initdb failed; see " + log("postgres-initdb"));
            }
        }
        List<String> cmd = PostgresBinaries.asUnprivileged(List.of(binaries.resolve("bin/postgres").toString(), "-D", data.toString(),
                "-p", Integer.toString(layout.port()),
                "-c", "listen_addresses=" + layout.postgres().getAddress().getHostAddress(),
                "-c", "unix_socket_directories=",
                "-c", "max_connections=60", "-c", "shared_buffers=16MB", "-c", "fsync=off"));
        return register(new Part("postgres", "postgres", null, cmd, Map.of(), log("postgres"), "INT",
                Probe.jdbc(jdbcUrl(), "postgres")));
    }

    private Part s3ProxyPart() throws IOException {
        Path base = dir.resolve("s3proxy");
        Files.createDirectories(base.resolve("data").resolve(S3_BUCKET)); // a directory is a bucket to the filesystem provider
        Path props = base.resolve("s3proxy.properties");
        String text = String.join("\n",
                "s3proxy.endpoint=" + WorldLayout.url(layout.s3()),
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + S3_IDENTITY,
                "s3proxy.credential=" + s3Secret,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + base.resolve("data")) + "\n";
        AtomicFile.write(props, text.getBytes(StandardCharsets.UTF_8), PosixFilePermissions.fromString("rw-------"));
        if (options.s3proxyJar() == null || !Files.isRegularFile(options.s3proxyJar())) {
            throw new WorldException("S3Proxy's jar is missing (" + options.s3proxyJar() + "); build the CLI (./gdn builds it) or set GDN_S3PROXY_JAR");
        }
        return register(new Part("s3proxy", "s3proxy", null, java("96m", "-jar", options.s3proxyJar().toString(), "--properties", props.toString()),
                Map.of(), log("s3proxy"), "TERM", Probe.tcp(layout.s3())));
    }

    private Part classicPart() {
        return register(new Part("classic", "classic", null,
                cli("96m", "classic", "--db", jdbcUrl(), "--db-user", "postgres", "--data-dir", dir.resolve("classic").toString(),
                        "--host", layout.classic().getAddress().getHostAddress(), "--port", Integer.toString(layout.port()),
                        "--check", "2s", "--drain", "1s", "--cdn-purge", WorldLayout.url(layout.suspendersPop()) + "/"),
                withParentWatch(Map.of("GDN_ADMIN_TOKEN", adminToken)), log("classic"), "TERM",
                Probe.http(WorldLayout.url(layout.classic()) + "/health/live", 200)));
    }

    private Part syncPart(int i) {
        List<String> args = new ArrayList<>(List.of("sync", "--db", jdbcUrl(), "--db-user", "postgres",
                "--data-dir", dir.resolve("classic").toString(), "--sign-key", dir.resolve("keys/gdn-signing.key").toString(),
                "--poll", "1s",
                // its /metrics and /health/* on a free loopback port: the default (0.0.0.0:8082) is one port for both
                // daemons and for every other world on the machine, and a sync that cannot listen exits
                "--host", "127.0.0.1", "--port", "0"));
        for (String store : storeUris()) {
            args.add("--to");
            args.add(store);
        }
        String name = "sync-" + i;
        return register(new Part(name, "sync", null, cli("64m", args.toArray(String[]::new)), withParentWatch(s3Environment()), log(name), "TERM",
                Probe.logLine(log(name), Pattern.compile("gdn sync running"))));
    }

    private Part nodePart(Region r) throws IOException {
        Path cache = dir.resolve("regions").resolve(r.code()).resolve("cache");
        Files.createDirectories(cache);
        List<String> args = new ArrayList<>(List.of("node", "--trust", dir.resolve("keys/gdn-signing.pub").toString(),
                "--cache-dir", cache.toString(), "--host", layout.node(r).getAddress().getHostAddress(),
                "--port", Integer.toString(layout.port()), "--region", r.code(), "--node-id", r.code() + "-1",
                "--poll", "200ms", "--drain", "1s"));
        for (String store : storeUris()) {
            args.add("--store");
            args.add(store);
        }
        // every node purges every belt POP: a POP fetches from other regions' nodes too (its fallbacks), and
        // the version floor in gdn-cdn.vcl keeps a lagging node's older answers out of the cache meanwhile
        for (Region pop : layout.regions()) {
            args.add("--cdn-purge");
            args.add(WorldLayout.url(layout.beltPop(pop)) + "/");
        }
        String name = "node-" + r.code();
        return register(new Part(name, "node", r.code(), cli("64m", args.toArray(String[]::new)), withParentWatch(s3Environment()), log(name), "TERM",
                Probe.http(WorldLayout.url(layout.node(r)) + "/health/ready", 200)));
    }

    /**
     * Region {@code r}'s belt POP: its own node first, then the other regions' nodes nearest first, each
     * through the link from {@code r} to it (a fallback fetch pays that RTT, as it would between regions).
     */
    private Part beltPopPart(Region r) {
        List<Origin> fallbacks = layout.regions().stream().filter(o -> !o.equals(r))
                .sorted(Comparator.comparingDouble(o -> catalog.rtt(r, o).millis()))
                .map(o -> origin(layout.nodeFrom(r, o))).toList();
        String name = "belt-" + r.code();
        return popPart(name, "belt_cdn", r.code(), VarnishPopConfig.belt(name, host(layout.beltPop(r)), layout.port(),
                dir.resolve("cdn").resolve(name), origin(layout.node(r)), fallbacks));
    }

    /** The one suspenders POP, in front of the classic API (a client in any region reaches it through its suspenders_cdn link). */
    private Part suspendersPopPart() {
        return popPart("suspenders", "suspenders_cdn", null, VarnishPopConfig.suspenders("suspenders", host(layout.suspendersPop()),
                layout.port(), dir.resolve("cdn").resolve("suspenders"), List.of(origin(layout.classic()))));
    }

    /** A POP as a part: each start is a new varnishd (after a kill, the old one's files are reused). */
    private Part popPart(String name, String kind, String region, VarnishPopConfig config) {
        return register(new Part(name, kind, region, config.workDir().resolve("varnishd.log"), "TERM",
                Probe.http(WorldLayout.url(new InetSocketAddress(config.host(), config.port())) + VarnishPop.LIVE_PATH, 200), () -> {
                    VarnishPop old = pops.remove(name);
                    if (old != null) {
                        old.close(); // killed by a drill: nothing left to stop, but its HTTP client
                    }
                    VarnishPop pop;
                    try {
                        pop = VarnishPop.start(config);
                    } catch (CdnException e) {
                        throw new WorldException(e.getMessage(), e);
                    }
                    pops.put(name, pop);
                    ProcessHandle handle = ProcessHandle.of(pop.pid()).orElseThrow(() -> new WorldException(name + ": varnishd exited at once"));
                    return new Part.Running(handle, () -> "(varnishd) exited", pop::close);
                }));
    }

    /**
     * A POP started before its origins were ready may have probed every origin sick: world.json waits until
     * the POP reaches an origin again ({@code /health/ready} through it answers 200), at most two probe intervals
     * after the origins are ready.
     */
    private Void awaitOriginThroughPop(String name, InetSocketAddress pop) {
        Probe through = Probe.http(WorldLayout.url(pop) + "/health/ready", 200);
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            try {
                if (through.ready()) {
                    return null;
                }
            } catch (Exception e) {
                // not yet
            }
            if (System.nanoTime() > deadline) {
                throw new WorldException(name + " reaches none of its origins within " + READY_TIMEOUT.toSeconds()
                        + " s; see " + part(name).log());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WorldException("interrupted while waiting for " + name);
            }
        }
    }

    /** The running POP of a part, if it has been started. */
    Optional<VarnishPop> pop(String partName) {
        return Optional.ofNullable(pops.get(partName));
    }

    private static Origin origin(InetSocketAddress a) {
        return new Origin(host(a), a.getPort());
    }

    private static String host(InetSocketAddress a) {
        return a.getAddress().getHostAddress();
    }

    // ---- links, control, seed

    /**
     * One link per client region and tier (SPEC §6's endpoints), plus one from every region to every other
     * region's node: a client (or a POP's fallback) in one region reaching a node elsewhere pays that RTT.
     */
    private void startLinksAndControl() {
        links = new Links(2);
        try {
            for (Region from : layout.regions()) {
                for (WorldLayout.Tier tier : WorldLayout.Tier.values()) {
                    InetSocketAddress target = switch (tier) {
                        case BELT_CDN -> layout.beltPop(from);
                        case NODE -> layout.node(from);
                        case SUSPENDERS_CDN -> layout.suspendersPop();
                        case CLASSIC -> layout.classic();
                    };
                    Region at = tier == WorldLayout.Tier.CLASSIC ? layout.home() : from;
                    addLink(from.code() + "." + tier.key, layout.endpoint(from, tier), target, catalog.rtt(from, at));
                }
                for (Region to : layout.regions()) {
                    if (!to.equals(from)) {
                        addLink(from.code() + ".node-" + to.code(), layout.nodeFrom(from, to), layout.node(to), catalog.rtt(from, to));
                    }
                }
            }
            status = new WorldStatus(this);
            control = GdnServer.builder("world-control")
                    .host(layout.control().getAddress().getHostAddress())
                    .port(layout.port())
                    .service(new LinkControlService(links), new PartControlService(this), new StatusPage(status))
                    .start();
        } catch (IOException e) {
            throw new WorldException(e.getMessage(), e);
        }
        progress(links.all().size() + " links and the status page " + WorldLayout.url(layout.control()) + "/ up");
    }

    private void addLink(String name, InetSocketAddress listen, InetSocketAddress target, RoundTrip rtt) throws IOException {
        Duration oneWay = Duration.ofNanos(Math.round(rtt.oneWayMillis() * 1e6));
        // jitter: 5 % of the one-way delay (real paths wobble; order is kept)
        links.add(new LinkPath(name, listen, target, oneWay, oneWay.dividedBy(20)));
    }

    private AdminClient.Seed seedEnvironment() throws Exception {
        Path seedFile = dir.resolve("seed.json");
        if (Files.exists(seedFile)) {
            Map<?, ?> s = (Map<?, ?>) JsonReader.standard().read(Files.readAllBytes(seedFile));
            progress("environment " + s.get("environment") + " kept from the last run (" + seedFile + ")");
            return new AdminClient.Seed((String) s.get("environment"), (String) s.get("client_key"), (String) s.get("server_key"));
        }
        byte[] flags;
        if (options.seedFlags() != null) {
            flags = Files.readAllBytes(options.seedFlags());
        } else {
            try (InputStream in = World.class.getResourceAsStream("/dev/gdn/regions/world/seed-flags.json")) {
                flags = in.readAllBytes();
            }
        }
        AdminClient.Seed s = admin().seed(ENVIRONMENT, flags);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("environment", s.environment());
        json.put("client_key", s.clientKey());
        json.put("server_key", s.serverKey());
        AtomicFile.write(seedFile, JsonWriter.toJson(json).getBytes(StandardCharsets.UTF_8), PosixFilePermissions.fromString("rw-------"));
        progress("seeded environment " + ENVIRONMENT + ": flags version 1, a client and a server key");
        return s;
    }

    // ---- files: lock, secrets, pids, world.json

    private void lock() throws IOException {
        lockChannel = FileChannel.open(dir.resolve("world.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        lock = lockChannel.tryLock();
        if (lock == null) {
            lockChannel.close();
            lockChannel = null;
            throw new WorldException(dir + " is in use by a running world (see " + dir.resolve("world.json")
                    + "); stop it first or use another --dir");
        }
    }

    /** A world killed with SIGKILL cannot stop its children: the next one in the same directory does. */
    private void cleanUpAfterKilledWorld() throws IOException {
        Path pids = dir.resolve("world.pids");
        if (!Files.exists(pids)) {
            return;
        }
        List<ProcessHandle> leftovers = new ArrayList<>();
        for (String line : Files.readAllLines(pids)) {
            String[] f = line.split(" ", 2);
            if (f.length != 2) {
                continue;
            }
            ProcessHandle.of(Long.parseLong(f[0])).ifPresent(h -> {
                String cmd = h.info().commandLine().orElse("");
                if (cmd.contains(dir.toString())) {
                    progress("stopping " + f[1] + " (pid " + h.pid() + ") left over from a world that did not stop");
                    List<ProcessHandle> family = new ArrayList<>(h.descendants().toList());
                    family.add(h);
                    family.forEach(ProcessHandle::destroyForcibly);
                    leftovers.addAll(family);
                }
            });
        }
        // gone before their successors start: PostgreSQL refuses a data directory whose postmaster still
        // exits, varnishd a -n directory (and address) its predecessor still holds
        for (ProcessHandle h : leftovers) {
            try {
                h.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                progress("pid " + h.pid() + " did not exit within 10 s of SIGKILL: " + e);
            }
        }
        Files.delete(pids);
        Files.deleteIfExists(dir.resolve("world.json"));
    }

    /** Rewrites world.pids with every started part's pid (after each start: a world killed later leaves these). */
    private void recordPids() {
        synchronized (pidsFile) { // parts start in parallel: one writer at a time
            StringBuilder sb = new StringBuilder();
            for (Part p : parts()) {
                p.pid().ifPresent(pid -> sb.append(pid).append(' ').append(p.name()).append('\n'));
            }
            try {
                AtomicFile.write(dir.resolve("world.pids"), sb.toString().getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                progress("cannot record pids: " + e.getMessage());
            }
        }
    }

    private void checkAddressesFree() {
        for (WorldLayout.Binding b : layout.bindings()) {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(b.address());
            } catch (IOException e) {
                throw new WorldException(b.address().getAddress().getHostAddress() + ":" + b.address().getPort() + " (" + b.what()
                        + ") is taken (" + e.getMessage() + "); stop what uses it or pick another --port");
            }
        }
    }

    private void prepareSecrets() throws IOException {
        Path keys = dir.resolve("keys");
        if (!Files.exists(keys.resolve("gdn-signing.key"))) {
            SigningKey key = SigningKey.generate();
            AtomicFile.write(keys.resolve("gdn-signing.key"), key.toPem().getBytes(StandardCharsets.US_ASCII),
                    PosixFilePermissions.fromString("rw-------"));
            AtomicFile.write(keys.resolve("gdn-signing.pub"), key.publicKeyPem().getBytes(StandardCharsets.US_ASCII));
        }
        adminToken = secret(dir.resolve("admin-token"), "gdn_admin_");
        s3Secret = secret(dir.resolve("s3proxy/credential"), "");
    }

    private static String secret(Path file, String prefix) throws IOException {
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.US_ASCII).trim();
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String s = prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Files.createDirectories(file.getParent());
        AtomicFile.write(file, (s + "\n").getBytes(StandardCharsets.US_ASCII), PosixFilePermissions.fromString("rw-------"));
        return s;
    }

    /** SPEC §6's world.json, with extra fields (control URL, status page, links, every region's nodes, RTTs). */
    private void writeDescription() {
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("environment", seed.environment());
        w.put("client_key", seed.clientKey());
        w.put("server_key", seed.serverKey());
        w.put("admin", Map.of("url", WorldLayout.url(layout.classic()), "token", adminToken));
        List<Object> regions = new ArrayList<>();
        for (Region r : layout.regions()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("code", r.code());
            m.put("city", r.city());
            for (WorldLayout.Tier t : WorldLayout.Tier.values()) {
                m.put(t.key, WorldLayout.url(layout.endpoint(r, t)));
            }
            Map<String, Object> pids = new LinkedHashMap<>();
            part("node-" + r.code()).pid().ifPresent(p -> pids.put("node", p));
            part("belt-" + r.code()).pid().ifPresent(p -> pids.put("belt_cdn", p));
            m.put("pids", pids);
            Map<String, Object> nodes = new LinkedHashMap<>();
            Map<String, Object> rtts = new LinkedHashMap<>();
            for (Region other : layout.regions()) {
                nodes.put(other.code(), WorldLayout.url(layout.nodeFrom(r, other)));
                rtts.put(other.code(), catalog.rtt(r, other).millis());
            }
            m.put("nodes", nodes);
            m.put("rtt_ms", rtts);
            m.put("origin", Map.of("node", WorldLayout.url(layout.node(r)), "belt_cdn", WorldLayout.url(layout.beltPop(r)),
                    "suspenders_cdn", WorldLayout.url(layout.suspendersPop())));
            Map<String, Object> linkNames = new LinkedHashMap<>();
            for (WorldLayout.Tier t : WorldLayout.Tier.values()) {
                linkNames.put(t.key, r.code() + "." + t.key);
            }
            m.put("links", linkNames);
            regions.add(m);
        }
        w.put("regions", regions);
        w.put("stores", storeUris());
        Map<String, Object> pids = new LinkedHashMap<>();
        part("postgres").pid().ifPresent(p -> pids.put("postgres", p));
        part("classic").pid().ifPresent(p -> pids.put("classic", p));
        part("sync-1").pid().ifPresent(p -> pids.put("sync", p));
        part("sync-2").pid().ifPresent(p -> pids.put("sync_standby", p));
        part("s3proxy").pid().ifPresent(p -> pids.put("s3proxy", p));
        part("suspenders").pid().ifPresent(p -> pids.put("suspenders_cdn", p));
        pids.put("world", ProcessHandle.current().pid());
        w.put("pids", pids);
        w.put("control", WorldLayout.url(layout.control()));
        w.put("status_page", WorldLayout.url(layout.control()) + "/");
        w.put("trust", dir.resolve("keys/gdn-signing.pub").toString());
        w.put("s3", Map.of("endpoint", WorldLayout.url(layout.s3()), "bucket", S3_BUCKET, "access_key", S3_IDENTITY, "secret_key", s3Secret));
        w.put("postgres", Map.of("jdbc_url", jdbcUrl(), "user", "postgres"));
        w.put("logs", dir.resolve("logs").toString());
        try {
            AtomicFile.write(dir.resolve("world.json"), JsonWriter.toJson(w).getBytes(StandardCharsets.UTF_8),
                    PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new WorldException("cannot write " + dir.resolve("world.json") + ": " + e.getMessage(), e);
        }
    }

    WorldStatus status() {
        return status;
    }

    void progress(String line) {
        options.progress().printf(Locale.ROOT, "[%5.1f s] %s%n", (System.nanoTime() - startNanos) / 1e9, line);
        options.progress().flush();
    }

    /** Restarts a part (after a drill killed or stopped it) and waits until it is ready again. */
    public void startPart(String name) throws IOException {
        Part p = part(name);
        p.start();
        recordPids();
        p.awaitReady(READY_TIMEOUT);
    }

    /** Stops every part (all at once, the database last), the links and the control server. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (control != null) {
            control.stop();
        }
        if (links != null) {
            links.close();
        }
        List<Part> all = parts();
        // everything at once, but the database last: the classic API and the sync daemons close their
        // connections first, so PostgreSQL's fast shutdown has nothing to cut
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> first = new ArrayList<>();
            for (Part p : all) {
                if (!p.kind().equals("postgres")) {
                    first.add(pool.submit(() -> p.stop(STOP_GRACE)));
                }
            }
            first.forEach(World::quietly);
            part("postgres", all).ifPresent(p -> p.stop(STOP_GRACE));
        }
        pops.values().forEach(VarnishPop::close); // stopped above; a POP a drill killed still holds its HTTP client
        if (lock == null) {
            return; // refused before it held the directory: its files belong to the world that does
        }
        try {
            Files.deleteIfExists(dir.resolve("world.json"));
            Files.deleteIfExists(dir.resolve("world.pids"));
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            progress("cleaning up " + dir + ": " + e.getMessage());
        }
    }

    private static java.util.Optional<Part> part(String name, List<Part> all) {
        return all.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    private static void quietly(Future<?> f) {
        try {
            f.get();
        } catch (Exception e) {
            // stopping goes on
        }
    }

    /** The S3Proxy jar the CLI build puts in {@code target/tools/} next to its classes or jar, or null. */
    public static Path findS3ProxyJar(String classPath) {
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry).toAbsolutePath().getParent();
            for (int up = 0; up < 2 && p != null; up++, p = p.getParent()) {
                Path jar = p.resolve("tools/s3proxy.jar");
                if (Files.isRegularFile(jar)) {
                    return jar;
                }
            }
        }
        return null;
    }
}
