package dev.gdn.node;

import static dev.gdn.node.NodeFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.node.NodeFixture.Resp;
import dev.gdn.ruleset.apikey.ApiKeys;
import dev.gdn.ruleset.envelope.Envelopes;
import dev.gdn.ruleset.proto.ApiKeyHash;
import dev.gdn.ruleset.proto.ApiKeyKind;
import dev.gdn.ruleset.proto.Ruleset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** API keys: 401 for missing and unknown (and revoked) keys, 403 for the wrong kind, and the signed ruleset download. */
class AuthTest {
    @TempDir
    Path tmp;
    NodeFixture f;
    Path store;

    @BeforeEach
    void setUp() {
        f = new NodeFixture(tmp);
        store = f.storeDir("a");
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private static void assertJsonError(int status, Resp r, String details) {
        assertEquals(status, r.status(), r::toString);
        assertEquals("application/json", r.requireHeader("Content-Type"), r::toString);
        assertEquals("no-store", r.requireHeader("Cache-Control"));
        Object d = r.jsonObject().get("errorDetails");
        assertTrue(d instanceof String s && s.contains(details), r::toString);
    }

    @Test
    void missingUnknownWrongKindAndRevokedKeys() throws Exception {
        String secondClient = ApiKeys.newSecret(ApiKeyKind.CLIENT);
        List<ApiKeyHash> keys = new ArrayList<>(f.keys());
        keys.add(ApiKeys.hashOf(secondClient, ApiKeyKind.CLIENT, "to-revoke"));
        f.publish(f.ruleset(1, keys), store);
        GdnNode node = f.startStoreNode(List.of(store), null);
        String ctx = "{\"context\":{}}";
        String cdnPath = "/gdn/v1/evaluate/%s/e30"; // e30 = base64url("{}")

        // missing
        assertJsonError(401, f.post(node, "/ofrep/v1/evaluate/flags", ctx), "missing API key");
        assertJsonError(401, f.post(node, "/ofrep/v1/evaluate/flags/int-flag", ctx), "missing API key");
        assertJsonError(401, f.get(node, "/gdn/v1/ruleset"), "missing API key");
        assertJsonError(401, f.post(node, "/ofrep/v1/evaluate/flags", ctx, "Authorization", "Bearer "), "missing API key");
        // unknown, either header
        String unknown = ApiKeys.newSecret(ApiKeyKind.CLIENT);
        assertJsonError(401, f.post(node, "/ofrep/v1/evaluate/flags", ctx, "Authorization", "Bearer " + unknown), "unknown API key");
        assertJsonError(401, f.post(node, "/ofrep/v1/evaluate/flags/int-flag", ctx, "X-API-Key", unknown), "unknown API key");
        assertJsonError(401, f.get(node, cdnPath.formatted(unknown)), "unknown API key");
        assertJsonError(401, f.get(node, "/gdn/v1/ruleset", "Authorization", "Bearer " + unknown), "unknown API key");
        // a non-Bearer Authorization scheme is no key
        assertJsonError(401, f.post(node, "/ofrep/v1/evaluate/flags", ctx, "Authorization", "Basic " + f.clientKey), "API key");

        // wrong kind for the route
        assertJsonError(403, f.get(node, "/gdn/v1/ruleset", "Authorization", "Bearer " + f.clientKey), "server key");
        assertJsonError(403, f.get(node, "/gdn/v1/ruleset", "X-API-Key", f.clientKey), "server key");
        assertJsonError(403, f.get(node, cdnPath.formatted(f.serverKey)), "server keys must never appear in URLs");

        // revocation: the second client key works on v1, and is refused once v2 (without it) is served
        assertEquals(200, f.post(node, "/ofrep/v1/evaluate/flags", ctx, "X-API-Key", secondClient).status());
        assertEquals(200, f.get(node, cdnPath.formatted(secondClient)).status());
        f.publish(f.ruleset(2), store);
        await("v2 served", () -> f.servedVersion(node) == 2);
        assertJsonError(401, f.post(node, "/ofrep/v1/evaluate/flags", ctx, "X-API-Key", secondClient), "unknown API key");
        assertJsonError(401, f.post(node, "/ofrep/v1/evaluate/flags/int-flag", ctx, "Authorization", "Bearer " + secondClient),
                "unknown API key");
        assertJsonError(401, f.get(node, cdnPath.formatted(secondClient)), "unknown API key");
        // pinning the old version does not bring a revoked key back
        assertJsonError(401, f.post(node, "/ofrep/v1/evaluate/flags", ctx, "X-API-Key", secondClient, "GDN-Ruleset-Version", "1"),
                "unknown API key");
        assertEquals(200, f.post(node, "/ofrep/v1/evaluate/flags", ctx, "X-API-Key", f.clientKey).status());
    }

    @Test
    void requestsAreCountedAndTimedByRouteAndStatus() throws Exception {
        f.publish(f.ruleset(1), store);
        GdnNode node = f.startStoreNode(List.of(store), null);
        for (int i = 0; i < 3; i++) {
            assertEquals(200, f.bulk(node, "{\"targetingKey\":\"u" + i + "\"}").status());
        }
        assertEquals(401, f.post(node, "/ofrep/v1/evaluate/flags", "{}", "X-API-Key", "nope").status());
        assertEquals(401, f.post(node, "/ofrep/v1/evaluate/flags", "{}", "X-API-Key", "nope").status());
        assertEquals(200, f.post(node, "/ofrep/v1/evaluate/flags/int-flag", "{}", "X-API-Key", f.clientKey).status());

        List<String> counts = f.metric(node, "gdn_http_server_requests_seconds_count");
        assertTrue(counts.stream().anyMatch(l -> l.contains("route=\"ofrep_bulk\"") && l.contains("status=\"200\"") && l.endsWith(" 3")),
                counts::toString);
        assertTrue(counts.stream().anyMatch(l -> l.contains("route=\"ofrep_bulk\"") && l.contains("status=\"401\"") && l.endsWith(" 2")),
                counts::toString);
        assertTrue(counts.stream().anyMatch(l -> l.contains("route=\"ofrep_single\"") && l.contains("status=\"200\"") && l.endsWith(" 1")),
                counts::toString);
        // a latency histogram, not only a count
        assertTrue(f.metric(node, "gdn_http_server_requests_seconds_bucket").stream()
                .anyMatch(l -> l.contains("route=\"ofrep_bulk\"") && l.contains("le=\"+Inf\"") && l.endsWith(" 3")));
        // every flag of every answered bulk request, plus the single one
        long flags = f.ruleset(1).getFlagsCount();
        List<String> evaluations = f.metric(node, "gdn_evaluations_total");
        assertTrue(evaluations.stream().anyMatch(l -> l.endsWith(" " + (3 * flags + 1) + ".0")), () -> evaluations + " for " + flags + " flags");
    }

    @Test
    void serverKeyDownloadsTheSignedEnvelope() throws Exception {
        Ruleset v1 = f.ruleset(1);
        f.publish(v1, store);
        GdnNode node = f.startStoreNode(List.of(store), null);

        Resp r = f.get(node, "/gdn/v1/ruleset", "Authorization", "Bearer " + f.serverKey);
        assertEquals(200, r.status(), r::toString);
        assertEquals("application/x-protobuf", r.requireHeader("Content-Type"));
        assertEquals("\"prod-1\"", r.requireHeader("ETag"));
        assertEquals("private, no-cache", r.requireHeader("Cache-Control"));
        assertEquals("1", r.requireHeader("GDN-Ruleset-Version"));
        Ruleset verified = Envelopes.verifyRuleset(r.body(), f.trusted);
        assertEquals(v1, verified);

        Resp same = f.get(node, "/gdn/v1/ruleset", "X-API-Key", f.serverKey, "If-None-Match", "\"prod-1\"");
        assertEquals(304, same.status(), same::toString);
        assertEquals(0, same.body().length);
        assertEquals("\"prod-1\"", same.requireHeader("ETag"));

        f.publish(f.ruleset(2), store);
        await("v2 served", () -> f.servedVersion(node) == 2);
        Resp newer = f.get(node, "/gdn/v1/ruleset", "X-API-Key", f.serverKey, "If-None-Match", "\"prod-1\"");
        assertEquals(200, newer.status());
        assertEquals("\"prod-2\"", newer.requireHeader("ETag"));
        assertEquals(2, Envelopes.verifyRuleset(newer.body(), f.trusted).getVersion());
    }
}
