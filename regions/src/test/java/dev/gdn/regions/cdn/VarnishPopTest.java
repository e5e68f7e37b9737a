package dev.gdn.regions.cdn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gdn.node.cdn.CdnPurger.PurgeResult;
import dev.gdn.regions.cdn.CdnFixture.Resp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The runner itself: start, identity, purge requests, errors a user can act on, and a clean stop. */
class VarnishPopTest {
    private CdnFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new CdnFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        f.close();
    }

    /** An origin nobody listens on: the POP itself still answers its own routes. */
    private static Origin nowhere() throws IOException {
        return new Origin("127.0.0.1", CdnFixture.freePort());
    }

    @Test
    void startsOnAFreePortAnswersAndStopsEveryProcessItStarted() throws Exception {
        VarnishPop pop = VarnishPop.start(VarnishPopConfig.belt("belt-x", "127.0.0.1", 0, f.popDir("x"), nowhere(), List.of()));
        List<ProcessHandle> processes = new ArrayList<>();
        try {
            assertTrue(pop.port() > 0);
            assertTrue(pop.isAlive());
            processes.add(ProcessHandle.of(pop.pid()).orElseThrow());
            processes.addAll(ProcessHandle.of(pop.pid()).orElseThrow().descendants().toList());
            assertTrue(processes.size() >= 2, "varnishd runs a manager and a cache worker: " + processes);

            Resp live = f.get(pop.url(), VarnishPop.LIVE_PATH);
            assertEquals(200, live.status());
            assertEquals("{\"pop\":\"belt-x\",\"status\":\"live\"}", live.body());
            assertEquals("1.1 belt-x (Varnish/7.1)", live.header("Via").orElse(""));
            assertTrue(Files.readString(pop.config().workDir().resolve("vcl/gdn-origins.vcl")).contains("origin_0"));
        } finally {
            pop.close();
        }
        assertFalse(pop.isAlive());
        for (ProcessHandle p : processes) {
            p.onExit().get(5, TimeUnit.SECONDS);
            assertFalse(p.isAlive(), "still running after close: " + p.pid());
        }
    }

    @Test
    void acceptsPurgesWithAKeyAndRefusesMalformedOnes() throws Exception {
        VarnishPop pop = f.startPop(VarnishPopConfig.belt("belt-p", "127.0.0.1", 0, f.popDir("p"), nowhere(), List.of()));
        PurgeResult hard = pop.purge("env-prod");
        assertEquals(200, hard.status(), hard::toString);
        assertTrue(hard.body().contains("purged 0 objects"), hard::toString);
        PurgeResult soft = pop.purge("env-prod", 7);
        assertEquals(200, soft.status(), soft::toString);
        assertTrue(soft.body().contains("env-prod floor v7"), soft::toString);
        // the floor only goes up
        assertTrue(pop.purge("env-prod", 3).body().contains("env-prod floor v7"));

        Resp noKey = f.send(HttpRequest.newBuilder(pop.url()).method("PURGE", HttpRequest.BodyPublishers.noBody()));
        assertEquals(400, noKey.status(), noKey::toString);
        Resp badVersion = f.send(HttpRequest.newBuilder(pop.url()).header("xkey", "env-a env-b").header("GDN-Ruleset-Version", "2")
                .method("PURGE", HttpRequest.BodyPublishers.noBody()));
        assertEquals(400, badVersion.status(), "a version floor belongs to exactly one key: " + badVersion);
    }

    /**
     * Event streams pass through as they come, not buffered. (GDN's own SSE route is not in the node yet:
     * a plain HTTP server streams here, and the POP does not care who the origin is.)
     */
    @Test
    void streamsEventStreamsAsTheyCome() throws Exception {
        HttpServer origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        origin.setExecutor(Executors.newCachedThreadPool());
        CountDownLatch firstEventSeen = new CountDownLatch(1);
        AtomicBoolean streamed = new AtomicBoolean();
        origin.createContext("/health/ready", ex -> reply(ex, "{\"status\":\"READY\"}"));
        origin.createContext("/gdn/v1/environments/prod/events", ex -> {
            ex.getResponseHeaders().add("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                out.write("data: one\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                // the second event only once the client has the first: a buffering POP would wait here 5 s
                streamed.set(firstEventSeen.await(5, TimeUnit.SECONDS));
                out.write("data: two\n\n".getBytes(StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        origin.start();
        try (HttpClient client = HttpClient.newHttpClient()) {
            VarnishPop pop = f.startPop(VarnishPopConfig.belt("belt-s", "127.0.0.1", 0, f.popDir("s"),
                    new Origin("127.0.0.1", origin.getAddress().getPort()), List.of()));
            HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(pop.url().resolve("/gdn/v1/environments/prod/events"))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, r.statusCode());
            assertEquals("PASS", r.headers().firstValue("X-Cache").orElse(""));
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                assertEquals("data: one", in.readLine());
                firstEventSeen.countDown();
                assertEquals("", in.readLine());
                assertEquals("data: two", in.readLine());
            }
            assertTrue(streamed.get(), "the first event reached the client before the origin sent the second");
        } finally {
            origin.stop(0);
        }
    }

    private static void reply(HttpExchange ex, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Test
    void refusesATakenPortInOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int port = taken.getLocalPort();
            CdnException e = assertThrows(CdnException.class, () -> f.startPop(
                    VarnishPopConfig.belt("belt-t", "127.0.0.1", port, f.popDir("t"), nowhere(), List.of())));
            assertTrue(e.getMessage().startsWith("POP belt-t: cannot listen on 127.0.0.1:" + port + ": "), e.getMessage());
            assertTrue(e.getMessage().contains("port is taken"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
    }

    @Test
    void saysHowToInstallVarnishWhenItIsMissing() throws Exception {
        Path empty = Files.createDirectories(f.root.resolve("empty-bin"));
        CdnException e = assertThrows(CdnException.class, () -> VarnishInstall.find(List.of(empty)));
        assertTrue(e.getMessage().startsWith("varnishd is not installed"), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install varnish varnish-modules"), e.getMessage());
    }

    @Test
    void startsInAWorkDirVarnishCannotReachAsRootWithoutItsJail() throws Exception {
        Assumptions.assumeTrue("root".equals(ProcessHandle.current().info().user().orElse("")), "varnishd drops privileges only as root");
        Path hidden = Files.createDirectories(f.root.resolve("private"));
        Files.setPosixFilePermissions(hidden, PosixFilePermissions.fromString("rwx------"));
        VarnishPopConfig config = VarnishPopConfig.belt("belt-h", "127.0.0.1", 0, hidden.resolve("pop"), nowhere(), List.of());
        assertEquals(java.util.Optional.of(hidden + " (mode rwx------)"), VarnishPop.unreachableByVarnishUser(config));
        VarnishPop pop = f.startPop(config);
        assertTrue(pop.isAlive());
        assertTrue(ProcessHandle.of(pop.pid()).flatMap(h -> h.info().commandLine()).orElse("").contains("-j none"));
    }

    /** The VCL compiles (varnishd -C) with the example origins, and with generated ones for more origins than attempts. */
    @Test
    void theVclCompilesForEveryShapeOfOrigins() throws Exception {
        Path example = Files.createDirectories(f.root.resolve("example"));
        for (String name : List.of("belt.vcl", "suspenders.vcl", "gdn-cdn.vcl")) {
            Files.write(example.resolve(name), VarnishPop.resource(name));
        }
        Files.write(example.resolve("gdn-origins.vcl"), VarnishPop.resource("gdn-origins.example.vcl"));
        compile(example.resolve("belt.vcl"));
        compile(example.resolve("suspenders.vcl"));

        // More origins than attempts (a request tries 4 at most); the other tests start POPs with 1 and 2.
        List<Origin> origins = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            origins.add(new Origin("127.0.0." + (i + 2), 8080));
        }
        VarnishPopConfig six = new VarnishPopConfig("pop-6", PopRole.BELT, "127.0.0.1", 0, origins, f.popDir("six"), 16,
                VarnishPopConfig.DEFAULT_PROBE_INTERVAL, VarnishPopConfig.DEFAULT_CONNECT_TIMEOUT,
                VarnishPopConfig.DEFAULT_FIRST_BYTE_TIMEOUT);
        Path vcl = VarnishPop.writeVcl(six);
        String generated = Files.readString(vcl.resolve("gdn-origins.vcl"));
        assertTrue(generated.contains("gdn_attempt_3.add_backend(origin_2);") && !generated.contains("gdn_attempt_4"), generated);
        compile(vcl.resolve("belt.vcl"));
    }

    private static void compile(Path vcl) throws Exception {
        Process p = new ProcessBuilder(VarnishInstall.find().varnishd().toString(), "-C", "-f", vcl.toString())
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor(), () -> vcl + " does not compile:\n" + new String(out, StandardCharsets.UTF_8).lines()
                .filter(l -> !l.startsWith("#") && !l.startsWith(" ") && !l.startsWith("/")).limit(20).toList());
    }
}
