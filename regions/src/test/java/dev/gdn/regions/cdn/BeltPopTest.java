package dev.gdn.regions.cdn;

import static dev.gdn.regions.cdn.CdnFixture.base;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.node.GdnNode;
import dev.gdn.node.http.CdnPolicy;
import dev.gdn.regions.cdn.CdnFixture.Resp;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A belt POP (real varnishd, the VCL of this module) in front of two real GDN nodes: ams, the POP's own
 * region, preferred, and iad as the fallback. The nodes purge the POP after every swap.
 */
class BeltPopTest {
    /** Long enough that only a purge, never expiry, explains a miss within a test. */
    private static final CdnPolicy LONG = new CdnPolicy(Duration.ofSeconds(300), Duration.ofSeconds(1), Duration.ofHours(1));
    private static final String CTX = "{\"targetingKey\":\"user-1\"}";
    private static final String PRO = "{\"plan\":\"pro\",\"targetingKey\":\"user-2\"}";

    private CdnFixture f;

    private record Belt(GdnNode ams, GdnNode iad, VarnishPop pop, int amsPort, int iadPort) {
        URI url() {
            return pop.url();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        f = new CdnFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        f.close();
    }

    /** ams reads {@code amsStore}, iad {@code iadStore}; both purge the POP. */
    private Belt belt(CdnPolicy cdn, Path amsStore, Path iadStore) throws Exception {
        int popPort = CdnFixture.freePort();
        int amsPort = CdnFixture.freePort();
        int iadPort = CdnFixture.freePort();
        List<URI> purge = List.of(URI.create("http://127.0.0.1:" + popPort + "/"));
        GdnNode ams = f.startNode("ams", amsPort, List.of(amsStore), cdn, purge);
        GdnNode iad = f.startNode("iad", iadPort, List.of(iadStore), cdn, purge);
        VarnishPop pop = f.startPop(VarnishPopConfig.belt("belt-test", "127.0.0.1", popPort, f.popDir("belt-test"),
                new Origin("127.0.0.1", amsPort), List.of(new Origin("127.0.0.1", iadPort))).withProbeInterval(Duration.ofMillis(200)));
        return new Belt(ams, iad, pop, amsPort, iadPort);
    }

    private Belt belt(CdnPolicy cdn) throws Exception {
        Path store = f.store("main");
        f.publish(1, store);
        return belt(cdn, store, store);
    }

    @Test
    void cachesTheCdnGetByUrlAndSaysSo() throws Exception {
        Belt b = belt(LONG);
        String path = f.cdnPath(CTX);
        Resp direct = f.get(base(b.ams()), path);
        assertEquals(200, direct.status(), direct::toString);

        Resp first = f.get(b.url(), path);
        assertEquals(200, first.status(), first::toString);
        assertEquals("MISS", first.xCache());
        assertEquals("1.1 belt-test (Varnish/7.1)", first.header("Via").orElse(""));
        assertEquals(direct.body(), first.body(), "the POP passes the node's answer unchanged");
        assertEquals("ams/n1", first.header("GDN-Served-By").orElse(""), "the region's own node answers first");
        assertEquals(direct.header("Cache-Control"), first.header("Cache-Control"));
        assertFalse(first.header("Surrogate-Key").isPresent(), "surrogate keys stay inside the CDN");
        assertFalse(first.header("xkey").isPresent());

        Resp second = f.get(b.url(), path);
        assertEquals("HIT", second.xCache(), second::toString);
        assertEquals(first.body(), second.body());
        assertEquals(first.header("ETag"), second.header("ETag"));
        assertTrue(second.header("Age").isPresent());

        // a browser revalidating with the ETag gets a 304 from the cache
        Resp revalidated = f.get(b.url(), path, "If-None-Match", first.header("ETag").orElseThrow());
        assertEquals(304, revalidated.status(), revalidated::toString);
        assertEquals("HIT", revalidated.xCache());

        // another context is another URL: a miss of its own, with its own answer
        Resp pro = f.get(b.url(), f.cdnPath(PRO));
        assertEquals("MISS", pro.xCache());
        assertTrue(pro.body().contains("\"key\":\"pro\",\"value\":true"), pro::toString);

        CdnStats stats = f.settledStats(b.pop(), 5);
        assertEquals(2, stats.hits(), stats::toString);
        assertEquals(2, stats.misses(), stats::toString);
        assertEquals(0.5, stats.hitRatio(), 1e-9);
        assertEquals(stats, VarnishPop.stats(b.pop().config().workDir()), "another process reads the same counters");
    }

