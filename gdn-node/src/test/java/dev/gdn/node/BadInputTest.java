package dev.gdn.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.node.NodeFixture.Resp;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile or broken requests: each gets a JSON error, and the node keeps serving. */
class BadInputTest {
    private static final List<String> POST_ROUTES = List.of("/ofrep/v1/evaluate/flags", "/ofrep/v1/evaluate/flags/int-flag");

    @TempDir
    Path tmp;
    NodeFixture f;
    GdnNode node;

    @BeforeEach
    void setUp() throws Exception {
        f = new NodeFixture(tmp);
        Path store = f.storeDir("a");
        f.publish(f.ruleset(1), store);
        node = f.startStoreNode(List.of(store), null);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private static void assertJsonError(int status, String errorCode, Resp r) {
        assertEquals(status, r.status(), r::toString);
        assertEquals("application/json", r.requireHeader("Content-Type"), r::toString);
        var body = r.jsonObject();
        assertTrue(body.get("errorDetails") instanceof String, r::toString);
        assertEquals(errorCode, body.get("errorCode"), r::toString);
    }

    private void assertStillServes() {
        Resp ok = f.bulk(node, "{\"targetingKey\":\"u1\"}");
        assertEquals(200, ok.status(), ok::toString);
        assertEquals("1", ok.requireHeader("GDN-Ruleset-Version"));
    }

    @Test
    void bodyOver64KiBIs413() {
        String big = "{\"context\":{\"pad\":\"" + "x".repeat(70 * 1024) + "\"}}";
        for (String route : POST_ROUTES) {
            // with a Content-Length
            assertJsonError(413, null, f.post(node, route, big, "X-API-Key", f.clientKey));
            // chunked, no Content-Length: refused once 64 KiB + 1 have been read
            Resp chunked = f.send(HttpRequest.newBuilder(URI.create(NodeFixture.base(node) + route))
                    .header("X-API-Key", f.clientKey).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8)))));
            assertJsonError(413, null, chunked);
        }
        // over the server's own payload limit (1 MiB), refused by Helidon before routing: JSON all the same
        String huge = "{\"context\":{\"pad\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}}";
        // Expect: 100-continue, so the client reads the early 413 instead of racing the close while it uploads
        Resp tooHuge = f.send(HttpRequest.newBuilder(URI.create(NodeFixture.base(node) + POST_ROUTES.get(0)))
                .header("X-API-Key", f.clientKey).header("Content-Type", "application/json").expectContinue(true)
                .POST(HttpRequest.BodyPublishers.ofString(huge)));
        assertJsonError(413, null, tooHuge);
        assertEquals("*", tooHuge.requireHeader("Access-Control-Allow-Origin"));
        // exactly at the limit is fine
        String prefix = "{\"context\":{\"pad\":\"";
        String suffix = "\"}}";
        String atLimit = prefix + "x".repeat(64 * 1024 - prefix.length() - suffix.length()) + suffix;
        assertEquals(64 * 1024, atLimit.length());
        assertEquals(200, f.post(node, POST_ROUTES.get(0), atLimit, "X-API-Key", f.clientKey).status());
        assertStillServes();
    }

    @Test
    void malformedJsonAndNonObjectContextsAre400InvalidContext() {
        List<String> bodies = List.of("{\"context\":", "not json", "{\"context\":{}} trailing", "{\"context\":{\"a\":1,\"a\":2}}",
                "[1,2]", "\"context\"", "{\"context\":[1]}", "{\"context\":\"u1\"}", "{\"context\":42}", "{\"context\":null}",
                "{\"context\":{\"targetingKey\":42}}");
        for (String route : POST_ROUTES) {
            for (String body : bodies) {
                Resp r = f.post(node, route, body, "X-API-Key", f.clientKey);
                assertJsonError(400, "INVALID_CONTEXT", r);
            }
        }
        assertStillServes();
    }

    @Test
    void nesting10000LevelsDeepIs400NotACrash() {
        int depth = 10_000;
        String arrays = "{\"context\":{\"a\":" + "[".repeat(depth) + "]".repeat(depth) + "}}";
        String objects = "{\"context\":" + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth) + "}";
        assertTrue(objects.length() < 64 * 1024);
        for (String route : POST_ROUTES) {
            assertJsonError(400, "INVALID_CONTEXT", f.post(node, route, arrays, "X-API-Key", f.clientKey));
            assertJsonError(400, "INVALID_CONTEXT", f.post(node, route, objects, "X-API-Key", f.clientKey));
        }
        // in the cacheable GET URL (as deep as fits in a request line)
        String deep = "{\"a\":" + "[".repeat(500) + "]".repeat(500) + "}";
        assertJsonError(400, "INVALID_CONTEXT", f.get(node, "/gdn/v1/evaluate/" + f.clientKey + "/" + CacheableGetTest.b64(deep)));
        assertStillServes();
        assertEquals(200, f.get(node, "/health/live").status());
    }

    @Test
    void errorsHelidonAnswersBeforeRoutingAreJsonToo() {
        // a context too long for a request line (over the 8 KiB limit, which bounds the cacheable GET)
        Resp longUrl = f.get(node, "/gdn/v1/evaluate/" + f.clientKey + "/" + CacheableGetTest.b64("{\"pad\":\"" + "x".repeat(7000) + "\"}"));
        assertJsonError(414, null, longUrl);
        assertJsonError(404, null, f.get(node, "/no/such/route"));
        assertStillServes();
    }

    @Test
    void missingBodyOrContextMeansAnEmptyContext() {
        Resp noBody = f.send(HttpRequest.newBuilder(URI.create(NodeFixture.base(node) + "/ofrep/v1/evaluate/flags"))
                .header("X-API-Key", f.clientKey).POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, noBody.status(), noBody::toString);
        assertEquals(200, f.post(node, "/ofrep/v1/evaluate/flags/int-flag", "{}", "X-API-Key", f.clientKey).status());
    }
}
