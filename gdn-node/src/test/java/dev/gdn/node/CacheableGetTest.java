package dev.gdn.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.node.NodeFixture.Resp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /gdn/v1/evaluate/{clientKey}/{base64url(canonical context)}}: the CDN-cacheable evaluation. */
class CacheableGetTest {
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

    static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void sameBodyAsOfrepBulkWithCdnHeaders() {
        String canonical = "{\"country\":\"NL\",\"plan\":\"pro\",\"targetingKey\":\"u-42\"}";
        String encoded = b64(canonical);
        assertFalse(encoded.contains("="));
        Resp get = f.get(node, "/gdn/v1/evaluate/" + f.clientKey + "/" + encoded);
        assertEquals(200, get.status(), get::toString);
        Resp post = f.bulk(node, "{\"targetingKey\":\"u-42\",\"plan\":\"pro\",\"country\":\"NL\"}");
        assertEquals(200, post.status());
        assertArrayEquals(post.body(), get.body(), get::text);

        assertEquals("application/json", get.requireHeader("Content-Type"));
        assertEquals("public, max-age=0, s-maxage=10, stale-while-revalidate=60, stale-if-error=86400", get.requireHeader("Cache-Control"));
        assertEquals("env-" + NodeFixture.ENV, get.requireHeader("Surrogate-Key"));
        assertEquals("1", get.requireHeader("GDN-Ruleset-Version"));
        assertEquals(NodeFixture.REGION + "/" + node.config().nodeId(), get.requireHeader("GDN-Served-By"));
        String etag = get.requireHeader("ETag");
        assertTrue(etag.matches("\"[0-9a-f]{32}\""), etag);
        // the CDN revalidates with If-None-Match
        Resp revalidated = f.get(node, "/gdn/v1/evaluate/" + f.clientKey + "/" + encoded, "If-None-Match", etag);
        assertEquals(304, revalidated.status(), revalidated::toString);
        assertEquals(0, revalidated.body().length);
        assertEquals(etag, revalidated.requireHeader("ETag"));
        assertEquals("public, max-age=0, s-maxage=10, stale-while-revalidate=60, stale-if-error=86400",
                revalidated.requireHeader("Cache-Control"));
        // another context: another answer and ETag
        Resp other = f.get(node, "/gdn/v1/evaluate/" + f.clientKey + "/" + b64("{\"plan\":\"free\"}"), "If-None-Match", etag);
        assertEquals(200, other.status());
        assertTrue(other.text().contains("{\"key\":\"bool-flag\",\"value\":false,\"reason\":\"DEFAULT\""), other::text);
        // the empty context
        Resp empty = f.get(node, "/gdn/v1/evaluate/" + f.clientKey + "/" + b64("{}"));
        assertArrayEquals(f.bulk(node, "{}").body(), empty.body());
    }

    @Test
    void badContextInTheUrlIs400InvalidContext() {
        for (String bad : List.of("not*base64", "a", b64("{\"plan\":"), b64("[1,2]"), b64("\"str\""), b64("{\"targetingKey\":7}"))) {
            Resp r = f.get(node, "/gdn/v1/evaluate/" + f.clientKey + "/" + bad);
            assertEquals(400, r.status(), () -> bad + ": " + r);
            assertEquals("application/json", r.requireHeader("Content-Type"));
            assertEquals("INVALID_CONTEXT", r.jsonObject().get("errorCode"), r::toString);
            assertTrue(r.jsonObject().get("errorDetails") instanceof String, r::toString);
        }
        assertEquals(200, f.get(node, "/gdn/v1/evaluate/" + f.clientKey + "/" + b64("{}")).status());
    }
}
