package dev.gdn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.net.httpserver.HttpServer;
import dev.gdn.chaos.world.AdminApi;
import dev.gdn.chaos.world.HttpWorldControl;
import dev.gdn.chaos.world.LinkState;
import dev.gdn.chaos.world.World;
import dev.gdn.chaos.world.WorldFile;
import dev.gdn.ruleset.compile.FlagdCompiler;
import dev.gdn.ruleset.eval.CompiledRuleset;
import dev.gdn.ruleset.eval.EvaluationContext;
import dev.gdn.ruleset.eval.FlagResult;
import dev.gdn.ruleset.json.JsonReader;
import dev.gdn.ruleset.json.JsonWriter;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.net.InetSocketAddress;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * client-web in a real browser (Debian's Chromium through playwright-core, client-web/test/browser/drive.mjs),
 * on a page served from another origin (127.0.0.2, outside every world address), against a real 2-region
 * world ({@code gdn world up --regions ams,iad} in its own JVM, seeded with {@link #flags}): PostgreSQL,
 * S3Proxy, the classic API, sync daemons, a node per region, Varnish belt POPs and the suspenders POP, and a
 * latency link per client→tier path. The page's tier chain is read from world.json (SPEC §6): ams's belt
 * CDN, node, suspenders CDN and classic, then iad's node through ams's link to it.
 *
 * <p>It proves: correct values (checked against ruleset-core) while the tiers are taken away one after
 * another, killed through the world's part control or black-holed through its link control, until only
 * iad's node answers; a publish through the world's admin API changes the page's flag without a reload;
 * a reload with every ams link down shows the persisted values at once (reason CACHED). It also measures
 * the latency a black-holed belt CDN link adds and publish → page change, and writes them to
 * {@code target/web-browser-figures.json} ({@code -Dgdn.web.rounds=N}, {@code -Dgdn.web.samples=N};
 * bench/web-bench.sh).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebClientBrowserTest {
    private static final Path CLIENT_WEB = Path.of(System.getProperty("basedir", "."), "..", "client-web").toAbsolutePath().normalize();
    private static final Path BROWSER_DIR = CLIENT_WEB.resolve("test").resolve("browser");
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("GDN_CHROMIUM", "/usr/bin/chromium"));
    private static final int ROUNDS = Integer.getInteger("gdn.web.rounds", 3);
    private static final int LATENCY_SAMPLES = Integer.getInteger("gdn.web.samples", 12);

    static String flags(String bannerDefault) {
        return """
                {"metadata": {"team": "web"},
                 "flags": {
                  "banner": {"state": "ENABLED", "variants": {"old": "Welcome", "new": "Hello, v2", "third": "Hi again"},
                             "defaultVariant": "%s"},
                  "dark-mode": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                                "targeting": {"if": [{"ends_with": [{"var": "email"}, "@example.com"]}, "on", null]}},
                  "max-items": {"state": "ENABLED", "variants": {"small": 10, "large": 250}, "defaultVariant": "small",
                                "targeting": {"if": [{"sem_ver": [{"var": "appVersion"}, ">=", "2.4.0"]}, "large", "small"]}},
                  "discount": {"state": "ENABLED", "variants": {"some": 0.15, "lots": 0.35}, "defaultVariant": "some",
                               "targeting": {"fractional": [["some", 50], ["lots", 50]]}},
                  "theme": {"state": "ENABLED", "variants": {"a": {"primary": "#2980b9", "dense": false}, "b": {"primary": "#8e44ad"}},
                            "defaultVariant": "a", "targeting": {"if": [{"==": [{"var": "plan"}, "team"]}, "b", null]}}
                 }}""".formatted(bannerDefault);
    }

    private static final List<Map<String, Object>> PAGE_FLAGS = List.of(flag("banner", "string", "(default)"),
            flag("dark-mode", "boolean", false), flag("max-items", "number", -1), flag("discount", "number", -1),
            flag("theme", "object", Map.of("default", true)));

    private Path tmp;
    private Process worldProcess;
    private World world;
    private HttpWorldControl control;
    private AdminApi admin;
    private HttpServer pageServer;
    private Process driver;
    private BufferedWriter toDriver;
    private BufferedReader fromDriver;
    private String currentFlags;

    @BeforeAll
    void startWorldPageAndBrowser(@TempDir Path tmp) throws Exception {
        this.tmp = tmp;
        requireInstalled();
        currentFlags = flags("old");
        Path seed = tmp.resolve("flags.json");
        Files.writeString(seed, currentFlags);
        Path dir = tmp.resolve("world");
        worldProcess = WorldProcess.up(dir, tmp.resolve("world-up.log"), "ams,iad", "--flags", seed.toString());
        world = WorldFile.read(dir);
        control = HttpWorldControl.of(world);
        admin = new AdminApi(world.admin(), Duration.ofSeconds(10));
        servePage();
        warmUp();
        driver = new ProcessBuilder(System.getProperty("gdn.node", "node"), "drive.mjs").directory(BROWSER_DIR.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        toDriver = new BufferedWriter(new OutputStreamWriter(driver.getOutputStream(), StandardCharsets.UTF_8));
        fromDriver = new BufferedReader(new InputStreamReader(driver.getInputStream(), StandardCharsets.UTF_8));
    }

    /** The chain a page in the world's first region uses: its region's tiers, then another region's node through its link. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> tiersFrom(World world) {
        World.Region r = world.regions().get(0);
        Map<String, Object> nodes = (Map<String, Object>) r.extra().get("nodes");
        return List.of(tier("belt-cdn", "cdn", r.beltCdn()), tier("gdn", "gdn", r.node()),
                tier("suspenders-cdn", "cdn", r.suspendersCdn()), tier("classic", "classic", r.classic()),
                tier("gdn-direct", "gdn", nodes.get(world.regions().get(1).code())));
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (driver != null) {
            try {
                command(ordered("cmd", "quit"));
            } catch (Exception ignored) {
                // the browser is gone already
            }
            driver.destroy();
            driver.waitFor(10, TimeUnit.SECONDS);
        }
        if (pageServer != null) {
            pageServer.stop(0);
        }
        if (admin != null) {
            admin.close();
        }
        if (control != null) {
            control.close();
        }
        if (worldProcess != null) {
            assertTrue(WorldProcess.down(worldProcess), "the world did not exit within 60 s of SIGTERM");
        }
    }

    @Test
    void keepsAnsweringThroughEveryTierFailureServesTheCacheWhenAllAreDownAndFollowsPublishes() throws Exception {
        String ams = world.regions().get(0).code();
        Map<String, Object> ctx = context("user-1", "ann@example.com", "team", "2.5.0");
        String spec = Base64.getUrlEncoder().withoutPadding().encodeToString(JsonWriter.toJson(ordered(
                "clientKey", world.clientKey(), "tiers", tiersFrom(world), "context", ctx, "flags", PAGE_FLAGS,
                "options", ordered("hedgeMs", 150, "timeoutMs", 1500, "deadlineMs", 5000, "streamStallMs", 3000, "breakerOpenMs", 2000)))
                .getBytes(StandardCharsets.UTF_8));
        ok(command(ordered("cmd", "goto", "url", pageUrl() + "#" + spec)));
        Map<String, Object> first = awaitStatus("READY");
        assertValues(first, ctx, false, "first load");
        // the first tier is the belt POP (Varnish), answering a page from another origin (CORS through the CDN)
        Object firstTier = ((Map<?, ?>) first.get("gdn")).get("tier");
        if (!"belt-cdn".equals(firstTier)) {
            // On a busy machine the page's very first request can outlast the 150 ms hedge delay (a cold browser
            // connection through the link and the POP): then the next context must come from the belt.
            setContext(context("user-1b", "ann@example.com", "team", "2.5.0"));
            assertEquals("belt-cdn", ((Map<?, ?>) snapshot().get("gdn")).get("tier"),
                    "first load from " + firstTier + ", and the next context not from the belt either: " + snapshot().get("gdn"));
            setContext(ctx);
        }

        // The latency a black-holed first tier (the belt CDN link) adds, against the same page with every tier up.
        List<Double> up = new ArrayList<>();
        List<Double> holed = new ArrayList<>();
        for (int i = 0; i < LATENCY_SAMPLES; i++) {
            up.add(setContext(context("lat-up-" + i, "x@other.org", "free", "1.0.0")));
        }
        control.setLinks(ams + ".belt_cdn", LinkState.BLACKHOLE);
        for (int i = 0; i < LATENCY_SAMPLES; i++) {
            holed.add(setContext(context("lat-holed-" + i, "x@other.org", "free", "1.0.0")));
        }
        control.setLinks(ams + ".belt_cdn", LinkState.UP);

        // Every tier in turn, cumulatively: black-holed (link control) or killed (part control), until only
        // iad's node is left. Each step must be answered by a tier still standing, with correct values.
        record Outage(String tier, String link, String part) {
        }
        List<Outage> order = List.of(new Outage("belt-cdn", ams + ".belt_cdn", null), new Outage("gdn", null, "node-" + ams),
                new Outage("suspenders-cdn", null, "suspenders"), new Outage("classic", ams + ".classic", null));
        List<String> standing = new ArrayList<>(List.of("belt-cdn", "gdn", "suspenders-cdn", "classic", "gdn-direct"));
        for (int i = 0; i < order.size(); i++) {
            Outage o = order.get(i);
            if (o.link() != null) {
                control.setLinks(o.link(), LinkState.BLACKHOLE);
            } else {
                assertEquals("EXITED", control.act(o.part(), "kill").state(), o.part());
            }
            standing.remove(o.tier());
            Map<String, Object> c = context("user-down-" + i, i % 2 == 0 ? "bo@example.com" : "bo@else.org", i % 2 == 0 ? "team" : "free",
                    i % 2 == 0 ? "3.0.0" : "1.2.0");
            setContext(c);
            Map<String, Object> s = snapshot();
            assertValues(s, c, false, o.tier() + " and the tiers before it down");
            String servedBy = (String) ((Map<?, ?>) s.get("gdn")).get("tier");
            assertTrue(standing.contains(servedBy), o.tier() + " down: answered by " + servedBy + ", not one of " + standing + ": " + s.get("gdn"));
        }
        assertEquals(List.of("gdn-direct"), standing);
        control.setLinks(ams + ".*", LinkState.UP);
        for (Outage o : order) {
            if (o.part() != null) {
                assertTrue(control.act(o.part(), "start").ready(), o.part() + " started again");
            }
        }
        setContext(ctx);
        assertValues(snapshot(), ctx, false, "every tier back");

        // publish → the page's flag changes without a reload, through an event stream
        List<Double> publish = new ArrayList<>();
        String[] defaults = {"new", "third", "old"};
        for (int r = 0; r < ROUNDS; r++) {
            String variant = defaults[r % defaults.length];
            String want = switch (variant) {
                case "new" -> "Hello, v2";
                case "third" -> "Hi again";
                default -> "Welcome";
            };
            Thread.sleep(300); // let the stream settle after the previous refetch
            currentFlags = flags(variant);
            long t0 = System.nanoTime();
            AdminApi.Reply reply = admin.uploadFlags(world.environment(), currentFlags);
            assertEquals(201, reply.status(), reply.body());
            Map<String, Object> w = command(ordered("cmd", "waitFor", "flag", "banner", "value", want, "timeoutMs", 15000));
            double ms = (System.nanoTime() - t0) / 1e6;
            assertEquals(Boolean.TRUE, w.get("ok"), "the page showed '" + want + "' without a reload: " + snapshot());
            publish.add(ms);
        }
        Map<String, Object> afterPublish = snapshot();
        assertValues(afterPublish, ctx, false, "after the publishes");
        assertTrue(((List<?>) afterPublish.get("events")).stream().anyMatch(e -> "PROVIDER_CONFIGURATION_CHANGED".equals(((Map<?, ?>) e).get("type"))),
                "CONFIGURATION_CHANGED was emitted");

        // every link from ams down (iad's node through ams's link included), the page reloaded: the persisted values at once, reason CACHED
        control.setLinks(ams + ".*", LinkState.DOWN);
        ok(command(ordered("cmd", "reload")));
        // READY from the cache at once; STALE follows as soon as the background refresh fails
        Map<String, Object> cached = awaitStatus("READY", "STALE");
        assertValues(cached, ctx, true, "reload with every tier down");
        Number readyMs = (Number) cached.get("readyMs");
        assertTrue(readyMs.doubleValue() < 1000, "ready from the cache at once, not after the deadline: " + readyMs + " ms");
        Map<String, Object> stale = awaitStatus("STALE");
        assertValues(stale, ctx, true, "still serving the cache after the background refresh failed");
        control.setLinks(ams + ".*", LinkState.UP);

        Map<String, Object> figures = ordered("world", "gdn world up --regions ams,iad (Varnish POPs, latency links), page in ams",
                "firstTierUpMs", summary(up), "firstTierBlackHoledMs", summary(holed),
                "addedP50Ms", round(pct(holed, 50) - pct(up, 50)), "addedP99Ms", round(pct(holed, 99) - pct(up, 99)),
                "publishToPageMs", summary(publish), "cachedReloadReadyMs", round(readyMs.doubleValue()), "rounds", ROUNDS, "samples", LATENCY_SAMPLES);
        Path out = Path.of(System.getProperty("basedir", "."), "target", "web-browser-figures.json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, JsonWriter.toJson(figures) + "\n");
        System.out.println("client-web browser figures: " + JsonWriter.toJson(figures));
    }

    // ------------------------------------------------------------------ checks

    /** Every page flag as ruleset-core evaluates the current flags for this context (reason CACHED when from the cache). */
    private void assertValues(Map<String, Object> snapshot, Map<String, Object> ctx, boolean cached, String when) throws Exception {
        CompiledRuleset rs = CompiledRuleset.of(FlagdCompiler.compile(currentFlags).toRuleset("prod", 1, 0, List.of()));
        Map<?, ?> flags = (Map<?, ?>) snapshot.get("flags");
        for (Map<String, Object> f : PAGE_FLAGS) {
            String key = (String) f.get("key");
            FlagResult want = rs.evaluate(key, EvaluationContext.of(ctx));
            Map<?, ?> got = (Map<?, ?>) flags.get(key);
            assertEquals(JsonWriter.toCanonicalJson(want.value()), JsonWriter.toCanonicalJson(got.get("value")), when + ": " + key + " " + got);
            assertEquals(want.variant(), got.get("variant"), when + ": " + key);
            assertEquals(cached ? "CACHED" : want.reason().name(), got.get("reason"), when + ": " + key);
        }
    }

    private Map<String, Object> awaitStatus(String... statuses) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<String, Object> s;
        do {
            s = snapshot();
            if (List.of(statuses).contains(s.get("status"))) {
                return s;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < end);
        return fail("the page is not " + String.join(" or ", statuses) + " within 30 s: " + s);
    }

    private double setContext(Map<String, Object> ctx) throws Exception {
        return ((Number) ok(command(ordered("cmd", "setContext", "context", ctx))).get("ms")).doubleValue();
    }

    private Map<String, Object> snapshot() throws Exception {
        return command(ordered("cmd", "snapshot"));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> command(Map<String, Object> c) throws Exception {
        toDriver.write(JsonWriter.toJson(c));
        toDriver.newLine();
        toDriver.flush();
        String line = fromDriver.readLine();
        if (line == null) {
            fail("the browser driver exited (its output is above)");
        }
        return (Map<String, Object>) new JsonReader(64).read(line);
    }

    private static Map<String, Object> ok(Map<String, Object> reply) {
        assertNotEquals(null, reply);
        if (reply.containsKey("error")) {
            fail("browser: " + reply.get("error"));
        }
        return reply;
    }

    // ------------------------------------------------------------------ set-up pieces

    private void servePage() throws Exception {
        Path html = tmp.resolve("page.html");
        Process build = new ProcessBuilder(System.getProperty("gdn.node", "node"), "build-page.mjs", html.toString())
                .directory(BROWSER_DIR.toFile()).redirectErrorStream(true).start();
        String out = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!build.waitFor(120, TimeUnit.SECONDS) || build.exitValue() != 0) {
            fail("building the page failed:\n" + out);
        }
        byte[] page = Files.readAllBytes(html);
        pageServer = HttpServer.create(new InetSocketAddress("127.0.0.2", 0), 0);
        pageServer.createContext("/", ex -> {
            try (ex) {
                ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                ex.getResponseHeaders().set("Cache-Control", "no-store");
                ex.sendResponseHeaders(200, page.length);
                ex.getResponseBody().write(page);
            }
        });
        pageServer.start();
    }

    /**
     * Asks the first region's belt CDN and node through their links, as a page from the test's origin would, so the
     * first page load measures a warm world (the POP's origin connections, the nodes' evaluation path), not a cold one.
     */
    private void warmUp() throws Exception {
        World.Region r = world.regions().get(0);
        String origin = "http://127.0.0.2:" + pageServer.getAddress().getPort();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
            for (int i = 0; i < 5; i++) {
                String ctx = Base64.getUrlEncoder().withoutPadding().encodeToString(
                        JsonWriter.toJson(context("warm-" + i, "w@example.com", "free", "1.0.0")).getBytes(StandardCharsets.UTF_8));
                HttpResponse<String> cdn = http.send(HttpRequest.newBuilder(
                                URI.create(r.beltCdn() + "/gdn/v1/evaluate/" + world.clientKey() + "/" + ctx))
                        .header("Origin", origin).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, cdn.statusCode(), "warm-up CDN GET: " + cdn.body());
                HttpResponse<String> ofrep = http.send(HttpRequest.newBuilder(
                                URI.create(r.node() + "/ofrep/v1/evaluate/flags"))
                        .header("Authorization", "Bearer " + world.clientKey()).header("Content-Type", "application/json")
                        .header("Origin", origin).timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"context\":{\"targetingKey\":\"warm-" + i + "\"}}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, ofrep.statusCode(), "warm-up OFREP: " + ofrep.body());
            }
        }
    }

    private String pageUrl() {
        return "http://127.0.0.2:" + pageServer.getAddress().getPort() + "/page.html";
    }

    private static void requireInstalled() {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(CHROMIUM)) {
            missing.add(CHROMIUM + " (Debian package chromium)");
        }
        for (String pkg : List.of("playwright-core", "@openfeature/web-sdk", "esbuild")) {
            if (!Files.isDirectory(CLIENT_WEB.resolve("node_modules").resolve(pkg))) {
                missing.add(CLIENT_WEB.resolve("node_modules").resolve(pkg) + " (npm ci in " + CLIENT_WEB + ")");
            }
        }
        if (!Files.isRegularFile(CLIENT_WEB.resolve("dist").resolve("index.js"))) {
            missing.add(CLIENT_WEB.resolve("dist/index.js") + " (npm run build in " + CLIENT_WEB + ")");
        }
        if (!missing.isEmpty()) {
            fail("the client-web browser test needs, and ./run-tests installs and builds: " + String.join("; ", missing));
        }
    }

    private static Map<String, Object> context(String key, String email, String plan, String appVersion) {
        return ordered("targetingKey", key, "email", email, "plan", plan, "appVersion", appVersion);
    }

    private static Map<String, Object> tier(String name, String kind, Object url) {
        return ordered("name", name, "kind", kind, "urls", List.of(String.valueOf(url)));
    }

    private static Map<String, Object> flag(String key, String type, Object dflt) {
        return ordered("key", key, "type", type, "default", dflt);
    }

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static double pct(List<Double> xs, int p) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(Double::compare);
        return s.get(Math.min(s.size() - 1, (int) Math.ceil(s.size() * p / 100.0) - 1));
    }

    private static Map<String, Object> summary(List<Double> xs) {
        return ordered("n", xs.size(), "p50", round(pct(xs, 50)), "p99", round(pct(xs, 99)), "max", round(pct(xs, 100)));
    }

    private static double round(double v) {
        return Double.parseDouble(String.format(Locale.ROOT, "%.1f", v));
    }
}
