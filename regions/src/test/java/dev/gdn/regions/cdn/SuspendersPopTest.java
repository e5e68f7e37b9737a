package dev.gdn.regions.cdn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.classic.ClassicApi;
import dev.gdn.classic.ClassicConfig;
import dev.gdn.node.http.CdnPolicy;
import dev.gdn.regions.cdn.CdnFixture.Resp;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A suspenders POP in front of a real classic API (embedded PostgreSQL), which purges it on every new version. */
class SuspendersPopTest {
    private static final String TOKEN = "cdn-test-admin-token";
    private static final String CTX = "{\"targetingKey\":\"user-1\"}";

    private CdnFixture f;
    private ClassicApi api;

    @BeforeEach
    void setUp() throws Exception {
        f = new CdnFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (api != null) {
            api.close();
        }
        f.close();
    }

    private Resp admin(String method, String path, String body) {
        return f.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(20))
                .method(method, HttpRequest.BodyPublishers.ofString(body)));
    }

    @Test
    void cachesTheClassicApiRefusesItsAdminApiAndIsPurgedByAnUpload() throws Exception {
        int popPort = CdnFixture.freePort();
        api = ClassicApi.start(new ClassicConfig("127.0.0.1", 0, null, null, null, f.root.resolve("classic"), 0, TOKEN,
                Duration.ofMillis(500), Duration.ofMillis(100), new CdnPolicy(Duration.ofSeconds(300), Duration.ofSeconds(1),
                Duration.ofHours(1)), List.of(URI.create("http://127.0.0.1:" + popPort + "/")), null));
        assertEquals(201, admin("POST", "/admin/v1/environments", "{\"id\":\"prod\"}").status());
        Resp key = admin("POST", "/admin/v1/environments/prod/keys", "{\"kind\":\"client\"}");
        assertEquals(201, key.status(), key::toString);
        Matcher secret = Pattern.compile("\"secret\":\"([^\"]+)\"").matcher(key.body());
        assertTrue(secret.find(), key::toString);
        String clientKey = secret.group(1);
        assertEquals(201, admin("PUT", "/admin/v1/environments/prod/flags", CdnFixture.flags(1)).status());

        VarnishPop pop = f.startPop(VarnishPopConfig.suspenders("suspenders", "127.0.0.1", popPort, f.popDir("suspenders"),
                List.of(new Origin("127.0.0.1", api.port()))).withProbeInterval(Duration.ofMillis(200)));
        String path = CdnFixture.cdnPath(clientKey, CTX);
        Resp first = f.get(pop.url(), path);
        assertEquals(200, first.status(), first::toString);
        assertEquals("MISS", first.xCache());
        assertEquals("classic", first.header("GDN-Served-By").orElse(""));
        assertEquals("1.1 suspenders (Varnish/7.1)", first.header("Via").orElse(""));
        Resp second = f.get(pop.url(), path);
        assertEquals("HIT", second.xCache());
        assertEquals(first.body(), second.body());

        Resp post = f.post(pop.url(), "/ofrep/v1/evaluate/flags", "{\"context\":" + CTX + "}", "Authorization", "Bearer " + clientKey);
        assertEquals(200, post.status(), post::toString);
        assertEquals("PASS", post.xCache());
        assertEquals("classic", post.header("GDN-Served-By").orElse(""));

        // the control plane is never reachable through the CDN, even with the right token
        Resp adminViaPop = f.get(pop.url(), "/admin/v1/environments", "Authorization", "Bearer " + TOKEN);
        assertEquals(404, adminViaPop.status(), adminViaPop::toString);
        assertTrue(adminViaPop.body().contains("the admin API is not served through the CDN"), adminViaPop::toString);
        assertFalse(adminViaPop.header("GDN-Served-By").isPresent(), "answered by the POP, not the classic API");

        // an upload is committed, installed by the classic API, which purges: the next GET is a miss with it
        assertEquals(201, admin("PUT", "/admin/v1/environments/prod/flags", CdnFixture.flags(2)).status());
        Resp r;
        long deadline = System.nanoTime() + CdnFixture.WAIT.toNanos();
        do {
            r = f.get(pop.url(), path);
            assertTrue(System.nanoTime() < deadline, "the POP still serves the old version: " + r);
        } while (r.xCache().equals("HIT") && r.version() == first.version());
        assertEquals("MISS", r.xCache(), r::toString);
        assertTrue(r.version() > first.version(), r::toString);
        assertTrue(r.body().contains("version-2"), r::toString);
        assertEquals("HIT", f.get(pop.url(), path).xCache());
    }
}
