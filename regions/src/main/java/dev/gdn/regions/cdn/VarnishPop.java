package dev.gdn.regions.cdn;

import dev.gdn.node.cdn.CdnPurger;
import dev.gdn.node.cdn.CdnPurger.PurgeResult;
import dev.gdn.ruleset.json.JsonReadException;
import dev.gdn.ruleset.json.JsonReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One CDN POP: {@code varnishd} as a child process in the foreground ({@code -F}), with the role's VCL and
 * origins generated from the config, in its own work directory. {@link #start} returns once the POP answers
 * HTTP; {@link #close} stops it and every process it started.
 *
 * <p>Files under {@code workDir}: {@code vcl/} (the entry VCL, {@code gdn-cdn.vcl}, the generated
 * {@code gdn-origins.vcl}), {@code varnish/} (varnishd's {@code -n} directory: shared memory, admin secret)
 * and {@code varnishd.log} (its output).
 */
public final class VarnishPop implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(VarnishPop.class.getName());
    /** Answered by the POP itself (gdn-cdn.vcl), never by an origin. */
    public static final String LIVE_PATH = "/gdn/cdn/live";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(10);
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwxr-xr-x");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-r--r--");

    private final VarnishPopConfig config;
    private final VarnishInstall varnish;
    private final Path varnishDir;
    private final Path log;
    private final Process process;
    private final HttpClient http;
    private volatile int port;
    private volatile boolean closed;

    private VarnishPop(VarnishPopConfig config, VarnishInstall varnish, Process process, HttpClient http) {
        this.config = config;
        this.varnish = varnish;
        this.varnishDir = config.workDir().resolve("varnish");
        this.log = config.workDir().resolve("varnishd.log");
        this.process = process;
        this.http = http;
        this.port = config.port();
    }

    /** Starts a POP with the Varnish found on this machine ({@link VarnishInstall#find()}). */
    public static VarnishPop start(VarnishPopConfig config) {
        return start(config, VarnishInstall.find());
    }

    /**
     * Starts a POP and waits until it answers.
     *
     * @throws CdnException with one line saying what went wrong: Varnish or its modules missing, the port
     *                      taken, the work dir unreadable for varnishd, …
     */
    public static VarnishPop start(VarnishPopConfig config, VarnishInstall varnish) {
        String who = "POP " + config.name();
        if (config.port() != 0) {
            requireFree(config);
        }
        Path vclDir = writeVcl(config);
        Path varnishDir = config.workDir().resolve("varnish");
        List<String> cmd = new ArrayList<>(List.of(varnish.varnishd().toString(), "-F"));
        unreachableByVarnishUser(config).ifPresent(dir -> {
            // As root, varnishd drops to user varnish (its jail), which must walk down to the VCL and -n dir.
            // A work dir under a private directory (a home, a test's temp dir) would refuse to start: run this
            // loopback POP as the invoking user instead, and say so.
            LOG.log(Level.INFO, "POP {0}: user varnish cannot enter {1}; varnishd runs without its jail (-j none)",
                    config.name(), dir);
            cmd.addAll(List.of("-j", "none"));
        });
        cmd.addAll(List.of(
                "-n", varnishDir.toString(),
                "-a", listenAddress(config.host(), config.port()),
                "-T", "127.0.0.1:0",
                "-i", config.name(),
                "-f", vclDir.resolve(config.role().vclFile()).toString(),
                "-s", "malloc," + config.cacheMiB() + "m",
                // a request walks at most this many further origins (gdn-origins.vcl decides which)
                "-p", "max_retries=" + Math.max(1, OriginsVcl.attempts(config) - 1),
                // one thread pool and a small floor of threads: a local POP serves a few clients, and 2×100
                // idle threads (the default) would cost more memory than its cache
                "-p", "thread_pools=1",
                "-p", "thread_pool_min=10",
                // the shared-memory request log is a ring that fills its whole size over time: 80 MiB by default
                "-l", "16m"));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(config.workDir().resolve("varnishd.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new CdnException(who + ": cannot run " + varnish.varnishd() + ": " + e.getMessage(), e);
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(1)).build();
        VarnishPop pop = new VarnishPop(config, varnish, p, http);
        try {
            pop.awaitLive();
        } catch (RuntimeException e) {
            pop.close();
            throw e;
        }
        LOG.log(Level.INFO, "{0} POP {1} on {2} (pid {3,number,#}), origins {4}", config.role().name().toLowerCase(java.util.Locale.ROOT),
                config.name(), pop.url(), p.pid(), config.origins());
        return pop;
    }

    // ------------------------------------------------------------------ start-up

    private static void requireFree(VarnishPopConfig c) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(c.host()), c.port()));
        } catch (BindException e) {
            throw new CdnException("POP " + c.name() + ": cannot listen on " + c.host() + ":" + c.port() + ": " + e.getMessage()
                    + " (the port is taken, or the address is not on this machine)");
        } catch (IOException e) {
            throw new CdnException("POP " + c.name() + ": cannot listen on " + c.host() + ":" + c.port() + ": " + e.getMessage());
        }
    }

    private static String listenAddress(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** Writes the VCL bundle (mode 644 in 755 directories: varnishd reads it as its own unprivileged user). */
    static Path writeVcl(VarnishPopConfig c) {
        Path vclDir = c.workDir().resolve("vcl");
        try {
            Files.createDirectories(vclDir);
            Files.setPosixFilePermissions(c.workDir(), DIR_MODE);
            Files.setPosixFilePermissions(vclDir, DIR_MODE);
            for (String name : List.of(c.role().vclFile(), "gdn-cdn.vcl")) {
                write(vclDir.resolve(name), resource(name));
            }
            write(vclDir.resolve("gdn-origins.vcl"), OriginsVcl.render(c).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CdnException("POP " + c.name() + ": cannot write its VCL under " + c.workDir() + ": " + e.getMessage(), e);
        }
        return vclDir;
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes);
        Files.setPosixFilePermissions(file, FILE_MODE);
    }

    /**
     * As root, varnishd drops to user varnish, which must be able to walk down to the work dir: the first
     * directory on the way it cannot enter (with its mode), if any. Not root: varnishd runs as this user.
     */
    static java.util.Optional<String> unreachableByVarnishUser(VarnishPopConfig c) {
        if (!"root".equals(ProcessHandle.current().info().user().orElse(""))) {
            return java.util.Optional.empty();
        }
        try {
            for (Path dir = c.workDir().getParent(); dir != null; dir = dir.getParent()) {
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
                if (!mode.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    return java.util.Optional.of(dir + " (mode " + PosixFilePermissions.toString(mode) + ")");
                }
            }
        } catch (IOException e) {
            return java.util.Optional.of(c.workDir() + " (" + e.getMessage() + ")");
        }
        return java.util.Optional.empty();
    }

    static byte[] resource(String name) {
        try (InputStream in = VarnishPop.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " in " + VarnishPop.class.getPackageName());
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitLive() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new CdnException(explainExit());
            }
            if (port == 0) {
                port = listenPort();
            }
            if (port != 0 && live()) {
                return;
            }
            sleep(50);
        }
        throw new CdnException("POP " + config.name() + ": varnishd did not answer on " + listenAddress(config.host(), port) + " within "
                + START_TIMEOUT.toSeconds() + " s (log: " + log + ")");
    }

    private boolean live() {
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(url().resolve(LIVE_PATH)).timeout(Duration.ofSeconds(1)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CdnException("POP " + config.name() + ": interrupted while starting");
        }
    }

    /** The port varnishd bound for {@code -a HOST:0}, once it listens; 0 before. */
    private int listenPort() {
        String out = run(config.name(), varnish.varnishadm().toString(), "-n", varnishDir.toString(), "debug.listen_address");
        for (String line : out.lines().toList()) {
            String[] f = line.trim().split("\\s+"); // "a0 127.0.0.1 41243"
            if (f.length == 3 && f[2].matches("\\d{1,5}")) {
                return Integer.parseInt(f[2]);
            }
        }
        return 0;
    }

    /** What varnishd said before it exited, as one line a user can act on. */
    private String explainExit() {
        String who = "POP " + config.name();
        String out;
        try {
            out = Files.readString(log);
        } catch (IOException e) {
            out = "";
        }
        int code = process.exitValue();
        if (out.contains("Address already in use") || out.contains("Could not get socket")) {
            return who + ": cannot listen on " + listenAddress(config.host(), config.port()) + ": the port is taken";
        }
        if (out.contains("Could not find VMOD") || out.contains("Could not open VMOD")) {
            return who + ": a Varnish module (xkey, var) is missing: " + VarnishInstall.INSTALL_HINT;
        }
        if (out.contains("Permission denied")) {
            return who + ": varnishd cannot read its files under " + config.workDir() + " (it runs as user varnish): "
                    + firstError(out);
        }
        if (out.contains("already running")) {
            return who + ": another varnishd already runs in " + varnishDir;
        }
        return who + ": varnishd exited with code " + code + ": " + firstError(out) + " (log: " + log + ")";
    }

    private static String firstError(String out) {
        List<String> lines = out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.startsWith("Error:") || l.startsWith("Message from VCC-compiler")) {
                return i + 1 < lines.size() && l.startsWith("Message") ? lines.get(i + 1) : l;
            }
        }
        return lines.isEmpty() ? "no output" : lines.get(lines.size() - 1);
    }

    // ------------------------------------------------------------------ running

    public VarnishPopConfig config() {
        return config;
    }

    public String name() {
        return config.name();
    }

    public String host() {
        return config.host();
    }

    public int port() {
        return port;
    }

    /** The POP's base URL, e.g. {@code http://127.0.1.1:6081/}. */
    public URI url() {
        return URI.create("http://" + listenAddress(config.host(), port) + "/");
    }

    /** The varnishd manager process (its cache worker is a child of it). */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** varnishd's output. */
    public Path logFile() {
        return log;
    }

    /** Drops every cached answer tagged with this surrogate key (e.g. {@code env-prod}): a hard purge. */
    public PurgeResult purge(String surrogateKey) {
        return purge(surrogateKey, 0);
    }

    /**
     * What GDN servers send after swapping to {@code version}: soft-purges the key's answers and refuses to
     * cache older ones from now on (copies stay for stale-if-error). {@code version <= 0}: a hard purge.
     */
    public PurgeResult purge(String surrogateKey, long version) {
        try {
            return CdnPurger.send(http, url(), surrogateKey, version).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new CdnException("POP " + config.name() + ": purge of " + surrogateKey + " failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CdnException("POP " + config.name() + ": interrupted while purging");
        }
    }

    /** The cache counters now ({@code varnishstat -j}). */
    public CdnStats stats() {
        return stats(config.name(), varnish, varnishDir);
    }

    /**
     * The counters of a POP started elsewhere (by another process) in {@code workDir}, e.g. for a status
     * command that reads what a running world started.
     */
    public static CdnStats stats(Path workDir) {
        return stats(workDir.getFileName().toString(), VarnishInstall.find(), workDir.toAbsolutePath().resolve("varnish"));
    }

    private static CdnStats stats(String name, VarnishInstall varnish, Path varnishDir) {
        String json = run(name, varnish.varnishstat().toString(), "-n", varnishDir.toString(), "-j");
        Map<?, ?> counters;
        try {
            Object root = JsonReader.standard().read(json);
            counters = root instanceof Map<?, ?> m && m.get("counters") instanceof Map<?, ?> c ? c : null;
        } catch (JsonReadException e) {
            counters = null;
        }
        if (counters == null) {
            throw new CdnException("POP " + name + ": varnishstat gave no counters: "
                    + json.lines().findFirst().orElse("no output"));
        }
        long hit = counter(counters, "MAIN.cache_hit");
        long grace = counter(counters, "MAIN.cache_hit_grace");
        return new CdnStats(counter(counters, "MAIN.client_req"), hit - grace, grace, counter(counters, "MAIN.cache_miss"),
                counter(counters, "MAIN.s_pass"), counter(counters, "MAIN.fetch_failed"), counter(counters, "MAIN.n_object"));
    }

    private static long counter(Map<?, ?> counters, String name) {
        return counters.get(name) instanceof Map<?, ?> c && c.get("value") instanceof Number n ? n.longValue() : 0;
    }

    /** Runs a Varnish tool to completion (bounded) and returns its output; empty when it fails. */
    private static String run(String pop, String... cmd) {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new CdnException("POP " + pop + ": cannot run " + cmd[0] + ": " + e.getMessage(), e);
        }
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = p.getInputStream()) {
                return in.readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        }, Thread::startVirtualThread);
        try {
            if (!p.waitFor(TOOL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                throw new CdnException("POP " + pop + ": " + cmd[0] + " did not finish within " + TOOL_TIMEOUT.toSeconds() + " s");
            }
            return new String(out.get(), StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CdnException("POP " + pop + ": interrupted while running " + cmd[0]);
        } catch (ExecutionException e) {
            return "";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CdnException("interrupted");
        }
    }

    /**
     * Stops varnishd (SIGTERM: the manager stops its cache worker and exits) and waits for it; anything
     * still alive after 10 s, the manager or a worker it left behind, is killed and waited for.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "POP {0}: varnishd (pid {1,number,#}) ignored SIGTERM for 10 s; killing it", config.name(),
                        process.pid());
                process.destroyForcibly().waitFor();
            }
            for (ProcessHandle child : children) {
                if (child.isAlive()) {
                    child.destroyForcibly();
                    child.onExit().get(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            children.forEach(ProcessHandle::destroyForcibly);
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.WARNING, "POP {0}: a varnishd process did not exit: {1}", config.name(), e.toString());
        } finally {
            http.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return config.role().name().toLowerCase(java.util.Locale.ROOT) + " POP " + config.name() + " " + url();
    }
}
