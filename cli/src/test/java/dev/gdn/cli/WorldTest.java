package dev.gdn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gdn.ruleset.json.JsonReader;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
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
 * part a child process, the CDN tier real varnishd POPs), checked from outside through world.json only,
 * then stopped with SIGTERM: no process it started may outlive it, varnishd included.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorldTest {
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
        world = WorldProcess.up(dir, output, "ams,iad");
        desc = json(Files.readAllBytes(dir.resolve("world.json")));
        regions = list(desc.get("regions"));
        clientKey = (String) desc.get("client_key");
    }

    private Process launch(String... args) throws IOException {
        return WorldProcess.launch(output, args);
    }

    @AfterAll
    void down() throws Exception {
        if (world == null) {
            return;
        }
        List<ProcessHandle> family = world.descendants().toList();
        List<String> commands = family.stream().map(h -> h.info().command().orElse("?")).toList();
        world.destroy(); // SIGTERM, as Ctrl-C or a supervisor would
        boolean exited = world.waitFor(60, TimeUnit.SECONDS);
        List<ProcessHandle> alive = family.stream().filter(ProcessHandle::isAlive).toList();
        alive.forEach(ProcessHandle::destroyForcibly);
        if (!exited) {
            world.destroyForcibly();
        }
        assertTrue(exited, "the world did not exit within 60 s of SIGTERM:\n" + Files.readString(output));
        assertTrue(family.size() >= 10, "expected every part as a descendant of the world, got " + family.size());
        // each POP is a varnishd manager and its cache worker
        assertTrue(commands.stream().filter(c -> c.endsWith("varnishd")).count() >= 6, "expected the 3 POPs' varnishd among the world's processes: " + commands);
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
        for (String part : List.of("postgres", "classic", "sync", "suspenders_cdn")) {
            assertRunning(part, pids.get(part));
        }
        for (Map<String, Object> r : regions) {
            for (String part : List.of("node", "belt_cdn")) {
                assertRunning(r.get("code") + " " + part, map(r.get("pids")).get(part));
            }
            assertTrue(ProcessHandle.of(((Number) map(r.get("pids")).get("belt_cdn")).longValue()).flatMap(h -> h.info().command())
                    .orElse("").endsWith("varnishd"), r.get("code") + "'s belt_cdn is not a varnishd");
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
            for (String tier : List.of("belt_cdn", "suspenders_cdn")) {
                String context = context("user-2-" + r.get("code") + "-" + tier);
                for (int i = 0; i < 2; i++) {
                    HttpResponse<String> get = cdnGet((String) r.get(tier), context);
                    assertEquals(200, get.statusCode(), get.body());
                    assertTrue(get.headers().firstValue("Cache-Control").orElse("").contains("s-maxage"), get.headers().toString());
                    assertEquals(i == 0 ? "MISS" : "HIT", get.headers().firstValue("X-Cache").orElse(""),
                            r.get("code") + " " + tier + " request " + (i + 1) + ": " + get.headers());
                    assertTrue(get.headers().firstValue("Via").orElse("").contains(tier.equals("belt_cdn") ? "belt-" + r.get("code") : "suspenders"),
                            get.headers().toString());
                }
            }
        }
    }

    @Test
    @Order(3)
    void anAdminUploadIsServedByEveryNodeAndPopWithinASecond() throws Exception {
        Map<String, Object> admin = map(desc.get("admin"));
        // every POP holds the current version's answer (s-maxage 10 s): the new one shows only if the publish purges it
        String cached = context("user-9");
        for (Map<String, Object> r : regions) {
            for (String tier : List.of("belt_cdn", "suspenders_cdn")) {
                cdnGet((String) r.get(tier), cached);
                assertEquals("HIT", cdnGet((String) r.get(tier), cached).headers().firstValue("X-Cache").orElse(""), r.get("code") + " " + tier);
            }
        }
        String flags = "{\"flags\":{\"welcome-banner\":{\"state\":\"ENABLED\",\"variants\":{\"on\":true,\"off\":false},\"defaultVariant\":\"on\"}}}";
        long t0 = System.nanoTime();
        HttpResponse<String> up = http.send(HttpRequest.newBuilder(URI.create(admin.get("url") + "/admin/v1/environments/prod/flags"))
                .header("Authorization", "Bearer " + admin.get("token")).PUT(HttpRequest.BodyPublishers.ofString(flags)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, up.statusCode(), up.body());
        long version = ((Number) json(up.body().getBytes(StandardCharsets.UTF_8)).get("version")).longValue();
        // 1 s is the goal (bench/world-bench.sh measures it over 25 publishes); a test on a shared 2-core
        // machine allows 2.5 s, still far below the 10 s a POP would keep serving an unpurged answer
        long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(2500);
        for (Map<String, Object> r : regions) {
            for (String tier : List.of("node", "belt_cdn", "suspenders_cdn")) {
                while (true) {
                    HttpResponse<String> res = tier.equals("node") ? ofrep((String) r.get(tier), "{\"context\":{\"targetingKey\":\"user-9\"}}")
                            : cdnGet((String) r.get(tier), cached);
                    if (res.statusCode() == 200 && res.headers().firstValue("GDN-Ruleset-Version").orElse("").equals(Long.toString(version))) {
                        assertTrue(res.body().contains("welcome-banner"), res.body());
                        break;
                    }
                    assertTrue(System.nanoTime() < deadline, r.get("code") + " " + tier + " still serves "
                            + res.headers().firstValue("GDN-Ruleset-Version").orElse("?") + ", not " + version + ", "
                            + (System.nanoTime() - t0) / 1_000_000 + " ms after the upload");
                    Thread.sleep(20);
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
        for (String needle : List.of("<svg", ">ams", ">iad", "node-ams", "sync-2", "postgres", "setInterval", "belt-ams", "belt-iad",
                "suspenders CDN")) {
            assertTrue(page.body().contains(needle), "the page has no " + needle);
        }
        Map<String, Object> status = json(http.send(HttpRequest.newBuilder(URI.create(desc.get("control") + "/status.json")).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body());
        long rss = ((Number) map(status.get("world")).get("rss_bytes")).longValue();
        assertTrue(rss > 100L << 20, "total memory " + rss);
        for (Map<String, Object> r : list(status.get("regions"))) {
            Map<String, Object> belt = map(r.get("belt_cdn"));
            assertEquals("READY", belt.get("state"), r.toString());
            // this test's CDN GETs: at least one miss and one hit per context it asked twice
            assertTrue(((Number) belt.get("hits")).longValue() >= 1 && ((Number) belt.get("misses")).longValue() >= 1, belt.toString());
            assertTrue(((Number) belt.get("hit_ratio")).doubleValue() > 0, belt.toString());
        }
        assertEquals("READY", map(status.get("suspenders_cdn")).get("state"), status.get("suspenders_cdn").toString());
        long popRss = list(status.get("parts")).stream().filter(p -> String.valueOf(p.get("kind")).endsWith("_cdn"))
                .mapToLong(p -> ((Number) p.get("rss_bytes")).longValue()).sum();
        assertTrue(popRss > 0 && popRss < rss, "the POPs' memory " + popRss + " counts in the total " + rss);
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
    void aPopIsKilledAndStartedLikeAnyPart() throws Exception {
        String control = (String) desc.get("control");
        HttpResponse<String> killed = post(control + "/parts/belt-ams", "{\"action\":\"kill\"}");
        assertEquals(200, killed.statusCode(), killed.body());
        assertEquals("EXITED", json(killed.body().getBytes(StandardCharsets.UTF_8)).get("state"), killed.body());
        String context = context("user-restart");
        assertThrows(IOException.class, () -> cdnGet((String) regions.get(0).get("belt_cdn"), context));
        HttpResponse<String> started = post(control + "/parts/belt-ams", "{\"action\":\"start\"}");
        assertEquals(200, started.statusCode(), started.body());
        assertEquals("READY", json(started.body().getBytes(StandardCharsets.UTF_8)).get("state"), started.body());
        assertEquals(200, cdnGet((String) regions.get(0).get("belt_cdn"), context).statusCode());
        assertEquals("HIT", cdnGet((String) regions.get(0).get("belt_cdn"), context).headers().firstValue("X-Cache").orElse(""));
    }

    @Test
    @Order(8)
    void aKilledNodesRegionKeepsAnsweringAndStatusSaysSo() throws Exception {
        Map<String, Object> ams = regions.get(0);
        String cached = context("user-stale");
        assertEquals(200, cdnGet((String) ams.get("belt_cdn"), cached).statusCode());
        kill(((Number) map(ams.get("pids")).get("node")).longValue());
        // iad's node, through the ams client's link to it, still answers for the ams client
        String iadFromAms = (String) map(ams.get("nodes")).get("iad");
        assertEquals(200, ofrep(iadFromAms, "{\"context\":{\"targetingKey\":\"u\"}}").statusCode());
        // so does the ams belt POP, from its fallback (iad's node): an uncached context, and an OFREP POST
        HttpResponse<String> fresh = cdnGet((String) ams.get("belt_cdn"), context("user-after-kill"));
        assertEquals(200, fresh.statusCode(), fresh.body());
        assertEquals("iad/iad-1", fresh.headers().firstValue("GDN-Served-By").orElse(""), fresh.headers().toString());
        assertEquals(200, ofrep((String) ams.get("belt_cdn"), "{\"context\":{\"targetingKey\":\"u\"}}").statusCode());
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
        assertTrue(text.contains("suspenders CDN READY"), text);
        // every node gone: the POPs still answer a context they hold (fresh, or stale: stale-if-error)
        kill(((Number) map(regions.get(1).get("pids")).get("node")).longValue());
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> stale = cdnGet((String) ams.get("belt_cdn"), cached);
            assertEquals(200, stale.statusCode(), stale.body());
            assertTrue(List.of("HIT", "STALE").contains(stale.headers().firstValue("X-Cache").orElse("")), stale.headers().toString());
            assertTrue(stale.body().contains("welcome-banner"), stale.body());
        }
    }

    private static void kill(long pid) throws Exception {
        ProcessHandle p = ProcessHandle.of(pid).orElseThrow();
        p.destroyForcibly();
        p.onExit().get(10, TimeUnit.SECONDS);
    }

    private static void assertRunning(String what, Object pid) {
        assertNotNull(pid, what + ": no pid");
        assertTrue(ProcessHandle.of(((Number) pid).longValue()).map(ProcessHandle::isAlive).orElse(false), what + " pid " + pid + " is not running");
    }

    private static String context(String targetingKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("{\"targetingKey\":\"" + targetingKey + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> cdnGet(String base, String context) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/gdn/v1/evaluate/" + clientKey + "/" + context))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
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
