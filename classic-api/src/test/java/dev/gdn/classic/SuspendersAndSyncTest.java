package dev.gdn.classic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.classic.sync.SyncDaemon;
import dev.gdn.node.GdnNode;
import dev.gdn.node.NodeConfig;
import dev.gdn.node.http.CdnPolicy;
import dev.gdn.ruleset.envelope.SigningKey;
import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.sync.FaultyStore;
import dev.gdn.sync.publish.WritePolicy;
import dev.gdn.sync.store.ObjectStore;
import dev.gdn.sync.store.file.FileObjectStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuspendersAndSyncTest {
    @TempDir
    Path dir;
    ClassicFixture fx;
    final SigningKey key = SigningKey.generate();
    Path trustFile;

    static final String FLAGS = """
            {"metadata": {"team": "web"},
             "$evaluators": {"pro": {"in": [{"var": "plan"}, ["pro", "enterprise"]]}},
             "flags": {
              "beta": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                       "targeting": {"if": [{"$ref": "pro"}, "on", {"fractional": [["on", 30], ["off", 70]]}]}},
              "limit": {"state": "ENABLED", "variants": {"low": 10, "high": 1000, "ratio": 0.5}, "defaultVariant": "low",
                        "targeting": {"if": [{"sem_ver": [{"var": "app"}, ">=", "2.0.0"]}, "high",
                                             {"<": [{"var": "age"}, 18]}, "ratio", null]}},
              "theme": {"state": "ENABLED", "variants": {"a": {"dark": true}, "b": {"dark": false}}, "defaultVariant": "a",
                        "targeting": {"if": [{"starts_with": [{"var": "email"}, "admin@"]}, "b", null]}},
              "off": {"state": "DISABLED", "variants": {"x": "x"}, "defaultVariant": "x"},
              "nodefault": {"state": "ENABLED", "variants": {"y": "y"},
                            "targeting": {"if": [{"==": [{"var": "country"}, "NL"]}, "y", null]}}
             }}""";

    @BeforeEach
    void setUp() throws Exception {
        fx = new ClassicFixture(dir.resolve("data"));
        trustFile = dir.resolve("trust.pub");
        Files.writeString(trustFile, key.publicKeyPem());
    }

    @AfterEach
    void tearDown() throws Exception {
        fx.close();
    }

    private SyncDaemon daemon(List<ObjectStore> stores) {
        return new SyncDaemon(fx.api.database(), fx.ledger(), stores, key, TrustedKeys.of(),
                new WritePolicy(Duration.ofSeconds(3), 2, Duration.ofMillis(20), Duration.ofMillis(200)),
                Duration.ofMillis(200), Duration.ofSeconds(5), Clock.systemUTC(), new SimpleMeterRegistry());
    }

    private GdnNode node(Path store) throws Exception {
        return GdnNode.start(new NodeConfig("127.0.0.1", 0, "test", "n1", List.of(store.toUri().toString()), List.of(trustFile),
                Set.of(), null, null, null, null, Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofMillis(200),
                CdnPolicy.DEFAULT));
    }

    private static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what);
            }
            Thread.sleep(50);
        }
    }

    private static Http.Response bulk(int port, String key, String context) {
        return Http.send("POST", "http://127.0.0.1:" + port + "/ofrep/v1/evaluate/flags", "{\"context\":" + context + "}",
                "Authorization", "Bearer " + key);
    }

    @Test
    void databaseDownKeepsEvaluatingRefusesWritesAndLosesNothing() throws Exception {
        fx.createEnvironment("prod");
        String client = fx.createKey("prod", "client");
        fx.upload("prod", FLAGS);
        assertEquals(200, bulk(fx.api.port(), client, "{}").status());

        fx.stopDatabase();
        Http.Response eval = bulk(fx.api.port(), client, "{\"plan\":\"pro\"}");
        assertEquals(200, eval.status(), "evaluations continue from memory");
        Http.Response write = fx.admin("PUT", "/admin/v1/environments/prod/flags", FLAGS);
        assertEquals(503, write.status(), write.body());
        assertTrue(write.body().contains("nothing was written"), write.body());
        assertEquals("5", write.header("Retry-After"));
        waitFor("readiness degraded", () -> Http.send("GET", fx.url("/health/ready"), null).body().contains("\"DEGRADED\""));
        Http.Response ready = Http.send("GET", fx.url("/health/ready"), null);
        assertEquals(200, ready.status(), "still serving: degraded, not down");
        assertTrue(ready.body().contains("database unavailable for"), ready.body());

        fx.startDatabase();
        waitFor("writes accepted again", () -> fx.admin("PUT", "/admin/v1/environments/prod/flags", FLAGS).status() == 201);
        List<?> versions = (List<?>) ClassicFixture.json(fx.admin("GET", "/admin/v1/environments/prod/versions", null).body()).get("versions");
        assertEquals(2, versions.size(), "v1 survived, v2 landed, the refused write left nothing behind");
        waitFor("readiness back to READY", () -> Http.send("GET", fx.url("/health/ready"), null).body().contains("\"READY\""));
    }

    @Test
    void syncDaemonKilledMidPublishFinishesOnRestartAndRevocationReachesNodes() throws Exception {
        Path good = dir.resolve("store-a");
        FaultyStore flaky = new FaultyStore(FileObjectStore.open(dir.resolve("store-b"))).dead(true);
        fx.createEnvironment("prod");
        String client = fx.createKey("prod", "client");
        fx.upload("prod", FLAGS);

        // First daemon: store b is down, so v1 reaches only store a; then the daemon dies.
        try (SyncDaemon first = daemon(List.of(FileObjectStore.open(good), flaky))) {
            first.publishPending();
        }
        assertEquals(List.of(good.toUri().toString()), fx.ledger().publishedTo("prod", 1));
        fx.upload("prod", FLAGS.replace("\"team\": \"web\"", "\"team\": \"mobile\"")); // committed while no daemon runs

        // Restarted daemon with store b back: finishes v1 there and publishes v2 everywhere, identical bytes.
        flaky.dead(false);
        try (SyncDaemon second = daemon(List.of(FileObjectStore.open(good), flaky))) {
            second.start();
            waitFor("v1 and v2 recorded in both stores", () -> fx.ledger().publishedTo("prod", 1).size() == 2
                    && fx.ledger().publishedTo("prod", 2).size() == 2);
            var index = dev.gdn.sync.layout.SignedIndex.read(((dev.gdn.sync.store.GetResult.Found) flaky.delegate()
                    .get(dev.gdn.sync.layout.StoreLayout.INDEX_KEY, null)).data(), TrustedKeys.of(key.publicKey()));
            assertEquals(2, dev.gdn.sync.layout.SignedIndex.entry(index, "prod").orElseThrow().getVersion());
            assertEquals(Files.readString(good.resolve("v1/environments/prod/rulesets/1.pb"), java.nio.charset.StandardCharsets.ISO_8859_1),
                    Files.readString(dir.resolve("store-b/v1/environments/prod/rulesets/1.pb"), java.nio.charset.StandardCharsets.ISO_8859_1));

            try (GdnNode node = node(good)) {
                waitFor("node serves v2", () -> "2".equals(bulk(node.port(), client, "{}").header("GDN-Ruleset-Version")));
                Map<String, Object> keys = ClassicFixture.json(fx.admin("GET", "/admin/v1/environments/prod/keys", null).body());
                long id = (Long) ((Map<?, ?>) ((List<?>) keys.get("keys")).get(0)).get("id");
                assertEquals(200, fx.admin("DELETE", "/admin/v1/environments/prod/keys/" + id, null).status());
                assertEquals(401, bulk(fx.api.port(), client, "{}").status(), "the classic API refuses at once");
                waitFor("the node refuses once the new version is synced", () -> bulk(node.port(), client, "{}").status() == 401);
            }
        }
    }

    @Test
    void theClassicApiServesTheSignedArtifactOnceTheDaemonMadeIt() throws Exception {
        fx.createEnvironment("prod");
        String server = fx.createKey("prod", "server");
        fx.upload("prod", FLAGS);
        assertEquals(404, Http.send("GET", fx.url("/gdn/v1/ruleset"), null, "Authorization", "Bearer " + server).status());
        Path store = dir.resolve("store");
        try (SyncDaemon d = daemon(List.of(FileObjectStore.open(store)))) {
            d.publishPending();
        }
        waitFor("downloadable", () -> Http.send("GET", fx.url("/gdn/v1/ruleset"), null, "Authorization", "Bearer " + server).status() == 200);
        java.net.http.HttpResponse<byte[]> r = Http.CLIENT.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(fx.url("/gdn/v1/ruleset")))
                .header("Authorization", "Bearer " + server).build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("application/x-protobuf", r.headers().firstValue("Content-Type").orElse(""));
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(store.resolve("v1/environments/prod/rulesets/1.pb")), r.body()),
                "the very bytes the stores hold");
        assertEquals(1, dev.gdn.ruleset.envelope.Envelopes.verifyRuleset(r.body(), TrustedKeys.of(key.publicKey())).getVersion());
    }

    private SyncDaemon daemon(List<ObjectStore> stores, io.micrometer.core.instrument.MeterRegistry meters) {
        return new SyncDaemon(fx.api.database(), fx.ledger(), stores, key, TrustedKeys.of(),
                new WritePolicy(Duration.ofSeconds(3), 2, Duration.ofMillis(20), Duration.ofMillis(200)),
                Duration.ofMillis(200), Duration.ofSeconds(5), Clock.systemUTC(), meters);
    }

    /** The value of one sample of the Prometheus text, e.g. {@code gdn_sync_leader}, or NaN when absent. */
    static double sample(String scrape, String nameAndLabels) {
        return scrape.lines().filter(l -> l.startsWith(nameAndLabels + " ")).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElse(Double.NaN);
    }

    @Test
    void theSyncDaemonServesMetricsAndHealthAsLeaderAndStandby() throws Exception {
        fx.createEnvironment("prod");
        fx.upload("prod", FLAGS);
        Path good = dir.resolve("good");
        Files.writeString(dir.resolve("blocker"), "a file where the store's parent directory should be");
        // opened the production way: the blocked one cannot be opened, and is one failing store of two
        List<String> uris = List.of(good.toUri().toString(), dir.resolve("blocker/store").toUri().toString());
        var metersA = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        var metersB = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        List<ObjectStore> storesA = new java.util.ArrayList<>();
        List<ObjectStore> storesB = new java.util.ArrayList<>();
        for (String u : uris) {
            storesA.add(dev.gdn.sync.store.ObjectStores.open(u, dev.gdn.sync.store.StoreOptions.DEFAULT));
            storesB.add(dev.gdn.sync.store.ObjectStores.open(u, dev.gdn.sync.store.StoreOptions.DEFAULT));
        }
        String goodName = storesA.get(0).name();
        String blockedName = storesA.get(1).name();
        try (SyncDaemon a = daemon(storesA, metersA); SyncDaemon b = daemon(storesB, metersB);
             dev.gdn.classic.sync.SyncServer sa = dev.gdn.classic.sync.SyncServer.start("127.0.0.1", 0, a, metersA);
             dev.gdn.classic.sync.SyncServer sb = dev.gdn.classic.sync.SyncServer.start("127.0.0.1", 0, b, metersB)) {
            a.start();
            waitFor("a leads", a::isLeader);
            b.start();
            waitFor("published to the good store", () -> Files.exists(good.resolve("v1/index.pb")));
            String base = "http://127.0.0.1:" + sa.port();
            waitFor("lag measured", () -> sample(Http.send("GET", base + "/metrics", null).body(),
                    "gdn_sync_store_lag_versions{store=\"" + goodName + "\"}") == 0);
            String scrape = Http.send("GET", base + "/metrics", null).body();
            assertEquals(1, sample(scrape, "gdn_sync_leader"), scrape);
            assertEquals(1, sample(scrape, "gdn_sync_store_lag_versions{store=\"" + blockedName + "\"}"), scrape);
            assertEquals(0, sample(scrape, "gdn_sync_store_lag_seconds{store=\"" + goodName + "\"}"), scrape);
            assertTrue(sample(scrape, "gdn_sync_store_lag_seconds{store=\"" + blockedName + "\"}") >= 0, scrape);
            assertEquals(0, sample(scrape, "gdn_sync_store_up{store=\"" + blockedName + "\"}"), scrape);
            assertEquals(1, sample(scrape, "gdn_sync_store_up{store=\"" + goodName + "\"}"), scrape);
            assertTrue(sample(scrape, "gdn_publish_outcomes_total{status=\"PUBLISHED\",store=\"" + goodName + "\"}") >= 1, scrape);
            assertTrue(sample(scrape, "gdn_publish_outcomes_total{status=\"FAILED\",store=\"" + blockedName + "\"}") >= 1, scrape);
            assertTrue(sample(scrape, "gdn_sync_publish_seconds_count") >= 1, scrape);
            assertTrue(scrape.contains("jvm_memory_used_bytes") || scrape.contains("gdn_sync_database_errors_total"), scrape);

            Http.Response ready = Http.send("GET", base + "/health/ready", null);
            assertEquals(200, ready.status(), ready.body());
            assertTrue(ready.body().contains("\"role\":\"LEADER\"") && ready.body().contains("\"database\":\"UP\"")
                    && ready.body().contains(blockedName) && ready.body().contains("cannot create the directory"), ready.body());
            String standby = "http://127.0.0.1:" + sb.port();
            waitFor("the standby measures lag too", () -> sample(Http.send("GET", standby + "/metrics", null).body(),
                    "gdn_sync_store_lag_versions{store=\"" + blockedName + "\"}") == 1);
            assertEquals(0, sample(Http.send("GET", standby + "/metrics", null).body(), "gdn_sync_leader"));
            Http.Response standbyReady = Http.send("GET", standby + "/health/ready", null);
            assertEquals(200, standbyReady.status(), standbyReady.body());
            assertTrue(standbyReady.body().contains("\"role\":\"STANDBY\""), standbyReady.body());
            assertEquals(200, Http.send("GET", standby + "/health/live", null).status());

            fx.stopDatabase();
            waitFor("not ready without the database", () -> Http.send("GET", base + "/health/ready", null).status() == 503);
            assertTrue(Http.send("GET", base + "/health/ready", null).body().contains("\"database\":\"DOWN"));
            assertEquals(200, Http.send("GET", base + "/health/live", null).status(), "alive: it waits for the database");
            waitFor("leadership lost", () -> sample(Http.send("GET", base + "/metrics", null).body(), "gdn_sync_leader") == 0);
            assertTrue(sample(Http.send("GET", base + "/metrics", null).body(), "gdn_sync_database_errors_total") >= 1);
            fx.startDatabase();
        }
    }

    @Test
    void twoDaemonsOneLeaderAndFailover() throws Exception {
        fx.createEnvironment("prod");
        Path store = dir.resolve("store");
        SyncDaemon a = daemon(List.of(FileObjectStore.open(store)));
        SyncDaemon b = daemon(List.of(FileObjectStore.open(store)));
        try {
            a.start();
            b.start();
            waitFor("a leader", () -> a.isLeader() || b.isLeader());
            Thread.sleep(600);
            assertTrue(a.isLeader() ^ b.isLeader(), "exactly one leader");
            SyncDaemon leader = a.isLeader() ? a : b;
            SyncDaemon standby = leader == a ? b : a;
            fx.upload("prod", FLAGS);
            waitFor("published by the leader", () -> fx.ledger().publishedTo("prod", 1).size() == 1);

            long t0 = System.nanoTime();
            leader.close();
            waitFor("the standby takes over", standby::isLeader);
            long tookMs = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(tookMs < 10_000, "failover took " + tookMs + " ms");
            fx.upload("prod", FLAGS);
            waitFor("published by the new leader", () -> fx.ledger().publishedTo("prod", 2).size() == 1);
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void beltEqualsSuspendersForThousandsOfContexts() throws Exception {
        fx.createEnvironment("prod");
        String client = fx.createKey("prod", "client");
        fx.upload("prod", FLAGS);
        Path store = dir.resolve("store");
        try (SyncDaemon d = daemon(List.of(FileObjectStore.open(store)))) {
            d.publishPending();
        }
        Random rnd = new Random(42);
        String[] plans = {"free", "pro", "enterprise", null};
        String[] apps = {"1.9.9", "2.0.0", "2.1.0-beta.1", "v3.0.0", "garbage"};
        try (GdnNode node = node(store)) {
            waitFor("node ready", () -> Http.send("GET", "http://127.0.0.1:" + node.port() + "/health/ready", null).status() == 200);
            for (int i = 0; i < 2000; i++) {
                StringBuilder ctx = new StringBuilder("{\"targetingKey\":\"user-" + rnd.nextInt(1_000_000) + "\"");
                String plan = plans[rnd.nextInt(plans.length)];
                if (plan != null) {
                    ctx.append(",\"plan\":\"").append(plan).append('"');
                }
                ctx.append(",\"app\":\"").append(apps[rnd.nextInt(apps.length)]).append('"');
                ctx.append(",\"age\":").append(rnd.nextInt(60));
                ctx.append(",\"email\":\"").append(rnd.nextBoolean() ? "admin@" : "user@").append("x.test\"");
                ctx.append(",\"country\":\"").append(rnd.nextBoolean() ? "NL" : "SE").append("\"}");
                Http.Response belt = bulk(node.port(), client, ctx.toString());
                Http.Response suspenders = bulk(fx.api.port(), client, ctx.toString());
                assertEquals(200, belt.status(), belt.body());
                assertEquals(belt.body(), suspenders.body(), "for context " + ctx);
                assertEquals(belt.header("GDN-Ruleset-Version"), suspenders.header("GDN-Ruleset-Version"));
                assertEquals(belt.header("ETag"), suspenders.header("ETag"), "same version, context and answer: same ETag");
                assertEquals("classic", suspenders.header("GDN-Served-By"));
                assertEquals("test/n1", belt.header("GDN-Served-By"));
            }
        }
    }
}
