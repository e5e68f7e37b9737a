package dev.gdn.node;

import static dev.gdn.node.NodeFixture.ENV;
import static dev.gdn.node.NodeFixture.REGION;
import static dev.gdn.node.NodeFixture.await;
import static dev.gdn.node.NodeFixture.awaitValue;
import static dev.gdn.node.NodeFixture.uri;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.node.NodeFixture.Resp;
import dev.gdn.ruleset.envelope.Envelopes;
import dev.gdn.ruleset.json.JsonReader;
import dev.gdn.ruleset.proto.Ruleset;
import dev.gdn.sync.layout.StoreLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Store mode over two file stores: readiness, OFREP, versions and pinning, tampering, dead stores, the disk cache. */
class StoreModeTest {
    @TempDir
    Path tmp;
    NodeFixture f;
    Path storeA;
    Path storeB;

    @BeforeEach
    void setUp() {
        f = new NodeFixture(tmp);
        storeA = f.storeDir("a");
        storeB = f.storeDir("b");
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private static Object parse(String json) throws Exception {
        return new JsonReader(100).read(json);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> envReadiness(Resp ready) {
        return (Map<String, Object>) ((Map<String, Object>) ready.jsonObject().get("environments")).get(ENV);
    }

    @Test
    void readyAfterFirstPublishThenOfrepBulkAndSingleWithHeadersAndEtags() throws Exception {
        GdnNode node = f.startStoreNode(List.of(storeA, storeB), null);

        Resp notReady = f.get(node, "/health/ready");
        assertEquals(503, notReady.status(), notReady::toString);
        assertEquals("application/json", notReady.requireHeader("Content-Type"));
        Map<String, Object> nr = notReady.jsonObject();
        assertEquals("NOT_READY", nr.get("status"));
        assertEquals(Map.of(), nr.get("environments"));
        assertTrue(nr.containsKey("reason"), notReady::toString);
        // nothing is served before a ruleset exists: the key is unknown, so 401 (not a crash, not a 200)
        assertEquals(401, f.bulk(node, "{}").status());

        f.publish(f.ruleset(1), storeA, storeB);
        Resp ready = awaitValue("ready", () -> f.get(node, "/health/ready"), r -> r.status() == 200);
        assertEquals("READY", ready.jsonObject().get("status"));
        Map<String, Object> env = envReadiness(ready);
        assertEquals("READY", env.get("status"));
        assertEquals(1L, env.get("version"));
        assertTrue(Set.of(uri(storeA), uri(storeB)).contains(env.get("source")), env::toString);
        long age = (Long) env.get("ageSeconds");
        assertTrue(age >= 0 && age < 60, env::toString);
        assertTrue(env.containsKey("loadedSecondsAgo"), env::toString);
        assertEquals(200, f.get(node, "/health/live").status());

        // bulk, Authorization: Bearer
        String ctx = "{\"targetingKey\":\"u1\",\"plan\":\"free\",\"country\":\"NL\"}";
        Resp bulk = f.bulk(node, ctx);
        assertEquals(200, bulk.status(), bulk::toString);
        assertEquals("application/json", bulk.requireHeader("Content-Type"));
        assertEquals("1", bulk.requireHeader("GDN-Ruleset-Version"));
        assertEquals(REGION + "/" + node.config().nodeId(), bulk.requireHeader("GDN-Served-By"));
        String etag = bulk.requireHeader("ETag");
        assertTrue(etag.matches("\"[0-9a-f]{32}\""), etag);
        assertEquals(parse("""
                {"flags": [
                  {"key": "bool-flag", "value": false, "reason": "DEFAULT", "variant": "off", "metadata": {"team": "gdn"}},
                  {"key": "disabled-flag", "reason": "DISABLED", "metadata": {"team": "gdn"}},
                  {"key": "double-flag", "value": 0.0, "reason": "DEFAULT", "variant": "zero", "metadata": {"team": "gdn"}},
                  {"key": "dynamic-flag", "value": "A", "reason": "DEFAULT", "variant": "a", "metadata": {"team": "gdn"}},
                  {"key": "int-flag", "value": 42, "reason": "STATIC", "variant": "big", "metadata": {"team": "gdn"}},
                  {"key": "no-default-flag", "reason": "DEFAULT", "metadata": {"team": "gdn"}},
                  {"key": "object-flag", "value": {"text": "hi", "n": 1}, "reason": "STATIC", "variant": "a",
                   "metadata": {"team": "gdn", "owner": "web"}},
                  {"key": "string-flag", "value": "version-1", "reason": "STATIC", "variant": "v", "metadata": {"team": "gdn"}}
                 ],
                 "eventStreams": [{"type": "sse", "endpoint": {"requestUri": "/gdn/v1/events/%s"}, "inactivityDelaySec": 120}],
                 "metadata": {"team": "gdn", "rulesetVersion": 1}}
                """.formatted(f.clientKey)), bulk.json());
        // numbers keep their type on the wire
        assertTrue(bulk.text().contains("\"value\":0.0,"), bulk::text);
        assertTrue(bulk.text().contains("\"value\":42,"), bulk::text);

        // single, X-API-Key
        Resp single = f.post(node, "/ofrep/v1/evaluate/flags/int-flag", "{\"context\":" + ctx + "}", "X-API-Key", f.clientKey);
        assertEquals(200, single.status(), single::toString);
        assertEquals("application/json", single.requireHeader("Content-Type"));
        assertEquals("1", single.requireHeader("GDN-Ruleset-Version"));
        assertEquals(REGION + "/" + node.config().nodeId(), single.requireHeader("GDN-Served-By"));
        assertEquals("{\"key\":\"int-flag\",\"value\":42,\"reason\":\"STATIC\",\"variant\":\"big\",\"metadata\":{\"team\":\"gdn\"}}",
                single.text());
        Resp targeted = f.post(node, "/ofrep/v1/evaluate/flags/bool-flag", "{\"context\":{\"plan\":\"pro\"}}",
                "Authorization", "Bearer " + f.clientKey);
        assertEquals("{\"key\":\"bool-flag\",\"value\":true,\"reason\":\"TARGETING_MATCH\",\"variant\":\"on\",\"metadata\":{\"team\":\"gdn\"}}",
                targeted.text());
        Resp missing = f.post(node, "/ofrep/v1/evaluate/flags/nope", "{\"context\":{}}", "X-API-Key", f.clientKey);
        assertEquals(404, missing.status(), missing::toString);
        assertEquals("nope", missing.jsonObject().get("key"));
        assertEquals("FLAG_NOT_FOUND", missing.jsonObject().get("errorCode"));
        assertTrue(missing.jsonObject().get("errorDetails") instanceof String);
        assertEquals("1", missing.requireHeader("GDN-Ruleset-Version"));
        Resp general = f.post(node, "/ofrep/v1/evaluate/flags/dynamic-flag", "{\"context\":{\"pick\":\"nope\"}}", "X-API-Key", f.clientKey);
        assertEquals(400, general.status(), general::toString);
        assertEquals("GENERAL", general.jsonObject().get("errorCode"));
        Resp disabled = f.post(node, "/ofrep/v1/evaluate/flags/disabled-flag", "{}", "X-API-Key", f.clientKey);
        assertEquals(200, disabled.status());
        assertEquals("{\"key\":\"disabled-flag\",\"reason\":\"DISABLED\",\"metadata\":{\"team\":\"gdn\"}}", disabled.text());

        // same context, keys in another order, with If-None-Match → 304, no body
        String reordered = "{\"country\":\"NL\",\"plan\":\"free\",\"targetingKey\":\"u1\"}";
        Resp notModified = f.bulk(node, reordered, "If-None-Match", etag);
        assertEquals(304, notModified.status(), notModified::toString);
        assertEquals(0, notModified.body().length);
        assertEquals(etag, notModified.requireHeader("ETag"));
        assertEquals("1", notModified.requireHeader("GDN-Ruleset-Version"));
        // a weak or listed form matches too
        assertEquals(304, f.bulk(node, reordered, "If-None-Match", "\"other\", W/" + etag).status());

        // same targetingKey, one attribute changed → fresh answer
        Resp changed = f.bulk(node, "{\"targetingKey\":\"u1\",\"plan\":\"pro\",\"country\":\"NL\"}", "If-None-Match", etag);
        assertEquals(200, changed.status(), changed::toString);
        assertNotEquals(etag, changed.requireHeader("ETag"));
        assertTrue(changed.text().contains("{\"key\":\"bool-flag\",\"value\":true,\"reason\":\"TARGETING_MATCH\""), changed::text);
        // an attribute that changes no answer still changes the ETag (the ETag covers the whole context)
        Resp sameAnswers = f.bulk(node, "{\"targetingKey\":\"u1\",\"plan\":\"free\",\"country\":\"SE\"}", "If-None-Match", etag);
        assertEquals(200, sameAnswers.status());
        assertArrayEquals(bulk.body(), sameAnswers.body());
    }

    @Test
    void newVersionIsServedAndThePreviousStaysPinnable() throws Exception {
        f.publish(f.ruleset(1), storeA, storeB);
        GdnNode node = f.startStoreNode(List.of(storeA, storeB), null);
        assertEquals(1, f.servedVersion(node)); // the first poll is synchronous: ready at start

        f.publish(f.ruleset(2), storeA, storeB);
        await("v2 served", () -> f.servedVersion(node) == 2);
        Resp current = f.bulk(node, "{}");
        assertTrue(current.text().contains("\"value\":\"version-2\""), current::text);
        assertTrue(current.text().endsWith("\"metadata\":{\"team\":\"gdn\",\"rulesetVersion\":2}}"), current::text);

        Resp pinned = f.bulk(node, "{}", "GDN-Ruleset-Version", "1");
        assertEquals(200, pinned.status());
        assertEquals("1", pinned.requireHeader("GDN-Ruleset-Version"));
        assertTrue(pinned.text().contains("\"value\":\"version-1\""), pinned::text);
        assertTrue(pinned.text().endsWith("\"metadata\":{\"team\":\"gdn\",\"rulesetVersion\":1}}"), pinned::text);
        assertNotEquals(current.requireHeader("ETag"), pinned.requireHeader("ETag"));
        Resp pinnedSingle = f.post(node, "/ofrep/v1/evaluate/flags/string-flag", "{}", "X-API-Key", f.clientKey,
                "GDN-Ruleset-Version", "1");
        assertEquals("1", pinnedSingle.requireHeader("GDN-Ruleset-Version"));
        assertTrue(pinnedSingle.text().contains("\"value\":\"version-1\""), pinnedSingle::text);

        for (String unknown : List.of("99", "0", "-1", "abc")) {
            Resp r = f.bulk(node, "{}", "GDN-Ruleset-Version", unknown);
            assertEquals(200, r.status());
            assertEquals("2", r.requireHeader("GDN-Ruleset-Version"), "pin " + unknown);
            assertTrue(r.text().contains("\"value\":\"version-2\""), r::text);
        }
    }

    @Test
    void tamperedArtifactIsNeverServed() throws Exception {
        f.publish(f.ruleset(1), storeA, storeB);
        f.publish(f.ruleset(2), storeA, storeB);
        GdnNode node = f.startStoreNode(List.of(storeA, storeB), null);
        assertEquals(2, f.servedVersion(node));

        // store A offers a v3 whose bytes do not match its index; store B still has only v2
        Ruleset v3 = f.ruleset(3);
        f.publishTampered(v3, storeA);
        List<String> rejected = awaitValue("a rejection metric for store A", () -> f.metric(node, "gdn_fetch_rejected_total"),
                lines -> lines.stream().anyMatch(l -> l.contains("store=\"" + uri(storeA) + "\"")));
        assertTrue(rejected.stream().noneMatch(l -> l.contains(uri(storeB))), rejected::toString);
        String line = rejected.stream().filter(l -> l.contains(uri(storeA))).findFirst().orElseThrow();
        assertTrue(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) >= 1, line);
        // the poll that rejected it has finished: still v2, and for a few more polls
        for (int i = 0; i < 4; i++) {
            assertEquals(2, f.servedVersion(node));
            Thread.sleep(NodeFixture.POLL.toMillis());
        }
        assertEquals(2L, envReadiness(f.get(node, "/health/ready")).get("version"));

        // a good v3 appears in store B: served from B, and it is exactly the signed artifact
        f.publish(v3, storeB);
        await("v3 served", () -> f.servedVersion(node) == 3);
        Resp ready = f.get(node, "/health/ready");
        assertEquals(200, ready.status());
        assertEquals(uri(storeB), envReadiness(ready).get("source"));
        Resp download = f.get(node, "/gdn/v1/ruleset", "Authorization", "Bearer " + f.serverKey);
        assertEquals(200, download.status());
        assertArrayEquals(Files.readAllBytes(storeB.resolve(StoreLayout.artifactKey(ENV, 3))), download.body());
        assertEquals(3, Envelopes.verifyRuleset(download.body(), f.trusted).getVersion());
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(storeA.resolve(StoreLayout.artifactKey(ENV, 3))), download.body()));
    }

    @Test
    void aNodeStartedAfterTwoVersionsStillServesSessionsPinnedToThePreviousOne() throws Exception {
        f.publish(f.ruleset(1), storeA, storeB);
        f.publish(f.ruleset(2), storeA, storeB);
        GdnNode node = f.startStoreNode(List.of(storeA, storeB), null);
        assertEquals(2, f.servedVersion(node));
        Resp pinned = f.bulk(node, "{}", "GDN-Ruleset-Version", "1");
        assertEquals("1", pinned.requireHeader("GDN-Ruleset-Version"), "the index's previous_version was loaded too");
        assertTrue(pinned.text().contains("\"value\":\"version-1\""), pinned::text);
    }

    @Test
    void keepsServingWhenEveryStoreIsGone() throws Exception {
        f.publish(f.ruleset(1), storeA, storeB);
        GdnNode node = f.startStoreNode(List.of(storeA, storeB), null);
        f.publish(f.ruleset(2), storeA, storeB);
        await("v2 served", () -> f.servedVersion(node) == 2);
        assertTrue(f.metric(node, "gdn_store_up").stream().allMatch(l -> l.endsWith(" 1.0")), () -> f.metric(node, "gdn_store_up").toString());

        // 1) both store directories gone (an unmounted volume, say): an outage, not an empty store
        Files.move(storeA, tmp.resolve("a-gone"));
        Files.move(storeB, tmp.resolve("b-gone"));
        awaitValue("gdn_store_up 0 once the directories are gone", () -> f.metric(node, "gdn_store_up"),
                lines -> lines.size() == 2 && lines.stream().allMatch(l -> l.endsWith(" 0.0")));
        assertEquals(2, f.servedVersion(node));
        Resp ready = f.get(node, "/health/ready");
        assertEquals(200, ready.status(), ready::toString);
        assertEquals(2L, envReadiness(ready).get("version"));
        assertEquals("1", f.bulk(node, "{}", "GDN-Ruleset-Version", "1").requireHeader("GDN-Ruleset-Version"));

        // 2) both stores failing outright (a file where the directory was: every read is an I/O error)
        Files.move(tmp.resolve("a-gone"), storeA);
        Files.move(tmp.resolve("b-gone"), storeB);
        await("stores back up", () -> f.metric(node, "gdn_store_up").stream().allMatch(l -> l.endsWith(" 1.0")));
        deleteTree(storeA);
        deleteTree(storeB);
        Files.writeString(storeA, "not a directory");
        Files.writeString(storeB, "not a directory");
        List<String> up = awaitValue("gdn_store_up 0 for both stores", () -> f.metric(node, "gdn_store_up"),
                lines -> lines.size() == 2 && lines.stream().allMatch(l -> l.endsWith(" 0.0")));
        assertTrue(up.stream().anyMatch(l -> l.contains("store=\"" + uri(storeA) + "\"")), up::toString);
        assertTrue(up.stream().anyMatch(l -> l.contains("store=\"" + uri(storeB) + "\"")), up::toString);
        assertEquals(2, f.servedVersion(node));
        Resp single = f.post(node, "/ofrep/v1/evaluate/flags/string-flag", "{}", "X-API-Key", f.clientKey);
        assertEquals(200, single.status());
        assertTrue(single.text().contains("\"value\":\"version-2\""), single::text);
        assertEquals(200, f.get(node, "/health/ready").status());
    }

    @Test
    void restartWithEveryStoreGoneServesFromTheDiskCache() throws Exception {
        Path cache = tmp.resolve("cache");
        f.publish(f.ruleset(1), storeA, storeB);
        GdnNode first = f.startStoreNode(List.of(storeA, storeB), cache);
        assertEquals(1, f.servedVersion(first));
        f.publish(f.ruleset(2), storeA, storeB);
        await("v2 served", () -> f.servedVersion(first) == 2);
        await("v2 in the disk cache", () -> Files.exists(cache.resolve(ENV).resolve("2.pb")));
        f.stop(first);

        // every store wiped
        Files.move(storeA, tmp.resolve("a-gone"));
        Files.move(storeB, tmp.resolve("b-gone"));

        GdnNode second = f.startStoreNode(List.of(storeA, storeB), cache);
        Resp ready = f.get(second, "/health/ready");
        assertEquals(200, ready.status(), ready::toString);
        Map<String, Object> env = envReadiness(ready);
        assertEquals("disk-cache", env.get("source"));
        assertEquals(2L, env.get("version"));
        Resp bulk = f.bulk(second, "{}");
        assertEquals(200, bulk.status());
        assertEquals("2", bulk.requireHeader("GDN-Ruleset-Version"));
        assertTrue(bulk.text().contains("\"value\":\"version-2\""), bulk::text);
        // the cache keeps the previous version too, for pinned sessions
        assertEquals("1", f.bulk(second, "{}", "GDN-Ruleset-Version", "1").requireHeader("GDN-Ruleset-Version"));
        // a few polls later (stores still empty) it is still ready
        Thread.sleep(3 * NodeFixture.POLL.toMillis());
        assertEquals(200, f.get(second, "/health/ready").status());
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
