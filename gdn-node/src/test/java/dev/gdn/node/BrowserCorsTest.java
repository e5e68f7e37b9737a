package dev.gdn.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.net.httpserver.HttpServer;
import dev.gdn.node.http.CdnPolicy;
import dev.gdn.ruleset.apikey.ApiKeys;
import dev.gdn.ruleset.compile.FlagdCompiler;
import dev.gdn.ruleset.envelope.SigningKey;
import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.ruleset.eval.CompiledRuleset;
import dev.gdn.ruleset.eval.EvaluationContext;
import dev.gdn.ruleset.eval.FlagResult;
import dev.gdn.ruleset.json.JsonReader;
import dev.gdn.ruleset.json.JsonWriter;
import dev.gdn.ruleset.proto.ApiKeyKind;
import dev.gdn.ruleset.proto.Ruleset;
import dev.gdn.sync.publish.Publisher;
import dev.gdn.sync.publish.WritePolicy;
import dev.gdn.sync.store.ObjectStores;
import dev.gdn.sync.store.StoreOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §3 "Browsers", end to end in a real browser: Debian's Chromium, driven by playwright-core,
 * loads a page from another origin (a static server on 127.0.0.2) that evaluates flags on a node
 * (on 127.0.0.1) through the official {@code @openfeature/web-sdk} + {@code @openfeature/ofrep-web-provider},
 * and reads the exposed ETag / GDN headers with a plain fetch. The environment's CORS allow-list
 * ({@code allowed_origins} in the ruleset) is enforced by the browser itself.
 *
 * <p>Needs /usr/bin/chromium and {@code npm ci} in src/test/browser: {@code ./run-tests} installs both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserCorsTest {
    /** Surefire runs in the module directory and names it in "basedir". */
    private static final Path BROWSER_DIR = Path.of(System.getProperty("basedir", "."), "src", "test", "browser").toAbsolutePath().normalize();
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("GDN_CHROMIUM", "/usr/bin/chromium"));
    private static final Duration BROWSER_TIMEOUT = Duration.ofSeconds(90);
    private static final String CLIENT_KEY = "gdn_client_browser_test_key";

    private static final String FLAGS = """
            {
              "metadata": { "team": "web" },
              "$evaluators": { "isStaff": { "ends_with": [{ "var": "email" }, "@example.com"] } },
              "flags": {
                "dark-mode": {
                  "state": "ENABLED",
                  "variants": { "on": true, "off": false },
                  "defaultVariant": "off",
                  "targeting": { "if": [{ "$ref": "isStaff" }, "on", null] }
                },
                "banner-text": {
                  "state": "ENABLED",
                  "variants": { "welcome": "Welcome back!", "upgrade": "Go enterprise", "plain": "Hello" },
                  "defaultVariant": "plain",
                  "targeting": { "if": [{ "==": [{ "var": "plan" }, "enterprise"] }, "welcome", { "==": [{ "var": "plan" }, "free"] }, "upgrade", null] }
                },
                "max-items": {
                  "state": "ENABLED",
                  "variants": { "small": 10, "large": 250 },
                  "defaultVariant": "small",
                  "targeting": { "if": [{ "sem_ver": [{ "var": "appVersion" }, ">=", "2.4.0"] }, "large", "small"] }
                },
                "discount-rate": {
                  "state": "ENABLED",
                  "variants": { "none": 0.0, "some": 0.15, "lots": 0.35 },
                  "defaultVariant": "none",
                  "targeting": { "fractional": [["some", 50], ["lots", 50]] }
                },
                "theme": {
                  "state": "ENABLED",
                  "variants": {
                    "classic": { "primary": "#2980b9", "dense": false, "radius": 4 },
                    "modern": { "primary": "#8e44ad", "dense": true, "radius": 12, "fonts": ["Inter", "system-ui"] }
                  },
                  "defaultVariant": "classic",
                  "targeting": { "if": [{ "in": [{ "var": "plan" }, ["enterprise", "team"]] }, "modern", "classic"] }
                },
                "retired-feature": {
                  "state": "DISABLED",
                  "variants": { "on": true, "off": false },
                  "defaultVariant": "on"
                }
              }
            }
            """;

    /** Flags the page evaluates: key, type, the code default the page passes. */
    private static final List<Map<String, Object>> PAGE_FLAGS = List.of(
            flag("dark-mode", "boolean", false),
            flag("banner-text", "string", "(default)"),
            flag("max-items", "number", -1),
            flag("discount-rate", "number", -1),
            flag("theme", "object", Map.of("default", true)),
            flag("retired-feature", "boolean", false),
            flag("no-such-flag", "string", "(missing)"));

    private static final Map<String, Object> CONTEXT = ordered("targetingKey", "user-42", "email", "ann@example.com",
            "plan", "enterprise", "appVersion", "2.5.0");
    private static final Map<String, Object> NEXT_CONTEXT = ordered("targetingKey", "user-42", "email", "bob@other.org",
            "plan", "free", "appVersion", "1.9.0");

    @TempDir
    static Path tmp;
    private HttpServer pageServer;
    private String pageOrigin;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void buildAndServePage() throws Exception {
        requireInstalled();
        Path html = tmp.resolve("page.html");
        Process build = new ProcessBuilder(nodeCommand(), "build.mjs", html.toString())
                .directory(BROWSER_DIR.toFile()).redirectErrorStream(true).start();
        String out = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!build.waitFor(60, TimeUnit.SECONDS) || build.exitValue() != 0) {
            fail("building the page failed:\n" + out);
        }
        byte[] page = Files.readAllBytes(html);
        // Another origin than the node's: another loopback address (and port).
        pageServer = HttpServer.create(new InetSocketAddress("127.0.0.2", 0), 0);
        pageServer.createContext("/", ex -> {
            try (ex) {
                if (!ex.getRequestURI().getPath().equals("/page.html")) {
                    ex.sendResponseHeaders(404, -1);
                    return;
                }
                ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                ex.getResponseHeaders().set("Cache-Control", "no-store");
                ex.sendResponseHeaders(200, page.length);
                ex.getResponseBody().write(page);
            }
        });
        pageServer.start();
        pageOrigin = "http://127.0.0.2:" + pageServer.getAddress().getPort();
    }

    @AfterAll
    void stopPageServer() {
        if (pageServer != null) {
            pageServer.stop(0);
        }
    }

    @Test
    void ofrepWebProviderEvaluatesFlagsFromAnotherOrigin() throws Exception {
        Path flags = tmp.resolve("flags.json");
        Files.writeString(flags, FLAGS);
        NodeConfig config = new NodeConfig("127.0.0.1", 0, "test", "browser-1", List.of(), List.of(), Set.of(), null,
                flags, CLIENT_KEY, null, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(100), CdnPolicy.DEFAULT);
        try (GdnNode node = GdnNode.start(config)) {
            Map<String, Object> run = runBrowser(node, CLIENT_KEY, true);
            Map<String, Object> r = map(run.get("results"));
            assertEquals(pageOrigin, r.get("origin"));
            assertNull(r.get("initError"), () -> "provider failed to initialize: " + run);
            assertEquals("READY", r.get("providerStatus"), () -> String.valueOf(run));

            CompiledRuleset expected = CompiledRuleset.of(FlagdCompiler.compile(FLAGS).toRuleset("default", 1, 0, List.of()));
            assertEvaluations(expected, CONTEXT, map(r.get("evaluations")));
            // Same targetingKey, other attributes: the provider revalidated with its ETag and got fresh answers.
            assertEvaluations(expected, NEXT_CONTEXT, map(r.get("afterContextChange")));
            assertEvaluations(expected, CONTEXT, map(r.get("afterContextRestore")));
            assertEvaluations(expected, CONTEXT, map(r.get("afterSameContext")));
            assertEquals("Go enterprise", value(r, "afterContextChange", "banner-text"), "the context change reached the node");

            // The provider's ETag handling across origins: it read the (exposed) ETag, revalidated with it,
            // got fresh answers for changed attributes (200) and a 304 for an equal context.
            List<Map<String, Object>> bulk = bulkRequests(run);
            assertTrue(bulk.stream().anyMatch(q -> q.get("ifNoneMatch") != null && status(q) == 200),
                    () -> "a revalidation with changed attributes must get 200: " + bulk);
            assertTrue(bulk.stream().anyMatch(q -> q.get("ifNoneMatch") != null && status(q) == 304),
                    () -> "a revalidation with an equal context must get 304: " + bulk);

            // The page's own code can read the exposed headers across origins.
            Map<String, Object> plain = map(r.get("plain"));
            assertEquals(200L, ((Number) plain.get("status")).longValue(), () -> String.valueOf(plain));
            String etag = (String) plain.get("etag");
            assertNotNull(etag, "ETag must be exposed to the page (Access-Control-Expose-Headers)");
            assertTrue(etag.startsWith("\"") && etag.length() > 2, etag);
            assertEquals("1", plain.get("rulesetVersion"), "GDN-Ruleset-Version must be exposed to the page");
            assertEquals("test/browser-1", plain.get("servedBy"), "GDN-Served-By must be exposed to the page");
            assertEquals(1L, ((Number) map(map(plain.get("body")).get("metadata")).get("rulesetVersion")).longValue());
            Map<String, Object> revalidated = map(r.get("plainRevalidated"));
            assertEquals(304L, ((Number) revalidated.get("status")).longValue(), () -> "If-None-Match from the page: " + revalidated);
            assertEquals(etag, revalidated.get("etag"));
        }
    }

    @Test
    void allowListIsEnforcedByTheBrowser() throws Exception {
        Path store = Files.createDirectories(tmp.resolve("store"));
        SigningKey signing = SigningKey.generate();
        Path trust = tmp.resolve("trust.pub");
        Files.writeString(trust, signing.publicKeyPem());
        String lockedKey = "gdn_client_locked_env";
        String openKey = "gdn_client_allowed_env";
        try (Publisher publisher = new Publisher(List.of(ObjectStores.open(store.toUri().toString(), StoreOptions.DEFAULT)),
                signing, TrustedKeys.of(), WritePolicy.DEFAULT, Clock.systemUTC(), new SimpleMeterRegistry())) {
            // An allow-list that names other origins only (the node's own among them, and the page's host on another port).
            publish(publisher, "web-locked", lockedKey, List.of("https://app.example.com", "http://127.0.0.1", "http://127.0.0.2"));
            // An allow-list that names the page's origin exactly.
            publish(publisher, "web-open", openKey, List.of("https://app.example.com", pageOrigin));
        }
        NodeConfig config = new NodeConfig("127.0.0.1", 0, "test", "browser-2", List.of(store.toUri().toString()), List.of(trust),
                Set.of(), null, null, null, null, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(100), CdnPolicy.DEFAULT);
        try (GdnNode node = GdnNode.start(config)) {
            // Not in the list: the node answers (200, outside a browser), but the browser withholds the answer.
            HttpResponse<String> direct = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/ofrep/v1/evaluate/flags"))
                    .header("Authorization", "Bearer " + lockedKey).header("Origin", pageOrigin).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"context\":{\"targetingKey\":\"u\"}}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, direct.statusCode(), direct::body);
            assertTrue(direct.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), () -> String.valueOf(direct.headers()));

            Map<String, Object> blocked = runBrowser(node, lockedKey, false);
            Map<String, Object> b = map(blocked.get("results"));
            assertNotNull(b.get("initError"), () -> "the provider must fail when its origin is not allowed: " + blocked);
            assertEquals("ERROR", b.get("providerStatus"), () -> String.valueOf(blocked));
            Map<String, Object> darkMode = map(map(b.get("evaluations")).get("dark-mode"));
            assertEquals(false, darkMode.get("value"), "the code default applies");
            Map<String, Object> plain = map(b.get("plain"));
            assertNull(plain.get("status"), () -> "a plain fetch must be blocked too: " + plain);
            assertTrue(String.valueOf(plain.get("error")).contains("Failed to fetch"), () -> String.valueOf(plain));
            @SuppressWarnings("unchecked")
            List<Object> console = (List<Object>) blocked.get("console");
            assertTrue(console.stream().anyMatch(l -> String.valueOf(l).contains("blocked by CORS policy")),
                    () -> "Chromium reports the CORS block: " + console);

            // In the list: everything works, and the node names the origin rather than "*".
            Map<String, Object> allowed = runBrowser(node, openKey, false);
            Map<String, Object> a = map(allowed.get("results"));
            assertNull(a.get("initError"), () -> String.valueOf(allowed));
            assertEquals("READY", a.get("providerStatus"));
            CompiledRuleset expected = CompiledRuleset.of(FlagdCompiler.compile(FLAGS).toRuleset("web-open", 1, 0, List.of()));
            assertEvaluations(expected, CONTEXT, map(a.get("evaluations")));
            Map<String, Object> openPlain = map(a.get("plain"));
            assertEquals(200L, ((Number) openPlain.get("status")).longValue());
            assertNotNull(openPlain.get("etag"));
            assertEquals("1", openPlain.get("rulesetVersion"));

            HttpResponse<String> directOpen = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/ofrep/v1/evaluate/flags"))
                    .header("X-API-Key", openKey).header("Origin", pageOrigin).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"context\":{\"targetingKey\":\"u\"}}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(List.of(pageOrigin), directOpen.headers().allValues("Access-Control-Allow-Origin"));
            assertTrue(directOpen.headers().allValues("Vary").stream().anyMatch(v -> v.contains("Origin")));
        }
    }

    // ---------------------------------------------------------------- helpers

    private static void publish(Publisher publisher, String env, String clientKey, List<String> allowedOrigins) throws Exception {
        Ruleset ruleset = FlagdCompiler.compile(FLAGS)
                .toRuleset(env, 1, System.currentTimeMillis(), List.of(ApiKeys.hashOf(clientKey, ApiKeyKind.CLIENT, "browser")))
                .toBuilder().addAllAllowedOrigins(allowedOrigins).build();
        var result = publisher.publish(ruleset);
        assertTrue(result.allStored(), () -> String.valueOf(result));
    }

    /** Runs run.mjs on the page with this spec; returns its {results, console} line. */
    private Map<String, Object> runBrowser(GdnNode node, String key, boolean withContextChange) throws Exception {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("baseUrl", "http://127.0.0.1:" + node.port());
        spec.put("key", key);
        spec.put("context", CONTEXT);
        if (withContextChange) {
            spec.put("nextContext", NEXT_CONTEXT);
        }
        spec.put("flags", PAGE_FLAGS);
        String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(JsonWriter.toJson(spec).getBytes(StandardCharsets.UTF_8));
        String url = pageOrigin + "/page.html#spec=" + encoded;

        Path stdout = Files.createTempFile(tmp, "browser", ".out");
        Path stderr = Files.createTempFile(tmp, "browser", ".err");
        long started = System.nanoTime();
        Process p = new ProcessBuilder(nodeCommand(), "run.mjs", url, "30000")
                .directory(BROWSER_DIR.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
                .start();
        boolean done = p.waitFor(BROWSER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (!done) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        String out = Files.readString(stdout);
        String err = Files.readString(stderr);
        System.err.printf("browser run (%s, %d ms):%n%s%s%n", key, Duration.ofNanos(System.nanoTime() - started).toMillis(), err, out);
        if (!done) {
            fail("the browser did not finish within " + BROWSER_TIMEOUT + "\nstderr:\n" + err + "\nstdout:\n" + out);
        }
        if (p.exitValue() != 0) {
            fail("run.mjs exited " + p.exitValue() + "\nstderr:\n" + err + "\nstdout:\n" + out);
        }
        String[] lines = out.strip().split("\n");
        return map(JsonReader.standard().read(lines[lines.length - 1]));
    }

    /** Each flag as the browser saw it matches what dev.gdn.ruleset evaluation gives for the same context. */
    private static void assertEvaluations(CompiledRuleset ruleset, Map<String, Object> context, Map<String, Object> seen) {
        assertNotNull(seen, "no evaluations");
        EvaluationContext ctx = EvaluationContext.of(context);
        for (Map<String, Object> f : PAGE_FLAGS) {
            String key = (String) f.get("key");
            Map<String, Object> got = map(seen.get(key));
            assertNotNull(got, "no result for " + key);
            if (!ruleset.hasFlag(key)) {
                assertEquals("FLAG_NOT_FOUND", got.get("errorCode"), key);
                assertJsonEquals(f.get("default"), got.get("value"), key);
                continue;
            }
            FlagResult want = ruleset.evaluate(key, ctx);
            assertFalse(want.isError(), key);
            assertNull(got.get("errorCode"), () -> key + ": " + got);
            assertEquals(want.reason().name(), got.get("reason"), key);
            assertEquals(want.variant(), got.get("variant"), key);
            // No variant (DISABLED, or DEFAULT without a default variant): the caller's code default applies.
            assertJsonEquals(want.hasValue() ? want.value() : f.get("default"), got.get("value"), key + " for " + context);
        }
    }

    /** JSON equality with numbers compared by value (JavaScript has one number type). */
    private static void assertJsonEquals(Object expected, Object actual, String what) {
        assertEquals(normalize(expected), normalize(actual), what);
    }

    private static Object normalize(Object v) {
        if (v instanceof Number n) {
            return new BigDecimal(n.toString()).stripTrailingZeros();
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(k, normalize(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(normalize(x)));
            return out;
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> bulkRequests(Map<String, Object> run) {
        return ((List<Object>) run.get("network")).stream().map(BrowserCorsTest::map)
                .filter(q -> "POST".equals(q.get("method")) && String.valueOf(q.get("url")).endsWith("/ofrep/v1/evaluate/flags"))
                .toList();
    }

    private static long status(Map<String, Object> request) {
        return ((Number) request.get("status")).longValue();
    }

    private static Object value(Map<String, Object> results, String phase, String key) {
        return map(map(results.get(phase)).get(key)).get("value");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
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

    private static String nodeCommand() {
        return System.getProperty("gdn.node", "node");
    }

    private static void requireInstalled() {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(CHROMIUM)) {
            missing.add(CHROMIUM + " (Debian package chromium)");
        }
        for (String pkg : List.of("playwright-core", "@openfeature/web-sdk", "@openfeature/ofrep-web-provider", "esbuild")) {
            if (!Files.isDirectory(BROWSER_DIR.resolve("node_modules").resolve(pkg))) {
                missing.add(BROWSER_DIR.resolve("node_modules").resolve(pkg) + " (npm ci in " + BROWSER_DIR + ")");
            }
        }
        try {
            Process v = new ProcessBuilder(nodeCommand(), "--version").redirectErrorStream(true).start();
            v.getInputStream().readAllBytes();
            if (!v.waitFor(20, TimeUnit.SECONDS) || v.exitValue() != 0) {
                missing.add("node (Node.js)");
            }
        } catch (IOException | InterruptedException e) {
            missing.add("node (Node.js): " + e.getMessage());
        }
        if (!missing.isEmpty()) {
            fail("the browser test needs: " + String.join(", ", missing) + ". ./run-tests installs them.");
        }
    }
}