    @Test
    void passesPostsRulesetDownloadsAndHealthThrough() throws Exception {
        Belt b = belt(LONG);
        Resp direct = f.bulk(base(b.ams()), CTX);
        for (int i = 0; i < 2; i++) {
            Resp viaPop = f.bulk(b.url(), CTX);
            assertEquals(200, viaPop.status(), viaPop::toString);
            assertEquals("PASS", viaPop.xCache(), "OFREP POSTs carry keys: never cached");
            assertEquals(direct.body(), viaPop.body());
            assertEquals(direct.header("ETag"), viaPop.header("ETag"));
        }
        Resp single = f.post(b.url(), "/ofrep/v1/evaluate/flags/answer", "{\"context\":" + CTX + "}",
                "X-API-Key", f.clientKey);
        assertEquals(200, single.status(), single::toString);
        assertTrue(single.body().contains("\"value\":\"version-1\""), single::toString);
        assertEquals("PASS", single.xCache());

        for (int i = 0; i < 2; i++) {
            Resp ruleset = f.get(b.url(), "/gdn/v1/ruleset", "Authorization", "Bearer " + f.serverKey);
            assertEquals(200, ruleset.status(), ruleset::toString);
            assertEquals("PASS", ruleset.xCache());
            assertEquals("application/x-protobuf", ruleset.header("Content-Type").orElse(""));
        }
        Resp tooLarge = f.post(b.url(), "/ofrep/v1/evaluate/flags", "{\"context\":{\"x\":\"" + "x".repeat(70_000) + "\"}}",
                "X-API-Key", f.clientKey);
        assertEquals(413, tooLarge.status(), "as the node would: " + tooLarge);

        Resp health = f.get(b.url(), "/health/ready");
        assertEquals(200, health.status(), health::toString);
        assertEquals("PASS", health.xCache());
        assertTrue(health.body().contains("READY"));
        assertEquals("PASS", f.get(b.url(), "/metrics").xCache());

        CdnStats stats = f.settledStats(b.pop(), 9);
        assertEquals(0, stats.hits() + stats.graceHits() + stats.misses(), stats::toString);
        assertTrue(stats.passes() >= 7, stats::toString);
    }

    @Test
    void neverCachesErrors() throws Exception {
        Belt b = belt(LONG);
        List<String> paths = List.of(
                CdnFixture.cdnPath("gdn_client_unknown", CTX),           // 401 unknown key
                CdnFixture.cdnPath(f.serverKey, CTX),                    // 403 a server key in a URL
                "/gdn/v1/evaluate/" + f.clientKey + "/not*base64",       // 400 context not base64url
                "/gdn/v1/evaluate/" + f.clientKey + "/" + "eyJ4Ijp9");   // 400 context not JSON
        List<Integer> statuses = List.of(401, 403, 400, 400);
        for (int i = 0; i < paths.size(); i++) {
            for (int attempt = 0; attempt < 3; attempt++) {
                Resp r = f.get(b.url(), paths.get(i));
                assertEquals(statuses.get(i), r.status(), r::toString);
                assertEquals("MISS", r.xCache(), "an error answer must be asked again every time: " + r);
            }
        }
        Resp unknownRoute = f.get(b.url(), "/gdn/v1/nothing-here");
        assertEquals(404, unknownRoute.status());
        assertEquals("PASS", unknownRoute.xCache());
        Resp unauthenticatedPost = f.post(b.url(), "/ofrep/v1/evaluate/flags", "{\"context\":{}}");
        assertEquals(401, unauthenticatedPost.status());

        CdnStats stats = f.settledStats(b.pop(), 15);
        assertEquals(0, stats.hits() + stats.graceHits(), stats::toString);
        assertEquals(12, stats.misses(), stats::toString);
    }

    @Test
    void aPublishPurgesSoTheNextGetIsAMissWithTheNewVersion() throws Exception {
        Path store = f.store("main");
        f.publish(1, store);
        Belt b = belt(LONG, store, store);
        String path = f.cdnPath(CTX);
        String pro = f.cdnPath(PRO);
        assertEquals("MISS", f.get(b.url(), path).xCache());
        assertEquals("MISS", f.get(b.url(), pro).xCache());
        assertEquals("HIT", f.get(b.url(), path).xCache());

        f.publish(2, store);
        CdnFixture.await("both nodes serving v2",
                () -> f.bulk(base(b.ams()), CTX).version() == 2 && f.bulk(base(b.iad()), CTX).version() == 2);
        // Until the purge lands the POP may still hit v1 (s-maxage is 300 s, so nothing else can end it);
        // the first answer that is not that hit must be a miss with v2.
        Resp r;
        long deadline = System.nanoTime() + CdnFixture.WAIT.toNanos();
        do {
            r = f.get(b.url(), path);
            assertTrue(System.nanoTime() < deadline, "the POP still serves v1 from its cache: " + r);
        } while (r.xCache().equals("HIT") && r.version() == 1);
        assertEquals("MISS", r.xCache(), r::toString);
        assertEquals(2, r.version(), r::toString);
        assertTrue(r.body().contains("version-2"), r::toString);
        Resp again = f.get(b.url(), path);
        assertEquals("HIT", again.xCache());
        assertEquals(2, again.version());
        // every answer of the environment was purged, not only the one asked for
        Resp other = f.get(b.url(), pro);
        assertEquals("MISS", other.xCache(), other::toString);
        assertEquals(2, other.version());
    }

