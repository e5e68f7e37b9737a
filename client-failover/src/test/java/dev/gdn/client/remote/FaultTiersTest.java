package dev.gdn.client.remote;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.gdn.client.remote.TestFlags.CONTEXT;
import static dev.gdn.client.remote.TestFlags.OTHER_CONTEXT;
import static dev.gdn.client.remote.TestFlags.actual;
import static dev.gdn.client.remote.TestFlags.expected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.common.ConsoleNotifier;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.gdn.client.Evaluations;
import dev.gdn.client.GdnClient;
import dev.gdn.client.TestNode;
import dev.gdn.client.Tier;
import dev.gdn.client.TierKind;
import dev.gdn.client.policy.FailoverPolicy;
import dev.gdn.ruleset.eval.CompiledRuleset;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client against three WireMock tiers on loopback (belt CDN → GDN → classic), each serving a real
 * OFREP bulk body, with faults injected on the first.
 */
class FaultTiersTest {
    static final String KEY = "gdn-client-test-key";
    /** The default hedge delay: the tests about it give their first tier this one. */
    static final Duration HEDGE = Tier.DEFAULT_HEDGE_DELAY;
    /*
     * Time on a loaded machine. These tests run where other builds keep the CPUs busy (load averages of
     * 15 to 35 on 2 cores), and a loopback answer that takes 2 ms on a quiet machine now and then takes a
     * second. So every wall-clock expectation here is one of two kinds:
     * - a lower bound ("not before the hedge delay"): a busy machine only makes things later;
     * - a wide gap: what a test tells apart (one hedge delay, or no wait at all, against a tier's
     *   timeout, a slow answer or another hedge delay) is seconds apart, wider than LOADED_SLACK.
     * And a tier a test expects to answer is given a hedge delay no stall reaches, so a healthy tier never
     * loses its race to the next one because the machine was slow for a moment.
     */
    /**
     * Each tier's timeout and each call's deadline where a test is not about them: a healthy tier always
     * gets to answer, and "costs a hedge delay, not a timeout" stays a gap of many seconds.
     */
    static final Duration PATIENT = Duration.ofSeconds(20);
    /** What a loaded machine may add to a call; every gap these tests draw is wider. */
    static final Duration LOADED_SLACK = Duration.ofSeconds(2);
    /** An injected hang: far beyond every timeout here. */
    static final int HANG_MS = 60_000;
    /**
     * The hedge delay of a tier a test expects to answer that is never hung (the second): the next tier
     * is asked only when it fails. It costs no wall time, a healthy tier answering long before.
     */
    static final Duration PATIENT_HEDGE = Duration.ofSeconds(10);
    /**
     * The hedge delay of the first tier, which tests expect to answer and then hang: a healthy answer beats
     * it however loaded the machine, and a call to the hung tier (which waits for it) stays affordable.
     */
    static final Duration FIRST_HEDGE = Duration.ofSeconds(2);
    /** How long a breaker stays open where a test expects several calls inside the open period to skip the tier. */
    static final Duration OPEN_FOR = Duration.ofSeconds(4);
    /** Breakers that never open within one test, where a test is not about breakers. */
    static final FailoverPolicy.BreakerSettings LENIENT = new FailoverPolicy.BreakerSettings(100, 100, 100, Duration.ofSeconds(5));

    static final CompiledRuleset V1 = TestFlags.ruleset(TestFlags.FLAGS_V1, 1);
    static final CompiledRuleset V2 = TestFlags.ruleset(TestFlags.FLAGS_V2, 2);

    static WireMockServer a;
    static WireMockServer b;
    static WireMockServer c;
    final List<GdnClient> clients = new ArrayList<>();

