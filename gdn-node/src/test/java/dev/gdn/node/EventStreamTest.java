package dev.gdn.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.node.events.EventStreamConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OFREP event streams on a store-mode node (SPEC §5, ADR-0008): what bulk bodies advertise, what a
 * stream sends on a new version and while idle, resuming with Last-Event-ID, auth, CORS, the
 * SSE-triggered re-fetch that waits for the version it was told of, and streams ending on stop.
 */
class EventStreamTest {
    @TempDir
    Path tmp;
    NodeFixture fx;
    Path store;

    @BeforeEach
    void setUp() {
        fx = new NodeFixture(tmp);
        store = fx.storeDir("a");
        fx.publish(fx.ruleset(1), store);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private GdnNode node(EventStreamConfig events) throws Exception {
        return fx.start(fx.storeConfig(List.of(store), null, Duration.ofMillis(200)).withEvents(events));
    }

    private static final EventStreamConfig FAST = EventStreamConfig.DEFAULT.withHeartbeat(Duration.ofMillis(300));

    /** An open stream: its SSE lines as they arrive. */
    final class Stream implements AutoCloseable {
        final HttpResponse<InputStream> response;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final Thread reader;

        Stream(GdnNode node, String path, String... headers) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(NodeFixture.base(node) + path)).header("Accept", "text/event-stream");
            for (int i = 0; i < headers.length; i += 2) {
                b.header(headers[i], headers[i + 1]);
            }
            response = fx.http.send(b.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            reader = Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        lines.add(l);
                    }
                    lines.add("<EOF>");
                } catch (IOException e) {
                    lines.add("<EOF>");
                }
            });
        }

        /** The next event's fields (id, event, data), skipping heartbeats; null when none comes in time. */
        Map<String, String> nextEvent(Duration within) throws InterruptedException {
            long end = System.nanoTime() + within.toNanos();
            Map<String, String> fields = new java.util.LinkedHashMap<>();
            while (true) {
                String l = lines.poll(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (l == null || l.equals("<EOF>")) {
                    return null;
                }
                if (l.isEmpty()) {
                    if (fields.containsKey("data") && !fields.get("data").contains("\"heartbeat\"")) {
                        return fields;
                    }
                    fields.clear();
                    continue;
                }
                if (l.startsWith(":")) {
                    continue;
                }
                int colon = l.indexOf(':');
                fields.put(l.substring(0, colon), l.substring(colon + 1).trim());
            }
        }

        @Override
        public void close() throws IOException {
            response.body().close();
        }
    }

    @Test
    void bulkBodiesAdvertiseTheStreamAsAPathByDefaultAndAbsoluteWithAPublicUrl() throws Exception {
        GdnNode node = node(EventStreamConfig.DEFAULT);
        Map<String, Object> body = fx.bulk(node, "{\"targetingKey\":\"u\"}").jsonObject();
        assertEquals(List.of(Map.of("type", "sse", "endpoint", Map.of("requestUri", "/gdn/v1/events/" + fx.clientKey),
                "inactivityDelaySec", 120L)), body.get("eventStreams"));
        // server keys get the header route: never a server key in a URL
        NodeFixture.Resp server = fx.post(node, "/ofrep/v1/evaluate/flags", "{\"context\":{}}", "Authorization", "Bearer " + fx.serverKey);
        assertEquals(List.of(Map.of("type", "sse", "endpoint", Map.of("requestUri", "/gdn/v1/events"), "inactivityDelaySec", 120L)),
                server.jsonObject().get("eventStreams"));

        GdnNode pub = node(EventStreamConfig.DEFAULT.withPublicUrl(URI.create("https://events.gdn.example.com/")));
        String ctx = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("{}".getBytes(StandardCharsets.UTF_8));
        NodeFixture.Resp cdn = fx.get(pub, "/gdn/v1/evaluate/" + fx.clientKey + "/" + ctx);
        assertEquals(200, cdn.status(), cdn::toString);
        assertEquals(List.of(Map.of("type", "sse", "url", "https://events.gdn.example.com/gdn/v1/events/" + fx.clientKey,
                "inactivityDelaySec", 120L)), cdn.jsonObject().get("eventStreams"));
        assertEquals("1", cdn.requireHeader("GDN-Ruleset-Version"));
    }

    @Test
    void aNewVersionIsNotifiedOnceWithItsIdAndIdleStreamsGetHeartbeats() throws Exception {
        GdnNode node = node(FAST);
        try (Stream s = new Stream(node, "/gdn/v1/events/" + fx.clientKey, "Origin", "http://127.0.0.2:5173")) {
            assertEquals(200, s.response.statusCode());
            assertEquals("text/event-stream", s.response.headers().firstValue("Content-Type").orElse(""));
            assertEquals("*", s.response.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
            assertTrue(s.response.headers().firstValue("Cache-Control").orElse("").contains("no-cache"));
            // idle: heartbeats only, and no notification for the version the client already fetched
            assertEquals("event:message", s.lines.poll(3, TimeUnit.SECONDS));
            assertEquals("data:{\"type\":\"heartbeat\"}", s.lines.poll(1, TimeUnit.SECONDS), "a heartbeat event, without an id");
            assertNull(s.nextEvent(Duration.ofMillis(700)), "no event without a new version");

            fx.publish(fx.ruleset(2), store);
            Map<String, String> e = s.nextEvent(NodeFixture.WAIT);
            assertNotNull(e, "an event for v2");
            assertEquals("2", e.get("id"));
            assertEquals("message", e.get("event"));
            Map<?, ?> data = (Map<?, ?>) new dev.gdn.ruleset.json.JsonReader(10).read(e.get("data").getBytes(StandardCharsets.UTF_8));
            assertEquals("refetchEvaluation", data.get("type"));
            assertEquals("\"prod-2\"", data.get("etag"));
            assertEquals(2L, data.get("rulesetVersion"));
            long lastModified = (Long) data.get("lastModified");
            assertTrue(Math.abs(lastModified - System.currentTimeMillis() / 1000) < 60, "Unix seconds: " + lastModified);
            assertNull(s.nextEvent(Duration.ofMillis(700)), "once");
            assertEquals(List.of("gdn_event_streams_open 1.0"), fx.metric(node, "gdn_event_streams_open"));
        }
    }

    @Test
    void aClientResumingWithAnOlderLastEventIdIsToldAtOnce() throws Exception {
        GdnNode node = node(FAST);
        fx.publish(fx.ruleset(2), store);
        NodeFixture.await("v2 served", () -> fx.servedVersion(node) == 2);
        try (Stream s = new Stream(node, "/gdn/v1/events", "Authorization", "Bearer " + fx.clientKey, "Last-Event-ID", "1")) {
            Map<String, String> e = s.nextEvent(Duration.ofSeconds(2));
            assertNotNull(e);
            assertEquals("2", e.get("id"));
        }
        try (Stream s = new Stream(node, "/gdn/v1/events", "X-API-Key", fx.serverKey, "Last-Event-ID", "2")) {
            assertEquals(200, s.response.statusCode(), "server keys may use the header route");
            assertNull(s.nextEvent(Duration.ofMillis(800)), "up to date: nothing to replay");
        }
    }

    @Test
    void authIsTheEvaluationRoutesAndServerKeysNeverGoInUrls() throws Exception {
        GdnNode node = node(FAST);
        NodeFixture.Resp none = fx.get(node, "/gdn/v1/events", "Accept", "text/event-stream");
        assertEquals(401, none.status());
        assertTrue(none.text().contains("missing API key"), none::toString);
        assertEquals(401, fx.get(node, "/gdn/v1/events/gdn_client_nope", "Accept", "text/event-stream").status());
        NodeFixture.Resp server = fx.get(node, "/gdn/v1/events/" + fx.serverKey, "Accept", "text/event-stream");
        assertEquals(403, server.status());
        assertTrue(server.text().contains("never appear in URLs"), server::toString);
        assertEquals("*", server.requireHeader("Access-Control-Allow-Origin"));
        assertEquals(406, fx.get(node, "/gdn/v1/events/" + fx.clientKey, "Accept", "application/json").status());
        NodeFixture.Resp pre = fx.options(node, "/gdn/v1/events/" + fx.clientKey, "Origin", "http://127.0.0.2:5173",
                "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "last-event-id");
        assertEquals(204, pre.status());
        assertEquals("http://127.0.0.2:5173", pre.requireHeader("Access-Control-Allow-Origin"));
        assertTrue(pre.requireHeader("Access-Control-Allow-Headers").contains("Last-Event-ID"));
    }

    @Test
    void anSseTriggeredRefetchWaitsForTheVersionItWasToldOf() throws Exception {
        GdnNode node = node(FAST);
        // A client told of v2 by another node asks this one before it has polled v2 from its store.
        Thread publisher = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            fx.publish(fx.ruleset(2), store);
        });
        long t0 = System.nanoTime();
        NodeFixture.Resp r = fx.post(node, "/ofrep/v1/evaluate/flags?flagConfigEtag=%22prod-2%22", "{\"context\":{}}",
                "Authorization", "Bearer " + fx.clientKey);
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        publisher.join();
        assertEquals(200, r.status(), r::toString);
        assertEquals("2", r.requireHeader("GDN-Ruleset-Version"), "answered with the version it was told of");
        assertTrue(tookMs >= 250, "it waited for v2 (" + tookMs + " ms)");

        // Naming a version that never comes costs at most refetchWait, then the current one answers.
        String ctx = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("{}".getBytes(StandardCharsets.UTF_8));
        long t1 = System.nanoTime();
        NodeFixture.Resp late = fx.get(node, "/gdn/v1/evaluate/" + fx.clientKey + "/" + ctx + "?flagConfigEtag=%22prod-9%22");
        long lateMs = (System.nanoTime() - t1) / 1_000_000;
        assertEquals("2", late.requireHeader("GDN-Ruleset-Version"));
        assertTrue(lateMs >= 1900 && lateMs < 4000, "waited refetchWait (" + lateMs + " ms)");
        // Another environment's tag or none: no wait at all.
        NodeFixture.Resp other = fx.post(node, "/ofrep/v1/evaluate/flags?flagConfigEtag=%22staging-9%22", "{\"context\":{}}",
                "Authorization", "Bearer " + fx.clientKey);
        assertEquals("2", other.requireHeader("GDN-Ruleset-Version"));
    }

    @Test
    void streamsEndWhenTheNodeStopsWithoutHoldingTheStop() throws Exception {
        GdnNode node = fx.start(fx.storeConfig(List.of(store), null, Duration.ofSeconds(20)).withEvents(FAST));
        List<Stream> streams = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            streams.add(new Stream(node, "/gdn/v1/events/" + fx.clientKey));
        }
        NodeFixture.await("5 open streams", () -> node.events().openStreams() == 5);
        long t0 = System.nanoTime();
        fx.stop(node);
        long stopMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(stopMs < 5000, "stop took " + stopMs + " ms with a 20 s grace period");
        for (Stream s : streams) {
            String l;
            do {
                l = s.lines.poll(5, TimeUnit.SECONDS);
            } while (l != null && !l.equals("<EOF>"));
            assertEquals("<EOF>", l, "the stream ended");
            s.close();
        }
        assertFalse(node.events().openStreams() > 0);
    }
}