    @Test
    void anAnswerFromAFallbackThatHasNotSwappedYetIsNeverCached() throws Exception {
        Path amsStore = f.store("a");
        Path iadStore = f.store("b");
        f.publish(1, amsStore, iadStore);
        Belt b = belt(LONG, amsStore, iadStore);
        String path = f.cdnPath(CTX);
        assertEquals("MISS", f.get(b.url(), path).xCache());

        // v2 reaches ams only: ams swaps and purges, telling the POP that v2 exists
        f.publish(2, amsStore);
        CdnFixture.await("the POP serving v2 from ams", () -> f.get(b.url(), path).version() == 2);

        // ams dies; iad, still on v1, answers for it: the client gets that answer, the cache does not keep it
        f.stop(b.ams());
        String other = f.cdnPath(PRO);
        for (int i = 0; i < 3; i++) {
            Resp r = f.get(b.url(), other);
            assertEquals(200, r.status(), r::toString);
            assertEquals("iad/n1", r.header("GDN-Served-By").orElse(""), r::toString);
            assertEquals(1, r.version(), r::toString);
            assertEquals("MISS", r.xCache(), "an answer older than a version the POP has seen is not cached: " + r);
        }

        // iad swaps too (and purges): from now on its answers are cached
        f.publish(2, iadStore);
        CdnFixture.await("iad serving v2", () -> f.bulk(base(b.iad()), CTX).version() == 2);
        CdnFixture.await("the POP caching v2 from iad", () -> {
            Resp r = f.get(b.url(), other);
            return r.version() == 2 && r.xCache().equals("HIT");
        });
    }

    @Test
    void aKilledNodeIsReplacedByTheFallbackAtOnce() throws Exception {
        Belt b = belt(LONG);
        f.stop(b.ams());
        // before any probe notices, the failed attempt moves on to the next origin within the request
        long start = System.nanoTime();
        Resp r = f.get(b.url(), f.cdnPath(CTX));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(200, r.status(), r::toString);
        assertEquals("iad/n1", r.header("GDN-Served-By").orElse(""));
        assertEquals("MISS", r.xCache());
        assertTrue(millis < 3000, "the fallback answered after " + millis + " ms");
        Resp post = f.bulk(b.url(), CTX);
        assertEquals(200, post.status(), post::toString);
        assertEquals("iad/n1", post.header("GDN-Served-By").orElse(""), "POSTs fail over too");
        assertEquals("HIT", f.get(b.url(), f.cdnPath(CTX)).xCache());
    }

    @Test
    void withEveryOriginDeadCachedAnswersAreServedStale() throws Exception {
        CdnPolicy shortLived = new CdnPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofHours(1));
        Path store = f.store("main");
        f.publish(1, store);
        Belt b = belt(shortLived, store, store);
        String cached = f.cdnPath(CTX);
        Resp fresh = f.get(b.url(), cached);
        assertEquals("MISS", fresh.xCache());

        f.stop(b.ams());
        f.stop(b.iad());
        Thread.sleep(2500); // past s-maxage and stale-while-revalidate: only stale-if-error keeps it now
        Resp stale = f.get(b.url(), cached);
        assertEquals(200, stale.status(), stale::toString);
        assertEquals("STALE", stale.xCache(), stale::toString);
        assertEquals(fresh.body(), stale.body());

        String never = f.cdnPath(PRO);
        long start = System.nanoTime();
        Resp none = f.get(b.url(), never);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(503, none.status(), none::toString);
        assertTrue(none.body().startsWith("{\"errorDetails\":\"CDN belt-test: "), none::toString);
        assertEquals("1", none.header("Retry-After").orElse(""));
        assertTrue(millis < 3000, "the POP took " + millis + " ms to say nothing answers");

        // iad comes back on its old port: the 503 was not kept, the answer is fetched
        f.startNode("iad", b.iadPort(), List.of(store), shortLived, List.of());
        Resp[] back = new Resp[1];
        CdnFixture.await("the POP answering again", () -> (back[0] = f.get(b.url(), never)).status() == 200);
        assertEquals("MISS", back[0].xCache(), back[0]::toString);
        assertEquals("HIT", f.get(b.url(), never).xCache());
    }
}