    @BeforeAll
    static void startTiers() {
        a = tierServer();
        b = tierServer();
        c = tierServer();
        // One request each first: a cold Jetty on a loaded machine is slow to answer its first request.
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            for (WireMockServer s : List.of(a, b, c)) {
                http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.baseUrl() + "/__admin/mappings")).build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding());
            }
        } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException("warming the tiers up", e);
        }
    }

    static WireMockServer tierServer() {
        WireMockServer s = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().containerThreads(40)
                .asynchronousResponseEnabled(true).asynchronousResponseThreads(8).notifier(new ConsoleNotifier(false)));
        s.start();
        return s;
    }

    @AfterAll
    static void stopTiers() {
        for (WireMockServer s : List.of(a, b, c)) {
            s.stop();
        }
    }

    @BeforeEach
    void healthyTiers() {
        for (WireMockServer s : List.of(a, b, c)) {
            s.resetAll();
        }
        serve(a, V1, "cdn-edge-1");
        serve(b, V1, "iad/n1");
        serve(c, V1, "classic");
    }

    @AfterEach
    void closeClients() {
        clients.forEach(GdnClient::close);
    }

    // --- fixtures ---

    static ResponseDefinitionBuilder ok(CompiledRuleset rs, Map<String, Object> context, String servedBy) {
        return aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withHeader("ETag", etag(rs, servedBy))
                .withHeader("GDN-Ruleset-Version", Long.toString(rs.version()))
                .withHeader("GDN-Served-By", servedBy)
                .withBody(TestFlags.bulkBody(rs, context));
    }

    static String etag(CompiledRuleset rs, String servedBy) {
        return "\"" + servedBy.replace('/', '-') + "-v" + rs.version() + "\"";
    }

    /** The tier answers every request with the flags for {@link TestFlags#CONTEXT}. */
    static void serve(WireMockServer s, CompiledRuleset rs, String servedBy) {
        s.stubFor(any(anyUrl()).willReturn(ok(rs, CONTEXT, servedBy)));
    }

    static void fail(WireMockServer s, ResponseDefinitionBuilder response) {
        s.stubFor(any(anyUrl()).atPriority(1).willReturn(response));
    }

    /** A tier with the default hedge delay and a patient timeout. */
    static Tier tier(String name, TierKind kind, WireMockServer s) {
        return Tier.of(name, kind, "http://127.0.0.1:" + s.port()).withTimeout(PATIENT);
    }

    static Tier beltCdn() {
        return tier("belt-cdn", TierKind.CDN, a).withHedgeDelay(FIRST_HEDGE);
    }

    static Tier gdn() {
        return tier("gdn", TierKind.GDN, b).withHedgeDelay(PATIENT_HEDGE);
    }

    /** The last tier: its hedge delay never matters. */
    static Tier classic() {
        return tier("classic", TierKind.CLASSIC, c);
    }

    /** A client with a patient deadline. */
    GdnClient client(FailoverPolicy.BreakerSettings breakers, Tier... tiers) {
        return client(builder(breakers, tiers));
    }

    static GdnClient.Builder builder(FailoverPolicy.BreakerSettings breakers, Tier... tiers) {
        GdnClient.Builder builder = GdnClient.builder().clientKey(KEY).deadline(PATIENT).breaker(breakers);
        for (Tier t : tiers) {
            builder.tier(t);
        }
        return builder;
    }

    GdnClient client(GdnClient.Builder builder) {
        GdnClient client = builder.build();
        clients.add(client);
        return client;
    }

    /**
     * How many times a tier had its turn in a call (asked, or skipped by its breaker), from the client's
     * own metrics: settled before the call returns (see FailoverPolicy), unlike a server's request log,
     * which a cancelled request may still reach later.
     */
    static double turns(SimpleMeterRegistry registry, String tier) {
        return registry.find("gdn.client.attempts").tag("tier", tier).counters().stream().mapToDouble(Counter::count).sum();
    }

    static int count(WireMockServer s) {
        return s.countRequestsMatching(anyRequestedFor(anyUrl()).build()).getCount();
    }

    static List<LoggedRequest> requests(WireMockServer s) {
        List<LoggedRequest> all = new ArrayList<>(s.findAll(anyRequestedFor(anyUrl())));
        all.sort(java.util.Comparator.comparing(LoggedRequest::getLoggedDate));
        return all;
    }

    record Timed(Evaluations answer, long millis) {
    }

    static Timed timed(GdnClient client, Map<String, Object> context) {
        long t0 = System.nanoTime();
        Evaluations e = client.evaluate(context);
        return new Timed(e, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    static void assertFresh(CompiledRuleset rs, String tier, Evaluations e) {
        assertEquals(Evaluations.Freshness.FRESH, e.freshness(), () -> "error: " + e.error());
        assertEquals(tier, e.tier());
        assertEquals(expected(rs, CONTEXT), actual(e));
        assertEquals(rs.version(), e.version());
        assertNull(e.error());
    }

    static long median(long[] xs) {
        long[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    // --- faults on the first tier ---

    /** Faults a tier answers quickly: the next tier starts at once, without waiting for the hedge. */
    enum FastFault {
        CONNECTION_RESET(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)),
        EMPTY_RESPONSE(aResponse().withFault(Fault.EMPTY_RESPONSE)),
        RANDOM_DATA_THEN_CLOSE(aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE)),
        HTTP_500(aResponse().withStatus(500).withHeader("Content-Type", "application/json").withBody("{\"errorDetails\":\"boom\"}")),
        HTTP_503(aResponse().withStatus(503).withHeader("Content-Type", "text/plain").withBody("Service Unavailable")),
        HTTP_429(aResponse().withStatus(429).withHeader("Retry-After", "30").withBody("slow down")),
        MALFORMED_JSON(json("{\"flags\": [{\"key\": \"dark-mode\", \"value\": tru }]}")),
        WRONG_SHAPE(json("{\"error\": \"not a bulk response\"}")),
        TRUNCATED_BODY(json(half(TestFlags.bulkBody(V1, CONTEXT)))),
        EMPTY_BODY(json("")),
        HTML(aResponse().withStatus(200).withHeader("Content-Type", "text/html; charset=utf-8")
                .withBody("<html><body>Maintenance</body></html>"));

        final ResponseDefinitionBuilder response;

        FastFault(ResponseDefinitionBuilder response) {
            this.response = response;
        }

        static ResponseDefinitionBuilder json(String body) {
            return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withHeader("ETag", "\"bad\"")
                    .withHeader("GDN-Ruleset-Version", "1").withBody(body);
        }

        static String half(byte[] body) {
            return new String(body, 0, body.length / 2, StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest
    @EnumSource(FastFault.class)
    void aFastFaultOnTheFirstTierFailsOverAtOnce(FastFault fault) {
        fail(a, fault.response);
        // A long hedge delay on the first tier: an answer well before it proves the failure, not the hedge, moved on.
        Duration longHedge = PATIENT_HEDGE;
        GdnClient client = client(LENIENT, beltCdn().withHedgeDelay(longHedge), gdn(), classic());
        Timed t = timed(client, CONTEXT);
        assertFresh(V1, "gdn", t.answer());
        assertEquals("iad/n1", t.answer().servedBy());
        assertTrue(t.millis() < longHedge.toMillis() / 2, fault + ": took " + t.millis() + " ms, as if it waited for the hedge");
        assertTrue(count(a) >= 1, "the first tier was asked");
        assertEquals(1, count(b), "the second tier was asked once");
        assertEquals(0, count(c), "the third tier was not needed");
        assertEquals("CLOSED", client.status().endpoints().get(0).breakerState());
        if (fault == FastFault.HTTP_429) {
            Timed again = timed(client, CONTEXT);
            assertFresh(V1, "gdn", again.answer());
            assertEquals(1, count(a), "within Retry-After the first tier is not asked again");
            assertTrue(client.status().endpoints().get(0).rateLimited());
        }
    }

    /**
     * Faults where the first tier never answers in time: the first call waits its hedge delay once, and the
     * hedge asks the next tier; from then on the tier is suspect and asked together with the next.
     */
    @ParameterizedTest
    @ValueSource(strings = {"hang", "slow"})
    void aHungOrSlowFirstTierCostsOneHedgeDelayOnceAndThenNothing(String kind) {
        // A hedge delay of seconds: "waited for it" and "waited for nothing" stay seconds apart on a loaded machine.
        Duration hedge = Duration.ofSeconds(3);
        GdnClient client = client(LENIENT, tier("belt-cdn", TierKind.CDN, a).withHedgeDelay(hedge), gdn());
        // hang: far beyond the tier timeout; slow: shorter than the timeout (20 s), and far longer than the
        // hedge delay plus the next tier's answer, however loaded the machine
        int delay = kind.equals("hang") ? HANG_MS : 10_000;
        a.stubFor(any(anyUrl()).atPriority(1).willReturn(ok(V1, CONTEXT, "cdn-edge-1").withFixedDelay(delay)));
        Timed first = timed(client, CONTEXT);
        assertFresh(V1, "gdn", first.answer());
        long[] later = new long[5];
        for (int i = 0; i < later.length; i++) {
            Timed t = timed(client, CONTEXT);
            assertFresh(V1, "gdn", t.answer());
            later[i] = t.millis();
        }
        // The first call: at least the hedge delay, and about that, seconds short of the slow answer and the
        // tier timeout. The later ones: a fraction of it. (The 75 ms figures themselves are measured by the
        // blackhole drill, not by a timed test.)
        String figures = kind + ": first " + first.millis() + " ms, then " + Arrays.toString(later) + " ms";
        assertTrue(first.millis() >= hedge.toMillis() - 5, "the first call waits for the hedge: " + figures);
        assertTrue(first.millis() < hedge.toMillis() + LOADED_SLACK.toMillis(), "about one hedge delay: " + figures);
        assertTrue(median(later) < hedge.toMillis() / 4, "then the suspect tier is asked alongside the next: " + figures);
        assertEquals(1 + later.length, count(b), "the second tier was asked once per call");
        // Races lost after the hedge delay count against the tier (FailoverPolicyTest shows the breaker
        // opening); these lenient breakers need 100 calls first, so the tier stays in the chain here.
        assertEquals("CLOSED", client.status().endpoints().get(0).breakerState(), "lenient breakers stay closed for 5 calls");
    }

    /** The suspect bookkeeping adds nothing while every tier answers in time: one request per call, to the first tier. */
    @Test
    void aHealthyChainSendsExactlyOneRequestPerCall() {
        GdnClient client = client(LENIENT, beltCdn(), gdn(), classic());
        for (int i = 0; i < 20; i++) {
            assertFresh(V1, "belt-cdn", client.evaluate(CONTEXT));
        }
        assertEquals(20, count(a));
        assertEquals(0, count(b));
        assertEquals(0, count(c));
    }

    /** An application that keeps the JVM's common pool busy must not stall flag evaluation. */
    @Test
    void aSaturatedCommonPoolDoesNotStallTheClient() throws Exception {
        GdnClient client = client(LENIENT, beltCdn(), gdn(), classic());
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        int workers = java.util.concurrent.ForkJoinPool.getCommonPoolParallelism() + 2;
        List<java.util.concurrent.CompletableFuture<Void>> blockers = new java.util.ArrayList<>();
        for (int i = 0; i < workers; i++) {
            blockers.add(java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        try {
            Timed t = timed(client, CONTEXT);
            assertFresh(V1, "belt-cdn", t.answer());
            // Were the client waiting for the blocked pool, it would wait until the deadline (20 s).
            assertTrue(t.millis() < PATIENT.toMillis() / 2, "took " + t.millis() + " ms with the common pool blocked");
        } finally {
            release.countDown();
            blockers.forEach(java.util.concurrent.CompletableFuture::join);
        }
    }

    /**
     * A regional blackhole: the first two tiers' sockets accept connections and never answer. The first
     * call waits one hedge delay, not two (the hedge asks the second and third tiers together); every call
     * after it asks all three at once and waits for neither hung tier. Then the breakers open.
     */
    @Test
    void twoBlackholedTiersInARowCostOneHedgeDelayOnceAndThenNothing() throws Exception {
        // Hedge delays of seconds: "one hedge delay, not two" and "none" stay seconds apart on a loaded machine.
        Duration hedge = Duration.ofSeconds(3);
        try (Blackhole pop = new Blackhole(); Blackhole node = new Blackhole()) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            GdnClient client = client(builder(new FailoverPolicy.BreakerSettings(50, 4, 4, OPEN_FOR),
                    Tier.of("belt-cdn", TierKind.CDN, pop.url()).withTimeout(PATIENT).withHedgeDelay(hedge),
                    Tier.of("gdn", TierKind.GDN, node.url()).withTimeout(PATIENT).withHedgeDelay(hedge), classic())
                    .meterRegistry(registry));
            Timed first = timed(client, CONTEXT);
            assertFresh(V1, "classic", first.answer());
            assertTrue(first.millis() >= hedge.toMillis() - 5, "the first call waits for the first hedge: " + first.millis() + " ms");
            assertTrue(first.millis() < hedge.toMillis() + LOADED_SLACK.toMillis(),
                    "one hedge delay, not two: " + first.millis() + " ms");
            // The node was asked at the POP's hedge delay, with classic: it is suspect once its own is up too.
            TestNode.waitFor("the node's first attempt judged overdue", () -> registry.find("gdn.client.attempts")
                    .tags("tier", "gdn", "outcome", "overdue").counters().stream().mapToDouble(Counter::count).sum() >= 1);
            long[] later = new long[3];
            for (int i = 0; i < later.length; i++) {
                Timed t = timed(client, CONTEXT);
                assertFresh(V1, "classic", t.answer());
                later[i] = t.millis();
            }
            assertTrue(median(later) < hedge.toMillis() / 4, "both hung tiers asked alongside classic: " + Arrays.toString(later) + " ms");
            assertEquals(4, count(c), "classic asked once per call");
            TestNode.waitFor("every attempt at the hung tiers accepted", () -> pop.accepted() >= 4 && node.accepted() >= 4);
            // Every call asked both hung tiers (each attempt judged overdue at its hedge delay): their breakers open.
            TestNode.waitFor("both breakers open", () -> client.status().endpoints().get(0).breakerState().equals("OPEN")
                    && client.status().endpoints().get(1).breakerState().equals("OPEN"));
            Timed skipped = timed(client, CONTEXT);
            assertFresh(V1, "classic", skipped.answer());
            assertEquals(4, pop.accepted(), "an open breaker skips the POP");
            assertEquals(4, node.accepted(), "and the node");
        }
    }

    /**
     * A hedged-away attempt is cancelled for real: its connection closes at once rather than staying open
     * (and holding a connection and the client's shutdown) until the tier's timeout.
     */
    @Test
    void theLosingAttemptToAHungTierClosesItsConnection() throws Exception {
        try (ServerSocket hung = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // Its own thread, not the common pool: the JDK HttpClient's sendAsync completes through
            // ForkJoinPool.commonPool() (one worker on 2 cores), so blocking it there stalls the client itself.
            CompletableFuture<Long> closedAfter = new CompletableFuture<>();
            Thread acceptor = new Thread(() -> closedAfter.complete(readUntilClosed(hung)), "hung-tier");
            acceptor.setDaemon(true);
            acceptor.start();
            // The default hedge delay and a 20 s timeout: the connection's life tells "closed when the race
            // was lost" from "closed at the timeout" by many seconds.
            Tier hungTier = Tier.of("hung", TierKind.GDN, "http://127.0.0.1:" + hung.getLocalPort()).withTimeout(PATIENT);
            GdnClient client = client(LENIENT, hungTier, gdn());
            assertFresh(V1, "gdn", client.evaluate(CONTEXT));
            long ms = closedAfter.get(PATIENT.toSeconds() / 2, TimeUnit.SECONDS);
            assertTrue(ms < LOADED_SLACK.toMillis(), "the hung connection stayed open " + ms + " ms after the answer");
            long t0 = System.nanoTime();
            client.close();
            long closeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(closeMs < LOADED_SLACK.toMillis(), "close took " + closeMs + " ms");
        }
    }

    /** Accepts one connection, reads the request, never answers; returns how long until the client closed it. */
    static long readUntilClosed(ServerSocket server) {
        try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
            long t0 = System.nanoTime();
            byte[] buf = new byte[4096];
            while (in.read(buf) >= 0) {
                // read the request, never answer
            }
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {401, 403})
    void rejectedCredentialsNeverFailOver(int status) throws Exception {
        // A hedge delay no loaded machine reaches: the second tier is asked only if the refusal hands the call on.
        GdnClient client = client(LENIENT, beltCdn().withHedgeDelay(PATIENT_HEDGE), gdn(), classic());
        assertFresh(V1, "belt-cdn", client.evaluate(CONTEXT));
        fail(a, aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody("{\"errorDetails\":\"unknown API key\"}"));
        Timed t = timed(client, CONTEXT);
        Thread.sleep(500); // time for a wrongly handed-on request to reach the next tier
        Evaluations e = t.answer();
        assertEquals(Evaluations.Freshness.NONE, e.freshness(), "no stale answer hides a configuration error");
        assertTrue(e.flags().isEmpty());
        assertNotNull(e.error());
        assertTrue(e.error().contains("API key rejected (HTTP " + status + ")"), e.error());
        assertTrue(e.error().contains("unknown API key"), e.error());
        assertEquals(0, count(b), "the second tier is never asked");
        assertEquals(0, count(c), "the third tier is never asked");
        assertTrue(t.millis() < LOADED_SLACK.toMillis(), "at once, not after a hedge delay (10 s): took " + t.millis() + " ms");
    }

    // --- request shapes, ETags ---

    @Test
    void cdnTiersGetWithKeyAndContextInTheUrlOriginTiersPostWithBearerAndThePin() {
        GdnClient client = client(LENIENT, beltCdn(), gdn(), classic());
        assertFresh(V1, "belt-cdn", client.evaluate(CONTEXT));
        assertEquals(1, client.status().pinnedVersion(), "the first answer sets the pin");
        LoggedRequest get = requests(a).get(0);
        assertEquals("GET", get.getMethod().getName());
        assertEquals("/gdn/v1/evaluate/" + KEY + "/" + TestFlags.base64url(CONTEXT), get.getUrl());
        assertFalse(get.containsHeader("Authorization"), "the key is in the URL, never a header, on a CDN");
        assertFalse(get.containsHeader("GDN-Ruleset-Version"), "no pin on a CDN: caches stay whole");
        assertFalse(get.containsHeader("If-None-Match"), "nothing cached yet");

        fail(a, aResponse().withStatus(503));
        assertFresh(V1, "gdn", client.evaluate(CONTEXT));
        List<LoggedRequest> cdn = requests(a);
        assertFalse(cdn.get(1).containsHeader("GDN-Ruleset-Version"), "still no pin on a CDN after pinning");
        assertEquals(etag(V1, "cdn-edge-1"), cdn.get(1).getHeader("If-None-Match"));
        LoggedRequest post = requests(b).get(0);
        assertEquals("POST", post.getMethod().getName());
        assertEquals("/ofrep/v1/evaluate/flags", post.getUrl());
        assertEquals("Bearer " + KEY, post.getHeader("Authorization"));
        assertEquals("1", post.getHeader("GDN-Ruleset-Version"), "origins are pinned after the first answer");
        assertTrue(post.getHeader("Content-Type").startsWith("application/json"));
        assertEquals("{\"context\":" + TestFlags.canonical(CONTEXT) + "}", post.getBodyAsString());
        assertEquals(etag(V1, "cdn-edge-1"), post.getHeader("If-None-Match"), "the context's last ETag, on every tier");
    }

    @Test
    void aNotModifiedFromAnyTierServesTheCachedFlags() {
        GdnClient client = client(LENIENT, beltCdn(), gdn(), classic());
        assertFresh(V1, "belt-cdn", client.evaluate(CONTEXT));
        a.stubFor(any(anyUrl()).atPriority(1).withHeader("If-None-Match", equalTo(etag(V1, "cdn-edge-1")))
                .willReturn(aResponse().withStatus(304).withHeader("GDN-Served-By", "cdn-edge-2")));
        Evaluations again = client.evaluate(CONTEXT);
        assertFresh(V1, "belt-cdn", again);
        assertEquals("cdn-edge-2", again.servedBy());
        assertEquals(304, a.getAllServeEvents().stream().filter(ev -> ev.getRequest().containsHeader("If-None-Match"))
                .findFirst().orElseThrow().getResponse().getStatus());

        // An origin tier revalidates the same way.
        fail(a, aResponse().withStatus(503));
        b.stubFor(any(anyUrl()).atPriority(1).withHeader("If-None-Match", equalTo(etag(V1, "cdn-edge-1")))
                .willReturn(aResponse().withStatus(304).withHeader("GDN-Served-By", "iad/n1")));
        Evaluations fromOrigin = client.evaluate(CONTEXT);
        assertFresh(V1, "gdn", fromOrigin);
        assertEquals("iad/n1", fromOrigin.servedBy());

        // A 304 for a context never answered is a failed attempt, not an empty answer.
        b.stubFor(any(anyUrl()).atPriority(1).willReturn(aResponse().withStatus(304)));
        c.stubFor(any(anyUrl()).atPriority(1).willReturn(ok(V1, OTHER_CONTEXT, "classic")));
        Evaluations other = client.evaluate(OTHER_CONTEXT);
        assertEquals(Evaluations.Freshness.FRESH, other.freshness(), () -> other.error());
        assertEquals("classic", other.tier());
        assertEquals(expected(V1, OTHER_CONTEXT), actual(other));
    }

    // --- breakers ---

    @Test
    void aFailingTierIsSkippedByItsBreakerAndAHalfOpenProbeBringsTrafficBack() throws Exception {
        // Open for longer than a few calls take on a loaded machine: the calls that expect the tier skipped
        // all fall inside the open period.
        Duration openFor = OPEN_FOR;
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // The first tier's long hedge delay: each 503 is seen (not cancelled by a faster hedged answer) however slow this machine is.
        GdnClient client = client(builder(new FailoverPolicy.BreakerSettings(50, 4, 4, openFor), beltCdn(), gdn(), classic())
                .meterRegistry(registry));
        fail(a, aResponse().withStatus(503));
        for (int i = 0; i < 4; i++) {
            assertFresh(V1, "gdn", client.evaluate(CONTEXT));
        }
        assertEquals("OPEN", client.status().endpoints().get(0).breakerState(), () -> String.valueOf(client.status()));
        int asked = count(a);
        for (int i = 0; i < 3; i++) {
            Timed t = timed(client, CONTEXT);
            assertFresh(V1, "gdn", t.answer());
        }
        assertEquals(asked, count(a), () -> "an open breaker skips the tier without calling it: " + client.status());

        // Open period over, still failing: one probe (raced with the next tier), then open again.
        Thread.sleep(openFor.toMillis() + 100);
        assertFresh(V1, "gdn", client.evaluate(CONTEXT));
        assertEquals("OPEN", probeVerdict(client), () -> String.valueOf(client.status()));
        assertEquals(asked + 1, count(a), () -> "one half-open probe: " + client.status());
        assertFresh(V1, "gdn", client.evaluate(CONTEXT));
        assertEquals(asked + 1, count(a), () -> "open again after a failed probe: " + client.status());

        // Healthy again: after the open period the probe succeeds and traffic returns.
        a.resetAll();
        serve(a, V1, "cdn-edge-1");
        Thread.sleep(openFor.toMillis() + 100);
        assertEquals(Evaluations.Freshness.FRESH, client.evaluate(CONTEXT).freshness(), "the probe or the next tier answered");
        assertEquals("CLOSED", probeVerdict(client), () -> String.valueOf(client.status()));
        double gdnTurns = turns(registry, "gdn");
        for (int i = 0; i < 3; i++) {
            assertFresh(V1, "belt-cdn", client.evaluate(CONTEXT));
        }
        assertEquals(4, count(a));
        assertEquals(gdnTurns, turns(registry, "gdn"), "the second tier is no longer asked");
    }

    /**
     * The first endpoint's breaker once its half-open probe has its verdict: the probe races the next
     * tier and may still be out when the call returns (up to its hedge delay).
     */
    static String probeVerdict(GdnClient client) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (client.status().endpoints().get(0).breakerState().equals("HALF_OPEN") && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        return client.status().endpoints().get(0).breakerState();
    }

    /** A TCP endpoint that accepts connections and never answers (the request just sits in the socket buffer). */
    static final class Blackhole implements AutoCloseable {
        final ServerSocket server;
        final List<Socket> held = java.util.Collections.synchronizedList(new ArrayList<>());
        final Thread acceptor;

        Blackhole() throws java.io.IOException {
            server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
            acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        held.add(server.accept());
                    } catch (java.io.IOException closed) {
                        return;
                    }
                }
            }, "blackhole");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort();
        }

        int accepted() {
            return held.size();
        }

        @Override
        public void close() throws Exception {
            server.close();
            acceptor.join(1000);
            synchronized (held) {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aBlackholedTierOpensItsBreakerAndThenCostsNothingProbesIncluded() throws Exception {
        // The blackholed tier's hedge delay: every call before its breaker opens waits for it, and "costs
        // nothing" (a fraction of it) stays a gap of seconds however loaded the machine.
        Duration hedge = Duration.ofSeconds(3);
        try (Blackhole hole = new Blackhole()) {
            GdnClient client = client(new FailoverPolicy.BreakerSettings(50, 2, 2, OPEN_FOR),
                    Tier.of("belt-cdn", TierKind.CDN, hole.url()).withTimeout(PATIENT).withHedgeDelay(hedge), gdn());
            Timed first = timed(client, CONTEXT);
            assertFresh(V1, "gdn", first.answer());
            assertTrue(first.millis() >= hedge.toMillis() - 5, "the first call waits for the hedge: " + first.millis());
            Timed second = timed(client, CONTEXT);
            assertFresh(V1, "gdn", second.answer());
            assertTrue(second.millis() < hedge.toMillis() / 4, "then the tier, suspect, is asked alongside the next: " + second.millis());
            // (the second attempt is judged at its hedge delay, after its call returned)
            TestNode.waitFor("the breaker open", () -> client.status().endpoints().get(0).breakerState().equals("OPEN"));
            // (The kernel completes a connection before the blackhole's thread accepts it: wait for that.)
            TestNode.waitFor("two connections accepted", () -> hole.accepted() >= 2);
            assertEquals(2, hole.accepted());
            long[] open = new long[5];
            for (int i = 0; i < open.length; i++) {
                Timed t = timed(client, CONTEXT);
                assertFresh(V1, "gdn", t.answer());
                open[i] = t.millis();
            }
            assertTrue(median(open) < hedge.toMillis() / 4, "an open breaker skips the hung tier: " + Arrays.toString(open) + " ms");

            // The open period is over; the tier still black-holes. The probe races the next tier from the start.
            Thread.sleep(OPEN_FOR.toMillis() + 100);
            Timed probed = timed(client, CONTEXT);
            assertFresh(V1, "gdn", probed.answer());
            assertTrue(probed.millis() < hedge.toMillis() / 2, "the probe cost the call no hedge delay: " + probed.millis() + " ms");
            assertEquals("OPEN", probeVerdict(client), () -> "the failed probe reopened it: " + client.status());
            // Connections are accepted in the order they were made: once the probe's is in, any made while
            // the breaker was open would be counted too.
            TestNode.waitFor("the probe's connection accepted", () -> hole.accepted() >= 3);
            assertEquals(3, hole.accepted(), "two calls before the breaker opened, none while open, one probe");
        }
    }

    @Test
    void aHungTierThatHealsGetsItsTrafficBackThroughAHalfOpenProbe() throws Exception {
        Duration openFor = Duration.ofMillis(1000);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // Two calls that each lose to the hedge open its breaker (the second is judged at the hedge delay after it returned).
        GdnClient client = client(builder(new FailoverPolicy.BreakerSettings(50, 2, 2, openFor), beltCdn(), gdn())
                .meterRegistry(registry));
        a.stubFor(any(anyUrl()).atPriority(1).willReturn(ok(V1, CONTEXT, "cdn-edge-1").withFixedDelay(HANG_MS)));
        for (int i = 0; i < 2; i++) {
            assertFresh(V1, "gdn", client.evaluate(CONTEXT));
        }
        TestNode.waitFor("the breaker open", () -> client.status().endpoints().get(0).breakerState().equals("OPEN"));

        a.resetAll();
        serve(a, V1, "cdn-edge-1");
        Thread.sleep(openFor.toMillis() + 100);
        // The probe and the next tier race; whichever answers, the healed tier answered within its hedge delay.
        Evaluations probed = client.evaluate(CONTEXT);
        assertEquals(Evaluations.Freshness.FRESH, probed.freshness());
        assertEquals("CLOSED", probeVerdict(client), () -> String.valueOf(client.status()));
        double gdnTurns = turns(registry, "gdn");
        for (int i = 0; i < 3; i++) {
            assertFresh(V1, "belt-cdn", client.evaluate(CONTEXT));
        }
        assertEquals(gdnTurns, turns(registry, "gdn"), "traffic is back on the first tier: the second is no longer asked");
    }

    // --- metrics ---

    @Test
    void theClientReportsAnswersAttemptsFailoversAndBreakersToTheApplicationsRegistry() throws Exception {
        client(LENIENT, beltCdn(), gdn(), classic()).evaluate(CONTEXT); // warms the tiers up: this test counts exactly
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        GdnClient client = client(builder(new FailoverPolicy.BreakerSettings(50, 4, 4, Duration.ofSeconds(30)), beltCdn(), gdn(), classic())
                .meterRegistry(registry));
        String aUrl = "http://127.0.0.1:" + a.port();
        assertFresh(V1, "belt-cdn", client.evaluate(CONTEXT));
        assertEquals(1, registry.get("gdn.client.evaluations").tags("tier", "belt-cdn", "freshness", "fresh").timer().count());
        assertEquals(1, registry.get("gdn.client.attempts").tags("tier", "belt-cdn", "endpoint", aUrl, "outcome", "answered")
                .counter().count());
        assertEquals(1, registry.get("gdn.client.ruleset.version").gauge().value());
        assertEquals(1, registry.get("gdn.client.data.fresh").gauge().value());
        assertEquals(1, registry.get("gdn.client.breaker.state").tags("tier", "belt-cdn", "state", "closed").gauge().value());

        // The first tier hangs: it goes its hedge delay without an answer three times (with the first call's
        // success, 3 failures of 4 calls: over 50 %), its breaker opens, and then it is skipped. (Classic,
        // asked with gdn by the first call's hedge, answers seconds later than gdn: gdn serves every call.)
        a.stubFor(any(anyUrl()).atPriority(1).willReturn(ok(V1, CONTEXT, "cdn-edge-1").withFixedDelay(HANG_MS)));
        c.stubFor(any(anyUrl()).atPriority(1).willReturn(ok(V1, CONTEXT, "classic").withFixedDelay(10_000)));
        for (int i = 0; i < 3; i++) {
            assertFresh(V1, "gdn", client.evaluate(CONTEXT));
        }
        // (after the first call the tier is suspect, asked alongside gdn and judged at its hedge delay after the call)
        TestNode.waitFor("three overdue verdicts", () -> registry.find("gdn.client.attempts")
                .tags("tier", "belt-cdn", "outcome", "overdue").counters().stream().mapToDouble(Counter::count).sum() >= 3);
        for (int i = 0; i < 3; i++) {
            assertFresh(V1, "gdn", client.evaluate(CONTEXT));
        }
        assertEquals(3, registry.get("gdn.client.attempts").tags("tier", "belt-cdn", "outcome", "overdue").counter().count());
        assertEquals(3, registry.get("gdn.client.attempts").tags("tier", "belt-cdn", "outcome", "skipped_open").counter().count());
        assertEquals(6, registry.get("gdn.client.failovers").tags("tier", "gdn").counter().count());
        assertEquals(6, registry.get("gdn.client.evaluations").tags("tier", "gdn", "freshness", "fresh").timer().count());
        assertEquals(1, registry.get("gdn.client.breaker.state").tags("tier", "belt-cdn", "state", "open").gauge().value());
        assertEquals(0, registry.get("gdn.client.breaker.state").tags("tier", "belt-cdn", "state", "closed").gauge().value());
        assertEquals(75, registry.get("gdn.client.breaker.failure.rate").tags("tier", "belt-cdn").gauge().value());

        // Every tier down: the last good answer, stale.
        for (WireMockServer s : List.of(b, c)) {
            fail(s, aResponse().withStatus(503));
        }
        assertEquals(Evaluations.Freshness.STALE, client.evaluate(CONTEXT).freshness());
        assertEquals(1, registry.get("gdn.client.evaluations").tags("tier", "last-known-good", "freshness", "stale").timer().count());
        assertEquals(0, registry.get("gdn.client.data.fresh").gauge().value());
        assertTrue(registry.get("gdn.client.data.age").gauge().value() >= 0);
        assertEquals(1, registry.get("gdn.client.attempts").tags("tier", "classic", "outcome", "failed").counter().count());
    }

    // --- last-known-good ---

    @Test
    void whenEveryTierDiesTheLastGoodAnswerIsServedStale() {
        GdnClient client = client(LENIENT, beltCdn(), gdn(), classic());
        Evaluations good = client.evaluate(CONTEXT);
        assertFresh(V1, "belt-cdn", good);
        for (WireMockServer s : List.of(a, b, c)) {
            fail(s, aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
        }
        Evaluations stale = client.evaluate(CONTEXT);
        assertEquals(Evaluations.Freshness.STALE, stale.freshness());
        assertEquals("last-known-good", stale.tier());
        assertEquals(expected(V1, CONTEXT), actual(stale));
        assertEquals(1, stale.version());
        assertEquals(good.receivedAt(), stale.receivedAt(), "when it was last fresh");
        assertNotNull(stale.error());
        assertTrue(stale.error().contains("belt-cdn") && stale.error().contains("gdn") && stale.error().contains("classic"),
                stale.error());

        Evaluations never = client.evaluate(OTHER_CONTEXT);
        assertEquals(Evaluations.Freshness.NONE, never.freshness());
        assertTrue(never.flags().isEmpty());
        assertNull(never.tier());
        assertNotNull(never.error());
    }

    @Test
    void whenEveryTierHangsTheDeadlineServesLastKnownGood() {
        // Long enough for the first call's healthy answer on a loaded machine; far shorter than the tiers' timeouts (20 s).
        Duration deadline = Duration.ofSeconds(3);
        GdnClient client = client(builder(LENIENT, beltCdn(), gdn(), classic()).deadline(deadline));
        assertFresh(V1, "belt-cdn", client.evaluate(CONTEXT));
        for (WireMockServer s : List.of(a, b, c)) {
            s.stubFor(any(anyUrl()).atPriority(1).willReturn(ok(V1, CONTEXT, "x").withFixedDelay(HANG_MS)));
        }
        Timed t = timed(client, CONTEXT);
        assertEquals(Evaluations.Freshness.STALE, t.answer().freshness());
        assertEquals(expected(V1, CONTEXT), actual(t.answer()));
        assertTrue(t.answer().error().contains("within " + deadline.toMillis() + " ms"), t.answer().error());
        assertTrue(t.millis() >= deadline.toMillis() - 5 && t.millis() < deadline.toMillis() + LOADED_SLACK.toMillis(),
                "at the deadline, not a tier's timeout (20 s): took " + t.millis() + " ms");
        Timed none = timed(client, OTHER_CONTEXT);
        assertEquals(Evaluations.Freshness.NONE, none.answer().freshness());
    }

    // --- session pinning ---

    @Test
    void aSessionNeverStepsBackwardsWhenALaggingTierAnswersAnOlderVersion() {
        serve(b, V2, "iad/n1");
        serve(c, V1, "classic"); // lagging: has not got version 2
        GdnClient client = client(LENIENT, gdn(), classic());
        Evaluations first = client.evaluate(CONTEXT);
        assertFresh(V2, "gdn", first);
        assertEquals(2, client.status().pinnedVersion());

        fail(b, aResponse().withStatus(503));
        Evaluations fromLagging = client.evaluate(CONTEXT);
        assertEquals("2", requests(c).get(0).getHeader("GDN-Ruleset-Version"), "the lagging tier was asked for the pinned version");
        assertEquals(Evaluations.Freshness.FRESH, fromLagging.freshness());
        assertEquals(2, fromLagging.version(), "never back to version 1");
        assertEquals(expected(V2, CONTEXT), actual(fromLagging));
        assertEquals(2, client.status().pinnedVersion());
        assertFalse(expected(V1, CONTEXT).equals(expected(V2, CONTEXT)), "the versions answer differently");

        // A newer version moves the session forward.
        CompiledRuleset v3 = TestFlags.ruleset(TestFlags.FLAGS_V2.replace("Hello", "Hi there"), 3);
        serve(c, v3, "classic");
        Evaluations newer = client.evaluate(CONTEXT);
        assertEquals(3, newer.version());
        assertEquals(expected(v3, CONTEXT), actual(newer));
        assertEquals(3, client.status().pinnedVersion());

        // A new session takes whatever the first answer is.
        client.newSession();
        b.resetAll();
        serve(b, V1, "iad/n1");
        Evaluations newSession = client.evaluate(OTHER_CONTEXT);
        assertEquals(1, newSession.version());
        assertEquals(1, client.status().pinnedVersion());
    }
}
