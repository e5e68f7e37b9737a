package dev.gdn.client.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.classic.ClassicApi;
import dev.gdn.classic.ClassicConfig;
import dev.gdn.classic.db.EmbeddedDatabase;
import dev.gdn.client.Evaluations;
import dev.gdn.client.FlagEvaluation;
import dev.gdn.client.GdnClient;
import dev.gdn.client.Tier;
import dev.gdn.client.TierKind;
import dev.gdn.client.remote.TestFlags;
import dev.gdn.node.GdnNode;
import dev.gdn.node.NodeConfig;
import dev.gdn.node.http.CdnPolicy;
import dev.gdn.ruleset.eval.CompiledRuleset;
import dev.gdn.ruleset.json.JsonReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against the real servers as tiers: a GDN node in flag-file mode, then the classic API
 * over an embedded PostgreSQL, both serving the same flags under the same client key.
 */
class RealServersTest {
    static final String ADMIN_TOKEN = "client-it-admin-token";
    /**
     * Each tier's timeout and the call's deadline: longer than any stall of a loaded machine, so a
     * healthy server always gets to answer.
     */
    static final Duration PATIENT = Duration.ofSeconds(15);
    /**
     * The node's hedge delay. The test asserts which tier answered, so a healthy node must never lose
     * its race to the classic API because this machine was slow for 75 ms (the default); a stopped node
     * is refused at once, and the refusal, not the hedge, moves the call on.
     */
    static final Duration NODE_HEDGE = Duration.ofSeconds(10);

    @TempDir
    Path tmp;

    @Test
    void nodeThenClassicSameAnswersFailoverLastKnownGoodAndNoLeakedThreads() throws Exception {
        CompiledRuleset expected = TestFlags.ruleset(TestFlags.FLAGS_V1, 1);
        HttpClient admin = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        EmbeddedDatabase db = EmbeddedDatabase.start(tmp.resolve("classic"), freePort());
        ClassicApi classic = null;
        GdnNode node = null;
        try {
            classic = ClassicApi.start(new ClassicConfig("127.0.0.1", 0, db.jdbcUrl(), null, null, tmp.resolve("classic"), 0,
                    ADMIN_TOKEN, Duration.ofMillis(500), Duration.ofMillis(200), CdnPolicy.DEFAULT));
            String base = "http://127.0.0.1:" + classic.port();
            send(admin, "POST", base + "/admin/v1/environments", "{\"id\":\"web\"}", 201);
            String clientKey = (String) json(send(admin, "POST", base + "/admin/v1/environments/web/keys",
                    "{\"kind\":\"client\"}", 201)).get("secret");
            send(admin, "PUT", base + "/admin/v1/environments/web/flags", TestFlags.FLAGS_V1, 201);

            Path flags = tmp.resolve("flags.json");
            Files.writeString(flags, TestFlags.FLAGS_V1);
            node = GdnNode.start(new NodeConfig("127.0.0.1", 0, "test", "n1", List.of(), List.of(), Set.of(), null, flags,
                    clientKey, null, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(100), CdnPolicy.DEFAULT));

            Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
            GdnClient client = GdnClient.builder().clientKey(clientKey).deadline(PATIENT)
                    .tier(Tier.of("gdn", TierKind.GDN, "http://127.0.0.1:" + node.port()).withTimeout(PATIENT).withHedgeDelay(NODE_HEDGE))
                    .tier(Tier.of("classic", TierKind.CLASSIC, base).withTimeout(PATIENT))
                    .build();
            try {
                // Both servers, asked directly through one-tier chains, answer identical flags.
                Evaluations fromNode = client.evaluate(TestFlags.CONTEXT);
                assertFresh(expected, TestFlags.CONTEXT, "gdn", "test/n1", fromNode);
                try (GdnClient classicOnly = GdnClient.builder().clientKey(clientKey).deadline(PATIENT)
                        .tier(Tier.of("classic", TierKind.CLASSIC, base).withTimeout(PATIENT)).build()) {
                    Evaluations fromClassic = classicOnly.evaluate(TestFlags.CONTEXT);
                    assertFresh(expected, TestFlags.CONTEXT, "classic", ClassicApi.SERVED_BY, fromClassic);
                    assertEquals(values(fromNode), values(fromClassic), "same flag values from the node and the classic API");
                }

                // A few hundred evaluations over several contexts, all from the node.
                List<Map<String, Object>> contexts = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    Map<String, Object> ctx = new LinkedHashMap<>();
                    ctx.put("targetingKey", "user-" + i);
                    ctx.put("email", i % 3 == 0 ? "u" + i + "@example.com" : "u" + i + "@other.org");
                    ctx.put("plan", i % 2 == 0 ? "enterprise" : "free");
                    contexts.add(ctx);
                }
                for (int i = 0; i < 300; i++) {
                    Map<String, Object> ctx = contexts.get(i % contexts.size());
                    Evaluations e = client.evaluate(ctx);
                    assertFresh(expected, ctx, "gdn", "test/n1", e);
                }

                // The node stops: the classic API serves.
                node.close();
                node = null;
                for (Map<String, Object> ctx : contexts.subList(0, 5)) {
                    assertFresh(expected, ctx, "classic", ClassicApi.SERVED_BY, client.evaluate(ctx));
                }

                // Both stop: last-known-good.
                classic.close();
                classic = null;
                Evaluations stale = client.evaluate(TestFlags.CONTEXT);
                assertEquals(Evaluations.Freshness.STALE, stale.freshness(), stale::error);
                assertEquals("last-known-good", stale.tier());
                assertEquals(TestFlags.expected(expected, TestFlags.CONTEXT), TestFlags.actual(stale));
                assertNotNull(stale.error());
            } finally {
                client.close();
            }

            // Every thread the client started ends after close() (waited for up to 10 s: a loaded machine
            // may take a while to run a thread's last steps; a leaked thread never ends).
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            List<String> left;
            do {
                left = Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.isAlive() && !before.contains(t))
                        .map(Thread::getName)
                        .filter(n -> n.startsWith("gdn-client-") || n.startsWith("HttpClient-"))
                        .sorted().collect(Collectors.toList());
                if (left.isEmpty()) {
                    break;
                }
                Thread.sleep(20);
            } while (System.nanoTime() < until);
            assertEquals(List.of(), left, "threads left 10 s after close()");
            assertEquals(List.of(), Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.isAlive() && t.getName().startsWith("gdn-client-")).map(Thread::getName).toList(),
                    "no gdn-client thread at all");
        } finally {
            if (node != null) {
                node.close();
            }
            if (classic != null) {
                classic.close();
            }
            db.close();
            admin.close();
        }
    }

    static void assertFresh(CompiledRuleset rs, Map<String, Object> ctx, String tier, String servedBy, Evaluations e) {
        assertEquals(Evaluations.Freshness.FRESH, e.freshness(), e::error);
        assertEquals(tier, e.tier());
        assertEquals(servedBy, e.servedBy());
        assertEquals(1, e.version());
        assertEquals(TestFlags.expected(rs, ctx), TestFlags.actual(e), () -> "context " + ctx);
    }

    static Map<String, Object> values(Evaluations e) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (FlagEvaluation f : e.flags().values()) {
            out.put(f.key(), java.util.Arrays.asList(f.value(), f.variant(), f.reason()));
        }
        return out;
    }

    static String send(HttpClient http, String method, String url, String body, int expectStatus) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(expectStatus, r.statusCode(), () -> method + " " + url + ": " + r.body());
        return r.body();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(String body) throws Exception {
        return (Map<String, Object>) JsonReader.standard().read(body);
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
