package dev.gdn.classic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassicApiTest {
    @TempDir
    static Path dir;
    static ClassicFixture fx;

    static final String FLAGS_V1 = "{\"flags\":{\"color\":{\"state\":\"ENABLED\",\"variants\":{\"red\":\"#f00\",\"blue\":\"#00f\"},"
            + "\"defaultVariant\":\"red\",\"targeting\":{\"if\":[{\"==\":[{\"var\":\"plan\"},\"pro\"]},\"blue\",null]}}}}";
    static final String FLAGS_V2 = FLAGS_V1.replace("\"defaultVariant\":\"red\"", "\"defaultVariant\":\"blue\"");

    @BeforeAll
    static void start() throws Exception {
        fx = new ClassicFixture(dir.resolve("data"));
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    private static Http.Response evaluate(String key, String flag, String context, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = "Bearer " + key;
        System.arraycopy(headers, 0, all, 2, headers.length);
        return Http.send("POST", fx.url("/ofrep/v1/evaluate/flags/" + flag), "{\"context\":" + context + "}", all);
    }

    @Test
    void adminTokenIsRequired() {
        assertEquals(401, Http.send("GET", fx.url("/admin/v1/environments"), null).status());
        Http.Response wrong = Http.send("GET", fx.url("/admin/v1/environments"), null, "Authorization", "Bearer nope");
        assertEquals(401, wrong.status());
        assertTrue(wrong.body().contains("wrong admin token"), wrong.body());
    }

    @Test
    void uploadEvaluateListFetchAndRollBack() {
        fx.createEnvironment("shop");
        String client = fx.createKey("shop", "client");
        assertEquals(1, fx.upload("shop", FLAGS_V1));
        Http.Response r = evaluate(client, "color", "{\"plan\":\"free\"}");
        assertEquals(200, r.status(), r.body());
        assertEquals("classic", r.header("GDN-Served-By"));
        assertEquals("1", r.header("GDN-Ruleset-Version"));
        assertTrue(r.body().contains("\"variant\":\"red\""), r.body());

        assertEquals(2, fx.upload("shop", FLAGS_V2));
        assertTrue(evaluate(client, "color", "{}").body().contains("\"variant\":\"blue\""), "served at once after commit");
        // pinning to the previous version, and (from the database) to any older one
        assertEquals("1", evaluate(client, "color", "{}", "GDN-Ruleset-Version", "1").header("GDN-Ruleset-Version"));

        Http.Response versions = fx.admin("GET", "/admin/v1/environments/shop/versions", null);
        assertEquals(200, versions.status());
        assertEquals(2, ((List<?>) ClassicFixture.json(versions.body()).get("versions")).size());
        Http.Response source = fx.admin("GET", "/admin/v1/environments/shop/versions/1", null);
        assertEquals(FLAGS_V1, source.body(), "the flag file exactly as uploaded");

        Http.Response rb = fx.admin("POST", "/admin/v1/environments/shop/rollback", "{\"toVersion\":1}");
        assertEquals(201, rb.status(), rb.body());
        assertEquals(3L, ClassicFixture.json(rb.body()).get("version"), "a rollback is a new, higher version");
        assertEquals("rollback", ClassicFixture.json(rb.body()).get("change"));
        assertTrue(evaluate(client, "color", "{}").body().contains("\"variant\":\"red\""));
        assertEquals(FLAGS_V1, fx.admin("GET", "/admin/v1/environments/shop/versions/3", null).body());
    }

    @Test
    void anUploadIsNotifiedOnTheClassicEventStreamAtCommit() throws Exception {
        fx.createEnvironment("streamed");
        String client = fx.createKey("streamed", "client");
        assertEquals(1, fx.upload("streamed", FLAGS_V1));
        Http.Response bulk = Http.send("POST", fx.url("/ofrep/v1/evaluate/flags"), "{\"context\":{}}", "Authorization", "Bearer " + client);
        assertTrue(bulk.body().contains("\"eventStreams\":[{\"type\":\"sse\",\"endpoint\":{\"requestUri\":\"/gdn/v1/events/"
                + client + "\"}"), bulk.body());
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<java.util.stream.Stream<String>> stream = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(fx.url("/gdn/v1/events/" + client))).header("Accept", "text/event-stream").build(),
                java.net.http.HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, stream.statusCode());
        java.util.concurrent.CompletableFuture<String> data = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> stream.body().filter(l -> l.startsWith("data:")).findFirst().orElse(null));
        assertEquals(2, fx.upload("streamed", FLAGS_V2));
        String line = data.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(line.contains("\"type\":\"refetchEvaluation\"") && line.contains("\"rulesetVersion\":2"), line);
        stream.body().close();
    }

    @Test
    void invalidUploadIs422WithEveryProblemAndStoresNothing() {
        fx.createEnvironment("bad");
        String broken = "{\"flags\":{\"a\":{\"state\":\"ON\",\"variants\":{\"x\":1},\"defaultVariant\":\"y\"}}}";
        Http.Response r = fx.admin("PUT", "/admin/v1/environments/bad/flags", broken);
        assertEquals(422, r.status());
        List<?> problems = (List<?>) ClassicFixture.json(r.body()).get("problems");
        assertEquals(2, problems.size(), r.body());
        assertTrue(r.body().contains("\"pointer\":\"/flags/a/state\""), r.body());
        assertTrue(r.body().contains("\"pointer\":\"/flags/a/defaultVariant\""), r.body());
        assertEquals(0, ((List<?>) ClassicFixture.json(fx.admin("GET", "/admin/v1/environments/bad/versions", null).body())
                .get("versions")).size());
        assertEquals(404, fx.admin("PUT", "/admin/v1/environments/nowhere/flags", FLAGS_V1).status());
    }

    /** SPEC §1: an upload with flag warnings is stored and says so; ?strict=true refuses it like an invalid one. */
    @Test
    void uploadReturnsWarningsAndStrictRefusesThem() {
        fx.createEnvironment("warn");
        String warned = "{\"flags\":{\"a\":{\"state\":\"ENABLED\",\"variants\":{\"x\":1,\"y\":2},\"defaultVariant\":\"x\","
                + "\"targeting\":{\"sem_ver\":[{\"var\":\"v\"},\"===\",\"1.0.0\"]}}}}";
        Http.Response strict = fx.admin("PUT", "/admin/v1/environments/warn/flags?strict=true", warned);
        assertEquals(422, strict.status(), strict.body());
        assertTrue(strict.body().contains("\"pointer\":\"/flags/a/targeting/sem_ver/1\",\"level\":\"error\""), strict.body());
        assertEquals(0, ((List<?>) ClassicFixture.json(fx.admin("GET", "/admin/v1/environments/warn/versions", null).body())
                .get("versions")).size(), "nothing stored");
        assertEquals(400, fx.admin("PUT", "/admin/v1/environments/warn/flags?strict=yes", warned).status());

        Http.Response ok = fx.admin("PUT", "/admin/v1/environments/warn/flags", warned);
        assertEquals(201, ok.status(), ok.body());
        List<?> warnings = (List<?>) ClassicFixture.json(ok.body()).get("warnings");
        assertEquals(1, warnings.size(), ok.body());
        assertTrue(ok.body().contains("\"pointer\":\"/flags/a/targeting/sem_ver/1\",\"level\":\"warning\",\"message\":"
                + "\"sem_ver operator must be one of"), ok.body());
        Http.Response clean = fx.admin("PUT", "/admin/v1/environments/warn/flags", FLAGS_V1);
        assertEquals(List.of(), ClassicFixture.json(clean.body()).get("warnings"), clean.body());
    }

    @Test
    void ifMatchGivesOptimisticConcurrency() {
        fx.createEnvironment("occ");
        fx.upload("occ", FLAGS_V1);
        Http.Response ok = fx.admin("PUT", "/admin/v1/environments/occ/flags", FLAGS_V2, "If-Match", "\"1\"");
        assertEquals(201, ok.status(), ok.body());
        Http.Response stale = fx.admin("PUT", "/admin/v1/environments/occ/flags", FLAGS_V1, "If-Match", "1");
        assertEquals(409, stale.status());
        assertEquals(2L, ClassicFixture.json(stale.body()).get("currentVersion"));
        assertTrue(stale.body().contains("another change landed first"), stale.body());
    }

    @Test
    void concurrentUploadsNeverLoseAnUpdateNorShareAVersion() throws Exception {
        fx.createEnvironment("race");
        fx.upload("race", FLAGS_V1);
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch go = new CountDownLatch(1);
        try {
            // Without If-Match: all land, each with its own version.
            List<Future<Http.Response>> blind = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                blind.add(pool.submit(() -> {
                    go.await();
                    return fx.admin("PUT", "/admin/v1/environments/race/flags", FLAGS_V2);
                }));
            }
            go.countDown();
            Set<Object> versions = new HashSet<>();
            for (Future<Http.Response> f : blind) {
                assertEquals(201, f.get().status(), f.get().body());
                versions.add(ClassicFixture.json(f.get().body()).get("version"));
            }
            assertEquals(Set.of(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), versions);

            // All based on version 9 with If-Match: exactly one wins, the rest get 409.
            CountDownLatch go2 = new CountDownLatch(1);
            List<Future<Http.Response>> based = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                based.add(pool.submit(() -> {
                    go2.await();
                    return fx.admin("PUT", "/admin/v1/environments/race/flags", FLAGS_V1, "If-Match", "9");
                }));
            }
            go2.countDown();
            int created = 0;
            int conflicts = 0;
            for (Future<Http.Response> f : based) {
                if (f.get().status() == 201) {
                    created++;
                } else if (f.get().status() == 409) {
                    conflicts++;
                }
            }
            assertEquals(1, created);
            assertEquals(writers - 1, conflicts);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void revokedKeyGets401AtOnceAndKeysHaveKinds() {
        fx.createEnvironment("keys");
        String client = fx.createKey("keys", "client");
        String server = fx.createKey("keys", "server");
        fx.upload("keys", FLAGS_V1);
        assertEquals(200, evaluate(client, "color", "{}").status());
        assertEquals(403, Http.send("GET", fx.url("/gdn/v1/ruleset"), null, "Authorization", "Bearer " + client).status());
        Http.Response download = Http.send("GET", fx.url("/gdn/v1/ruleset"), null, "Authorization", "Bearer " + server);
        assertEquals(404, download.status(), "no sync daemon has signed this version yet");

        Map<String, Object> listed = ClassicFixture.json(fx.admin("GET", "/admin/v1/environments/keys/keys", null).body());
        long clientId = (Long) ((Map<?, ?>) ((List<?>) listed.get("keys")).get(0)).get("id");
        assertTrue(!fx.admin("GET", "/admin/v1/environments/keys/keys", null).body().contains(client), "secrets are never listed");
        Http.Response revoke = fx.admin("DELETE", "/admin/v1/environments/keys/keys/" + clientId, null);
        assertEquals(200, revoke.status(), revoke.body());
        assertEquals(401, evaluate(client, "color", "{}").status(), "revoked: refused at once");
        assertEquals(200, evaluate(server, "color", "{}").status());
        assertNotEquals(1L, ClassicFixture.json(revoke.body()).get("version"), "a key change is a new version");
    }
}
