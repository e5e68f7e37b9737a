package dev.gdn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gdn.ruleset.json.JsonReader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real 2-region world, started the way a person starts it ({@code gdn world up} in its own JVM, every
 * part a child process), checked from outside through world.json only, then stopped with SIGTERM: no
 * process it started may outlive it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorldTest {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(240);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).version(HttpClient.Version.HTTP_1_1).build();
    private Path tmp;
    private Path dir;
    private Process world;
    private Path output;
    private Map<String, Object> desc;
    private List<Map<String, Object>> regions;
    private String clientKey;

    @BeforeAll
    void up(@TempDir Path tmp) throws Exception {
        this.tmp = tmp;
        dir = tmp.resolve("world");
        output = tmp.resolve("world-up.log");
        for (int attempt = 0; ; attempt++) {
            int port = 20000 + ThreadLocalRandom.current().nextInt(10000);
            world = launch("world", "up", "--dir", dir.toString(), "--regions", "ams,iad", "--port", Integer.toString(port));
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (!Files.exists(dir.resolve("world.json")) && world.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            if (Files.exists(dir.resolve("world.json"))) {
                break;
            }
            String out = Files.readString(output);
            if (!world.isAlive() && out.contains("is taken") && attempt < 2) {
                continue; // a port another process holds: try another
            }
            world.destroy();
            fail("the world did not come up within " + START_TIMEOUT.toSeconds() + " s:\n" + out);
        }
        desc = json(Files.readAllBytes(dir.resolve("world.json")));
        regions = list(desc.get("regions"));
        clientKey = (String) desc.get("client_key");
    }

    private Process launch(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--sun-misc-unsafe-memory-access") || a.startsWith("--enable-native-access")).toList());
        cmd.addAll(List.of("-Xmx128m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), "dev.gdn.cli.GdnCommand"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        // the surefire class path is a manifest-only jar far from cli/target/tools: say where S3Proxy is
        pb.environment().put("GDN_S3PROXY_JAR", Path.of("target/tools/s3proxy.jar").toAbsolutePath().toString());
        return pb.start();
    }

    @AfterAll
    void down() throws Exception {
        if (world == null) {
            return;
        }
        List<ProcessHandle> family = world.descendants().toList();
        world.destroy(); // SIGTERM, as Ctrl-C or a supervisor would
        boolean exited = world.waitFor(60, TimeUnit.SECONDS);
        List<ProcessHandle> alive = family.stream().filter(ProcessHandle::isAlive).toList();
        alive.forEach(ProcessHandle::destroyForcibly);
        if (!exited) {
            world.destroyForcibly();
        }
        assertTrue(exited, "the world did not exit within 60 s of SIGTERM:\n" + Files.readString(output));
        assertTrue(family.size() >= 7, "expected every part as a descendant of the world, got " + family.size());
        assertEquals(List.of(), alive.stream().map(h -> h.pid() + " " + h.info().commandLine().orElse("")).toList(),
                "processes left after the world stopped");
        assertFalse(Files.exists(dir.resolve("world.json")), "world.json describes a world that is gone");
    }

    @Test
    @Order(1)
    void worldJsonHasWhatSpecSixPromises() {
        for (String key : List.of("environment", "client_key", "server_key", "admin", "regions", "stores", "pids")) {
            assertNotNull(desc.get(key), key);
        }
        assertEquals(List.of("ams", "iad"), regions.stream().map(r -> r.get("code")).toList());
        for (Map<String, Object> r : regions) {
            for (String key : List.of("belt_cdn", "node", "suspenders_cdn", "classic", "pids")) {
                assertNotNull(r.get(key), r.get("code") + "." + key);
            }
            assertTrue(((String) r.get("node")).startsWith("http://127.0."), r.toString());
        }
        Map<String, Object> pids = map(desc.get("pids"));
        for (String part : List.of("postgres", "classic", "sync")) {
            long pid = ((Number) pids.get(part)).longValue();
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), part + " pid " + pid + " is not running");
        }
        assertEquals(2, list(desc.get("stores")).size());
    }

    @Test
    @Order(2)
    void everyRegionAnswersOfrepAndTheCdnGet() throws Exception {
        for (Map<String, Object> r : regions) {
            for (String tier : List.of("node", "belt_cdn", "classic", "suspenders_cdn")) {
                HttpResponse<String> res = ofrep((String) r.get(tier), "{\"context\":{\"targetingKey\":\"user-1\",\"country\":\"NL\"}}");
                assertEquals(200, res.statusCode(), r.get("code") + " " + tier + ": " + res.body());
                assertTrue(res.body().contains("\"key\":\"welcome-banner\",\"value\":true"), res.body());
            }
            HttpResponse<String> node = ofrep((String) r.get("node"), "{\"context\":{\"targetingKey\":\"user-1\"}}");
            assertEquals(r.get("code") + "/" + r.get("code") + "-1", node.headers().firstValue("GDN-Served-By").orElse(""));
            String context = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"targetingKey\":\"user-2\"}".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(r.get("belt_cdn") + "/gdn/v1/evaluate/" + clientKey + "/" + context))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, get.statusCode(), get.body());
                assertTrue(get.headers().firstValue("Cache-Control").orElse("").contains("s-maxage"), get.headers().toString());
            }
        }
    }

    @Test
    @Order(3)
    void anAdminUploadIsServedInEveryRegion() throws Exception {
        Map<String, Object> admin = map(desc.get("admin"));
        String flags = "{\"flags\":{\"welcome-banner\":{\"state\":\"ENABLED\",\"variants\":{\"on\":true,\"off\":false},\"defaultVariant\":\"on\"}}}";
        HttpResponse<String> up = http.send(HttpRequest.newBuilder(URI.create(admin.get("url") + "/admin/v1/environments/prod/flags"))
                .header("Authorization", "Bearer " + admin.get("token")).PUT(HttpRequest.BodyPublishers.ofString(flags)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, up.statusCode(), up.body());
        long version = ((Number) json(up.body().getBytes(StandardCharsets.UTF_8)).get("version")).longValue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (Map<String, Object> r : regions) {
            for (String tier : List.of("node", "belt_cdn")) {
                while (true) {
                    HttpResponse<String> res = ofrep((String) r.get(tier), "{\"context\":{\"targetingKey\":\"user-9\"}}");
                    if (res.statusCode() == 200 && res.headers().firstValue("GDN-Ruleset-Version").orElse("").equals(Long.toString(version))) {
                        assertTrue(res.body().contains("\"key\":\"welcome-banner\",\"value\":true"), res.body());
                        break;
                    }
                    assertTrue(System.nanoTime() < deadline, r.get("code") + " " + tier + " still serves "
                            + res.headers().firstValue("GDN-Ruleset-Version").orElse("?") + ", not " + version);
                    Thread.sleep(100);
                }
            }
        }
    }

    @Test
    @Order(4)
    void linksAreControlledFromOutside() throws Exception {
        String control = (String) desc.get("control");
        String nodeUrl = (String) regions.get(0).get("node");
        HttpResponse<String> set = post(control + "/links/ams.node", "{\"state\":\"down\"}");
        assertEquals(200, set.statusCode(), set.body());
        assertThrows(ConnectException.class, () -> ofrep(nodeUrl, "{\"context\":{\"targetingKey\":\"u\"}}"));
        assertEquals(200, post(control + "/links/ams.node", "{\"state\":\"up\"}").statusCode());
        assertEquals(200, ofrep(nodeUrl, "{\"context\":{\"targetingKey\":\"u\"}}").statusCode());
        // the link to the home region's classic API from iad carries the iad–ams RTT (83 ms measured)
        long t0 = System.nanoTime();
        ofrep((String) regions.get(1).get("classic"), "{\"context\":{\"targetingKey\":\"u\"}}");
        assertTrue((System.nanoTime() - t0) / 1_000_000 >= 83, "iad → classic (ams) faster than the modelled RTT");
    }

    @Test
    @Order(5)
    void theStatusPageShowsTheMapAndEveryPart() throws Exception {
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(desc.get("status_page") + "")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), page.headers().toString());
        for (String needle : List.of("<svg", ">ams", ">iad", "node-ams", "sync-2", "postgres", "setInterval")) {
            assertTrue(page.body().contains(needle), "the page has no " + needle);
        }
        Map<String, Object> status = json(http.send(HttpRequest.newBuilder(URI.create(desc.get("control") + "/status.json")).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body());
        long rss = ((Number) map(status.get("world")).get("rss_bytes")).longValue();
        assertTrue(rss > 100L << 20, "total memory " + rss);
    }

    @Test
    @Order(6)
    void aSecondWorldIsRefusedTheDirectoryAndThePort() throws Exception {
        Path before = output;
        try {
            output = tmp.resolve("second-world.log");
            Process same = launch("world", "up", "--dir", dir.toString(), "--regions", "ams");
            assertTrue(same.waitFor(60, TimeUnit.SECONDS));
            assertEquals(7, same.exitValue(), Files.readString(output));
            assertTrue(Files.readString(output).contains("is in use by a running world"), Files.readString(output));
            int port = Integer.parseInt(((String) map(desc.get("admin")).get("url")).replaceAll(".*:", ""));
            Files.writeString(output, "");
            Process other = launch("world", "up", "--dir", tmp.resolve("other").toString(), "--regions", "ams", "--port", Integer.toString(port));
            assertTrue(other.waitFor(60, TimeUnit.SECONDS));
            assertEquals(7, other.exitValue(), Files.readString(output));
            assertTrue(Files.readString(output).contains(":" + port + " (") && Files.readString(output).contains("is taken"), Files.readString(output));
        } finally {
            output = before;
        }
    }

    @Test
    @Order(7)
    void aKilledNodesRegionKeepsAnsweringAndStatusSaysSo() throws Exception {
        Map<String, Object> ams = regions.get(0);
        long pid = ((Number) map(ams.get("pids")).get("node")).longValue();
        ProcessHandle node = ProcessHandle.of(pid).orElseThrow();
        node.destroyForcibly();
        node.onExit().get(10, TimeUnit.SECONDS);
        // iad's node, through the ams client's link to it, still answers for the ams client
        String iadFromAms = (String) map(ams.get("nodes")).get("iad");
        assertEquals(200, ofrep(iadFromAms, "{\"context\":{\"targetingKey\":\"u\"}}").statusCode());
        Path statusOut = tmp.resolve("status.txt");
        Process status = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "dev.gdn.cli.GdnCommand", "world", "status", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(statusOut.toFile()).start();
        assertTrue(status.waitFor(60, TimeUnit.SECONDS));
        String text = Files.readString(statusOut);
        assertEquals(0, status.exitValue(), text);
        assertTrue(text.matches("(?s).*\\nams\\s+EXITED.*"), text);
        assertTrue(text.matches("(?s).*\\niad\\s+READY.*"), text);
        assertTrue(text.contains("total memory"), text);
    }

    private HttpResponse<String> ofrep(String base, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/ofrep/v1/evaluate/flags")).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + clientKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(byte[] bytes) throws Exception {
        return (Map<String, Object>) JsonReader.standard().read(bytes);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object o) {
        return (List<Map<String, Object>>) o;
    }

}
