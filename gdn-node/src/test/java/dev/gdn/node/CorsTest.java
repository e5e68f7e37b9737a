package dev.gdn.node;

import static dev.gdn.node.NodeFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.node.NodeFixture.Resp;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Browsers on other origins: preflight, exposed headers, and the per-environment origin allow-list. */
class CorsTest {
    static final String ALLOW_HEADERS = "Authorization, X-API-Key, Content-Type, If-None-Match, GDN-Ruleset-Version";
    static final String EXPOSE_HEADERS = "ETag, Retry-After, GDN-Ruleset-Version, GDN-Served-By";
    static final String APP = "https://app.example.com";

    @TempDir
    Path tmp;
    NodeFixture f;
    Path store;
    GdnNode node;

    @BeforeEach
    void setUp() throws Exception {
        f = new NodeFixture(tmp);
        store = f.storeDir("a");
        f.publish(f.ruleset(1), store);
        node = f.startStoreNode(List.of(store), null);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void preflightOnEveryEvaluationRoute() {
        for (String route : List.of("/ofrep/v1/evaluate/flags", "/ofrep/v1/evaluate/flags/bool-flag",
                "/gdn/v1/evaluate/" + f.clientKey + "/e30", "/gdn/v1/ruleset")) {
            Resp r = f.options(node, route, "Origin", APP, "Access-Control-Request-Method", route.startsWith("/ofrep") ? "POST" : "GET",
                    "Access-Control-Request-Headers", "authorization,content-type,if-none-match,gdn-ruleset-version");
            assertEquals(204, r.status(), () -> route + ": " + r);
            assertEquals(0, r.body().length);
            assertEquals(APP, r.requireHeader("Access-Control-Allow-Origin"), route);
            assertEquals(ALLOW_HEADERS, r.requireHeader("Access-Control-Allow-Headers"), route);
            assertEquals("7200", r.requireHeader("Access-Control-Max-Age"), route);
            assertTrue(r.requireHeader("Access-Control-Allow-Methods").contains(route.startsWith("/ofrep") ? "POST" : "GET"), route);
            assertEquals("Origin", r.requireHeader("Vary"), route);
        }
    }

    @Test
    void actualResponsesExposeGdnHeadersToAnyOriginByDefault() {
        String b64 = "e30";
        List<Resp> responses = List.of(
                f.bulk(node, "{}", "Origin", APP),
                f.post(node, "/ofrep/v1/evaluate/flags/int-flag", "{}", "X-API-Key", f.clientKey, "Origin", APP),
                f.get(node, "/gdn/v1/evaluate/" + f.clientKey + "/" + b64, "Origin", APP),
                // errors too: a browser may read them
                f.post(node, "/ofrep/v1/evaluate/flags", "{}", "Origin", APP),
                f.post(node, "/ofrep/v1/evaluate/flags", "{\"context\":[]}", "X-API-Key", f.clientKey, "Origin", APP));
        for (Resp r : responses) {
            assertEquals("*", r.requireHeader("Access-Control-Allow-Origin"), r::toString);
            assertEquals(EXPOSE_HEADERS, r.requireHeader("Access-Control-Expose-Headers"), r::toString);
        }
        Resp bulk = responses.get(0);
        Resp notModified = f.bulk(node, "{}", "Origin", APP, "If-None-Match", bulk.requireHeader("ETag"));
        assertEquals(304, notModified.status());
        assertEquals("*", notModified.requireHeader("Access-Control-Allow-Origin"));
        assertEquals(EXPOSE_HEADERS, notModified.requireHeader("Access-Control-Expose-Headers"));
    }

    @Test
    void callersWithoutAnOriginGetCorsHeadersOnlyWhereACacheMayShareTheAnswer() {
        // servers and SDKs send no Origin: the POST routes spare them the CORS headers
        List<Resp> direct = List.of(f.bulk(node, "{}"),
                f.post(node, "/ofrep/v1/evaluate/flags/int-flag", "{}", "X-API-Key", f.clientKey),
                f.get(node, "/gdn/v1/ruleset", "X-API-Key", f.serverKey));
        for (Resp r : direct) {
            assertEquals(200, r.status(), r::toString);
            assertTrue(r.header("Access-Control-Allow-Origin").isEmpty(), r::toString);
            assertTrue(r.header("Access-Control-Expose-Headers").isEmpty(), r::toString);
        }
        // the CDN GET always carries them: a CDN may hand the answer it cached for a server to a browser
        Resp cdn = f.get(node, "/gdn/v1/evaluate/" + f.clientKey + "/e30");
        assertEquals(200, cdn.status(), cdn::toString);
        assertEquals("*", cdn.requireHeader("Access-Control-Allow-Origin"));
        assertEquals(EXPOSE_HEADERS, cdn.requireHeader("Access-Control-Expose-Headers"));
    }

    @Test
    void allowedOriginsAreEchoedAndOthersGetNoAllowOrigin() {
        f.publish(f.ruleset(2).toBuilder().addAllowedOrigins(APP).addAllowedOrigins("https://admin.example.com").build(), store);
        await("v2 served", () -> f.servedVersion(node) == 2);

        List<java.util.function.Function<String[], Resp>> routes = List.of(
                h -> f.bulk(node, "{}", h),
                h -> f.post(node, "/ofrep/v1/evaluate/flags/int-flag", "{}", concat(h, "X-API-Key", f.clientKey)),
                h -> f.get(node, "/gdn/v1/evaluate/" + f.clientKey + "/e30", h));
        for (var route : routes) {
            Resp allowed = route.apply(new String[] {"Origin", APP});
            assertEquals(200, allowed.status(), allowed::toString);
            assertEquals(APP, allowed.requireHeader("Access-Control-Allow-Origin"), allowed::toString);
            assertEquals("Origin", allowed.requireHeader("Vary"), allowed::toString);
            assertEquals(EXPOSE_HEADERS, allowed.requireHeader("Access-Control-Expose-Headers"));
            assertEquals("https://admin.example.com",
                    route.apply(new String[] {"Origin", "https://admin.example.com"}).requireHeader("Access-Control-Allow-Origin"));

            Resp other = route.apply(new String[] {"Origin", "https://evil.example.net"});
            assertEquals(200, other.status());
            assertEquals(Optional.empty(), other.header("Access-Control-Allow-Origin"), other::toString);
            assertEquals("Origin", other.requireHeader("Vary"), other::toString);

            Resp noOrigin = route.apply(new String[0]);
            assertEquals(Optional.empty(), noOrigin.header("Access-Control-Allow-Origin"), noOrigin::toString);
            assertEquals("Origin", noOrigin.requireHeader("Vary"));
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
