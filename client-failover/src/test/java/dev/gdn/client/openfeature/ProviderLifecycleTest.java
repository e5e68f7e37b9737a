package dev.gdn.client.openfeature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.gdn.client.Evaluations;
import dev.gdn.client.GdnClient;
import dev.gdn.client.ServingStatus;
import dev.gdn.client.TestNode;
import dev.gdn.client.Tier;
import dev.gdn.client.TierKind;
import dev.gdn.client.local.LocalRulesets;
import dev.gdn.ruleset.envelope.Envelopes;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EventDetails;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.NoOpProvider;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderState;
import dev.openfeature.sdk.Value;
import dev.openfeature.sdk.exceptions.OpenFeatureError;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local mode end to end (download, verification, refresh, disk cache), remote STALE / ERROR, server
 * error codes, initialization timeouts and shutdown, all through the OpenFeature SDK and real servers
 * on 127.0.0.1.
 */
class ProviderLifecycleTest {
    @TempDir
    Path dir;
    private final OpenFeatureAPI api = OpenFeatureAPI.getInstance();
    private final List<AutoCloseable> cleanup = new java.util.ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : cleanup) {
            c.close();
        }
    }

    private String domain() {
        return "lifecycle-" + UUID.randomUUID();
    }

    private Client register(String domain, GdnProvider provider) {
        api.setProviderAndWait(domain, provider);
        cleanup.add(() -> api.setProviderAndWait(domain, new NoOpProvider()));
        return api.getClient(domain);
    }

    private static GdnClient.Builder local(TestNode node, Path cache, Duration refresh, String... urls) {
        GdnClient.Builder b = GdnClient.builder().localEvaluation(TestNode.SERVER_KEY, node.trusted, cache, refresh);
        for (int i = 0; i < urls.length; i++) {
            b.tier(Tier.of("gdn-" + i, TierKind.GDN, urls[i]).withTimeout(Duration.ofSeconds(1)));
        }
        return b;
    }

    private TestNode node(long version, String flags) throws Exception {
        TestNode n = new TestNode(dir.resolve("node-" + UUID.randomUUID())).publish(flags, version).start();
        cleanup.add(n);
        return n;
    }

    private HttpServer server(String path, com.sun.net.httpserver.HttpHandler handler) throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext(path, handler);
        s.start();
        cleanup.add(() -> s.stop(0));
        return s;
    }

    private static String url(HttpServer s) {
        return "http://127.0.0.1:" + s.getAddress().getPort();
    }

    private static <T> T poll(BlockingQueue<T> q, String what) throws InterruptedException {
        T t = q.poll(20, TimeUnit.SECONDS);
        assertNotNull(t, "no " + what + " within 20 s");
        return t;
    }

    // ---------------------------------------------------------------- local mode

    @Test
    void localDownloadsVerifiesPersistsAndRefreshesInTheBackground() throws Exception {
        TestNode node = node(1, Flags.file("v1 greeting"));
        Path cache = dir.resolve("cache");
        Client c = register(domain(), new GdnProvider(local(node, cache, Duration.ofMillis(200), node.url()).build()));
        BlockingQueue<EventDetails> changed = new LinkedBlockingQueue<>();
        c.onProviderConfigurationChanged(changed::add);
        ImmutableContext ent = new ImmutableContext("u", Map.of("plan", new Value("enterprise")));
        assertEquals("v1 greeting", c.getStringValue("banner", "x", ent));

        // The last good envelope is on disk, and verifies.
        byte[] onDisk = Files.readAllBytes(cache.resolve(LocalRulesets.CACHE_FILE));
        assertEquals(1, Envelopes.verifyRuleset(onDisk, node.trusted).getVersion());

        // A new version: the node picks it up from the store, the client's background refresh from the node.
        node.publish(Flags.file("v2 greeting"), 2);
        EventDetails ev = poll(changed, "CONFIGURATION_CHANGED");
        assertEquals(List.of("banner"), ev.getFlagsChanged(), String.valueOf(ev));
        assertEquals(2L, ev.getEventMetadata().getLong("rulesetVersion"));
        assertEquals("v2 greeting", c.getStringValue("banner", "x", ent));
        assertEquals(2, Envelopes.verifyRuleset(Files.readAllBytes(cache.resolve(LocalRulesets.CACHE_FILE)), node.trusted).getVersion());
        GdnProvider p = (GdnProvider) api.getProvider(c.getMetadata().getDomain());
        assertEquals(2, p.status().version());
        assertEquals(Evaluations.Freshness.FRESH, p.status().freshness());
        // Unchanged since: the refreshes are 304s (no new event).
        Thread.sleep(600);
        assertTrue(changed.isEmpty(), () -> "unexpected events " + changed);
    }

    @Test
    void tamperedEnvelopeIsRejectedAndTheNextTierServes() throws Exception {
        TestNode node = node(1, Flags.FLAGS);
        byte[] good = node.envelope(Flags.FLAGS, 5);
        byte[] tampered = good.clone();
        // Flip one byte inside the payload: hash (and signature) no longer match.
        tampered[tampered.length / 2] ^= 0x01;
        AtomicInteger hits = new AtomicInteger();
        HttpServer evil = server("/gdn/v1/ruleset", ex -> {
            hits.incrementAndGet();
            ex.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            ex.getResponseHeaders().add("ETag", "\"prod-5\"");
            ex.sendResponseHeaders(200, tampered.length);
            ex.getResponseBody().write(tampered);
            ex.close();
        });
        Path cache = dir.resolve("cache");
        // Only the tampering tier: nothing is accepted, nothing is written, initialize fails.
        GdnClient onlyEvil = local(node, cache, Duration.ofSeconds(30), url(evil)).build();
        String d1 = domain();
        assertThrows(OpenFeatureError.class, () -> api.setProviderAndWait(d1, new GdnProvider(onlyEvil, Duration.ofMillis(800))));
        cleanup.add(() -> api.setProviderAndWait(d1, new NoOpProvider()));
        assertEquals(ProviderState.ERROR, api.getClient(d1).getProviderState());
        assertTrue(onlyEvil.servingStatus().lastError().contains("does not verify"), onlyEvil.servingStatus().lastError());
        assertFalse(Files.exists(cache.resolve(LocalRulesets.CACHE_FILE)));
        assertTrue(hits.get() > 0);

        // The tampering tier first, then the real node: the node's version 1 is in use, not the forged 5.
        Client c = register(domain(), new GdnProvider(local(node, cache, Duration.ofSeconds(30), url(evil), node.url()).build()));
        assertEquals(true, c.getBooleanValue("static-bool", false, new ImmutableContext("u")));
        GdnProvider p = (GdnProvider) api.getProvider(c.getMetadata().getDomain());
        assertEquals(1, p.status().version());
        assertEquals("gdn-1", p.status().tier());

        // A tampered disk cache is not served either.
        Files.write(cache.resolve(LocalRulesets.CACHE_FILE), tampered);
        GdnClient fromBadDisk = local(node, cache, Duration.ofSeconds(30), TestNode.deadUrl()).build();
        String d2 = domain();
        assertThrows(OpenFeatureError.class, () -> api.setProviderAndWait(d2, new GdnProvider(fromBadDisk, Duration.ofMillis(800))));
        cleanup.add(() -> api.setProviderAndWait(d2, new NoOpProvider()));
        assertEquals(0, fromBadDisk.servingStatus().version());
    }

    @Test
    void neverGoesBackToALowerVersion() throws Exception {
        TestNode node = node(1, Flags.FLAGS);
        byte[] v3 = node.envelope(Flags.file("three"), 3);
        byte[] v2 = node.envelope(Flags.file("two"), 2);
        AtomicInteger calls = new AtomicInteger();
        HttpServer lagging = server("/gdn/v1/ruleset", ex -> {
            byte[] body = calls.incrementAndGet() == 1 ? v3 : v2; // then a lagging node answers with an older version
            ex.getResponseHeaders().add("ETag", "\"prod-" + (body == v3 ? 3 : 2) + "\"");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        try (GdnClient client = local(node, null, Duration.ofSeconds(30), url(lagging)).build()) {
            assertTrue(client.localRulesets().awaitRuleset(Duration.ofSeconds(10)));
            assertEquals(3, client.localRulesets().current().version());
            client.localRulesets().refreshNow().get(10, TimeUnit.SECONDS);
            assertEquals(2, calls.get());
            assertEquals(3, client.localRulesets().current().version(), "a lower version must not replace a higher one");
            assertTrue(client.localRulesets().isFresh());
        }
    }

    @Test
    void coldStartFromDiskWithEveryTierDown() throws Exception {
        TestNode node = node(4, Flags.file("from disk"));
        Path cache = dir.resolve("cache");
        try (GdnClient first = local(node, cache, Duration.ofSeconds(30), node.url()).build()) {
            assertTrue(first.localRulesets().awaitRuleset(Duration.ofSeconds(10)));
        }
        String nodeUrl = node.url();
        node.stopNode();

        // Every tier down: the node's port (now closed) and another dead one.
        GdnClient cold = local(node, cache, Duration.ofSeconds(30), nodeUrl, TestNode.deadUrl()).build();
        Client c = register(domain(), new GdnProvider(cold, Duration.ofSeconds(10)));
        BlockingQueue<EventDetails> stale = new LinkedBlockingQueue<>();
        c.onProviderStale(stale::add);
        assertEquals(ProviderState.READY, c.getProviderState());

        FlagEvaluationDetails<String> d = c.getStringDetails("banner", "x", new ImmutableContext("u", Map.of("plan", new Value("enterprise"))));
        assertEquals("from disk", d.getValue());
        assertEquals("welcome", d.getVariant());
        assertEquals("STALE", d.getReason());
        assertEquals(null, d.getErrorCode());
        // Errors stay errors, stale or not.
        assertEquals(ErrorCode.FLAG_NOT_FOUND, c.getBooleanDetails("nope", false, new ImmutableContext("u")).getErrorCode());
        poll(stale, "PROVIDER_STALE");
        assertEquals(ProviderState.STALE, c.getProviderState());

        ServingStatus st = ((GdnProvider) api.getProvider(c.getMetadata().getDomain())).status();
        assertEquals(LocalRulesets.DISK_TIER, st.tier());
        assertEquals(4, st.version());
        assertEquals(Evaluations.Freshness.STALE, st.freshness());
        assertNotNull(st.lastError());
        assertTrue(st.endpoints().size() == 2);
    }

    @Test
    void localServerKeyRejectedFailsInitializationFast() throws Exception {
        TestNode node = node(1, Flags.FLAGS);
        GdnClient wrongKey = GdnClient.builder().localEvaluation("gdn_server_wrong", node.trusted, null, Duration.ofSeconds(30))
                .tier(Tier.of("gdn", TierKind.GDN, node.url())).build();
        String d = domain();
        long t0 = System.nanoTime();
        OpenFeatureError e = assertThrows(OpenFeatureError.class, () -> api.setProviderAndWait(d, new GdnProvider(wrongKey, Duration.ofSeconds(20))));
        cleanup.add(() -> api.setProviderAndWait(d, new NoOpProvider()));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10), "a rejected key must not wait for the timeout");
        assertTrue(e.getMessage().contains("rejected"), e.getMessage());
        assertEquals(ProviderState.ERROR, api.getClient(d).getProviderState());
    }

    @Test
    void localModeNeverSendsTheServerKeyToACdn() throws Exception {
        TestNode node = node(1, Flags.FLAGS);
        AtomicInteger cdnHits = new AtomicInteger();
        HttpServer cdn = server("/", ex -> {
            cdnHits.incrementAndGet();
            ex.sendResponseHeaders(500, -1);
            ex.close();
        });
        try (GdnClient client = GdnClient.builder().localEvaluation(TestNode.SERVER_KEY, node.trusted, null, Duration.ofMillis(100))
                .tier(Tier.of("cdn", TierKind.CDN, url(cdn))).tier(Tier.of("gdn", TierKind.GDN, node.url())).build()) {
            assertTrue(client.localRulesets().awaitRuleset(Duration.ofSeconds(10)));
            Thread.sleep(400); // a few background refreshes
        }
        assertEquals(0, cdnHits.get());
        assertThrows(IllegalStateException.class, () -> GdnClient.builder()
                .localEvaluation(TestNode.SERVER_KEY, node.trusted, null, Duration.ofSeconds(1))
                .tier(Tier.of("cdn", TierKind.CDN, url(cdn))).build());
    }

    // ---------------------------------------------------------------- remote mode

    @Test
    void remoteServesStaleFromLastKnownGoodThenErrorWithNothingCached() throws Exception {
        TestNode node = node(1, Flags.FLAGS);
        GdnClient client = GdnClient.builder().clientKey(TestNode.CLIENT_KEY).remoteAnswerTtl(Duration.ZERO)
                .deadline(Duration.ofSeconds(1)).tier(Tier.of("gdn", TierKind.GDN, node.url())).build();
        Client c = register(domain(), new GdnProvider(client));
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        c.onProviderStale(e -> events.add("STALE"));
        c.onProviderError(e -> events.add("ERROR"));
        c.onProviderReady(e -> events.add("READY"));
        ImmutableContext known = new ImmutableContext("u1", Map.of("plan", new Value("enterprise")));
        assertEquals("Welcome back!", c.getStringValue("banner", "x", known));
        events.clear();

        node.stopNode();
        FlagEvaluationDetails<String> stale = c.getStringDetails("banner", "x", known);
        assertEquals("Welcome back!", stale.getValue());
        assertEquals("welcome", stale.getVariant());
        assertEquals("STALE", stale.getReason());
        assertEquals(null, stale.getErrorCode());
        assertEquals("STALE", poll(events, "STALE event"));
        assertEquals(ProviderState.STALE, c.getProviderState());
        GdnProvider p = (GdnProvider) api.getProvider(c.getMetadata().getDomain());
        assertEquals("last-known-good", p.status().tier());
        assertEquals(Evaluations.Freshness.STALE, p.status().freshness());

        // A context never answered before: nothing cached → the caller's default, reason ERROR.
        FlagEvaluationDetails<String> none = c.getStringDetails("banner", "caller default", new ImmutableContext("u2"));
        assertEquals("caller default", none.getValue());
        assertEquals("ERROR", none.getReason());
        assertEquals(ErrorCode.GENERAL, none.getErrorCode());
        assertEquals("ERROR", poll(events, "ERROR event"));
        assertEquals(ProviderState.ERROR, c.getProviderState());
    }

    @Test
    void serverErrorCodesMapToOpenFeature() throws Exception {
        String body = """
                {"flags":[
                  {"key":"broken","reason":"ERROR","errorCode":"PARSE_ERROR","errorDetails":"targeting rule failed: boom"},
                  {"key":"needs-key","reason":"ERROR","errorCode":"TARGETING_KEY_MISSING","errorDetails":"no targetingKey"},
                  {"key":"bad-ctx","reason":"ERROR","errorCode":"INVALID_CONTEXT","errorDetails":"bad"},
                  {"key":"future","reason":"ERROR","errorCode":"SOMETHING_NEW","errorDetails":"?"},
                  {"key":"ok","value":"yes","variant":"y","reason":"SPLIT","metadata":{"n":2.5}}
                ],"metadata":{"rulesetVersion":7}}
                """;
        HttpServer ofrep = server("/ofrep/v1/evaluate/flags", ex -> {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.getResponseHeaders().add("GDN-Ruleset-Version", "7");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        Client c = register(domain(), new GdnProvider(GdnClient.builder().clientKey("k")
                .tier(Tier.of("gdn", TierKind.GDN, url(ofrep))).build()));
        ImmutableContext ctx = new ImmutableContext("u");
        FlagEvaluationDetails<String> broken = c.getStringDetails("broken", "d", ctx);
        assertEquals(ErrorCode.PARSE_ERROR, broken.getErrorCode());
        assertEquals("targeting rule failed: boom", broken.getErrorMessage());
        assertEquals("d", broken.getValue());
        assertEquals("ERROR", broken.getReason());
        assertEquals(ErrorCode.TARGETING_KEY_MISSING, c.getStringDetails("needs-key", "d", ctx).getErrorCode());
        assertEquals(ErrorCode.INVALID_CONTEXT, c.getStringDetails("bad-ctx", "d", ctx).getErrorCode());
        assertEquals(ErrorCode.GENERAL, c.getStringDetails("future", "d", ctx).getErrorCode());
        FlagEvaluationDetails<String> ok = c.getStringDetails("ok", "d", ctx);
        assertEquals("yes", ok.getValue());
        assertEquals("SPLIT", ok.getReason(), "a server's reason passes through");
        assertEquals(2.5, ok.getFlagMetadata().getDouble("n"));
    }

    // ---------------------------------------------------------------- initialization and shutdown

    @Test
    void initializeTimesOutIntoErrorInBothModes() throws Exception {
        TestNode node = node(1, Flags.FLAGS);
        String dead = TestNode.deadUrl();
        for (GdnClient client : List.of(
                GdnClient.builder().clientKey(TestNode.CLIENT_KEY).tier(Tier.of("gdn", TierKind.GDN, dead)).build(),
                local(node, dir.resolve("empty-cache"), Duration.ofSeconds(30), dead).build())) {
            String d = domain();
            BlockingQueue<EventDetails> errors = new LinkedBlockingQueue<>();
            api.getClient(d).onProviderError(errors::add);
            long t0 = System.nanoTime();
            assertThrows(OpenFeatureError.class, () -> api.setProviderAndWait(d, new GdnProvider(client, Duration.ofMillis(700))));
            cleanup.add(() -> api.setProviderAndWait(d, new NoOpProvider()));
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(took >= 600 && took < 5_000, "initialize waited " + took + " ms");
            Client c = api.getClient(d);
            assertEquals(ProviderState.ERROR, c.getProviderState());
            poll(errors, "PROVIDER_ERROR");
            FlagEvaluationDetails<Boolean> e = c.getBooleanDetails("static-bool", false, new ImmutableContext("u"));
            assertEquals(false, e.getValue());
            assertEquals("ERROR", e.getReason());
            assertEquals(ErrorCode.GENERAL, e.getErrorCode());
        }
    }

    @Test
    void shutdownLeavesNoClientThreads() throws Exception {
        TestNode node = node(1, Flags.FLAGS);
        Supplier<Set<Thread>> clientThreads = () -> Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("gdn-client-") && t.isAlive()).collect(Collectors.toSet());
        Set<Thread> before = clientThreads.get();
        String remoteDomain = domain();
        String localDomain = domain();
        api.setProviderAndWait(remoteDomain, new GdnProvider(GdnClient.builder().clientKey(TestNode.CLIENT_KEY)
                .tier(Tier.of("gdn", TierKind.GDN, node.url())).build()));
        api.setProviderAndWait(localDomain, new GdnProvider(local(node, dir.resolve("c"), Duration.ofMillis(100), node.url()).build()));
        assertEquals(true, api.getClient(remoteDomain).getBooleanValue("static-bool", false, new ImmutableContext("u")));
        assertEquals(true, api.getClient(localDomain).getBooleanValue("static-bool", false, new ImmutableContext("u")));
        Set<Thread> during = clientThreads.get();
        during.removeAll(before);
        assertTrue(during.stream().anyMatch(t -> t.getName().equals("gdn-client-refresh")), String.valueOf(during));

        // Replacing the providers makes the SDK shut them down.
        api.setProviderAndWait(remoteDomain, new NoOpProvider());
        api.setProviderAndWait(localDomain, new NoOpProvider());
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        Set<Thread> left;
        do {
            Thread.sleep(50);
            left = clientThreads.get();
            left.removeAll(before);
        } while (!left.isEmpty() && System.nanoTime() < end);
        Set<Thread> remaining = left;
        assertTrue(remaining.isEmpty(), () -> "threads left after shutdown: " + remaining);
    }
}
