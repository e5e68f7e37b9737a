package dev.gdn.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.node.http.CdnPolicy;
import dev.gdn.ruleset.apikey.ApiKeys;
import dev.gdn.ruleset.compile.FlagdCompiler;
import dev.gdn.ruleset.envelope.Envelopes;
import dev.gdn.ruleset.envelope.SigningKey;
import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.ruleset.json.JsonReader;
import dev.gdn.ruleset.proto.ApiKeyHash;
import dev.gdn.ruleset.proto.ApiKeyKind;
import dev.gdn.ruleset.proto.Ruleset;
import dev.gdn.sync.layout.StoreLayout;
import dev.gdn.sync.publish.PublishResult;
import dev.gdn.sync.publish.Publisher;
import dev.gdn.sync.publish.WritePolicy;
import dev.gdn.sync.store.ObjectStore;
import dev.gdn.sync.store.file.FileObjectStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Everything the node integration tests share: a signing key and its trust file, one client and one
 * server key, file stores, a publisher, nodes started in-process on 127.0.0.1 port 0, and an HTTP
 * client. Close it in {@code @AfterEach}: it stops every node it started.
 */
final class NodeFixture implements AutoCloseable {
    static final String ENV = "prod";
    static final String REGION = "test-region";
    static final Duration POLL = Duration.ofMillis(200);
    static final Duration WAIT = Duration.ofSeconds(8);

    final Path root;
    final SigningKey signingKey = SigningKey.generate();
    final TrustedKeys trusted = TrustedKeys.of(signingKey.publicKey());
    final Path trustFile;
    final String clientKey = ApiKeys.newSecret(ApiKeyKind.CLIENT);
    final String serverKey = ApiKeys.newSecret(ApiKeyKind.SERVER);
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final List<GdnNode> nodes = new ArrayList<>();
    private int nodeCount;

    NodeFixture(Path root) {
        this.root = root;
        try {
            trustFile = root.resolve("trusted.pem");
            Files.writeString(trustFile, signingKey.publicKeyPem());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------ rulesets

    /**
     * The flag set every store-mode test serves. {@code string-flag} names the version so a response
     * shows which version answered; the rest cover every variant type, DISABLED, a targeting result
     * with no default variant, and a targeting result read from the context ({@code dynamic-flag}).
     */
    static String flags(long version) {
        return """
                {
                  "metadata": {"team": "gdn"},
                  "flags": {
                    "bool-flag": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                                  "targeting": {"if": [{"==": [{"var": "plan"}, "pro"]}, "on", null]}},
                    "string-flag": {"state": "ENABLED", "variants": {"v": "version-%d"}, "defaultVariant": "v"},
                    "int-flag": {"state": "ENABLED", "variants": {"small": 10, "big": 42}, "defaultVariant": "big"},
                    "double-flag": {"state": "ENABLED", "variants": {"zero": 0.0, "half": 0.5}, "defaultVariant": "zero",
                                    "targeting": {"if": [{"==": [{"var": "plan"}, "pro"]}, "half", null]}},
                    "object-flag": {"state": "ENABLED", "variants": {"a": {"text": "hi", "n": 1}}, "defaultVariant": "a",
                                    "metadata": {"owner": "web"}},
                    "disabled-flag": {"state": "DISABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on"},
                    "no-default-flag": {"state": "ENABLED", "variants": {"x": "x"},
                                        "targeting": {"if": [{"==": [{"var": "plan"}, "pro"]}, "x", null]}},
                    "dynamic-flag": {"state": "ENABLED", "variants": {"a": "A", "b": "B"}, "defaultVariant": "a",
                                     "targeting": {"var": "pick"}}
                  }
                }
                """.formatted(version);
    }

    List<ApiKeyHash> keys() {
        return List.of(ApiKeys.hashOf(clientKey, ApiKeyKind.CLIENT, "client"), ApiKeys.hashOf(serverKey, ApiKeyKind.SERVER, "server"));
    }

    Ruleset ruleset(long version) {
        return ruleset(version, keys());
    }

    Ruleset ruleset(long version, List<ApiKeyHash> keys) {
        return ruleset(flags(version), version, keys);
    }

    static Ruleset ruleset(String flagFile, long version, List<ApiKeyHash> keys) {
        try {
            return FlagdCompiler.compile(flagFile).toRuleset(ENV, version, System.currentTimeMillis(), keys);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    byte[] artifact(Ruleset r) {
        return Envelopes.sign(r, signingKey).toByteArray();
    }

    // ------------------------------------------------------------ stores

    Path storeDir(String name) {
        Path dir = root.resolve("stores").resolve(name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** The store URI a node is configured with; the store (and its metrics tag) is named {@code dir.toUri()}. */
    static String uri(Path dir) {
        String u = dir.toUri().toString();
        // Path.toUri adds the slash only while the directory exists; tests also name stores they have removed
        return u.endsWith("/") ? u : u + "/";
    }

    /** Publishes to exactly these stores, asserting every one stored it. */
    void publish(Ruleset r, Path... storeDirs) {
        List<ObjectStore> stores = new ArrayList<>();
        for (Path d : storeDirs) {
            stores.add(open(d));
        }
        try (Publisher p = new Publisher(stores, signingKey, TrustedKeys.of(), WritePolicy.DEFAULT, Clock.systemUTC(),
                new SimpleMeterRegistry())) {
            PublishResult result = p.publish(r);
            assertTrue(result.allStored(), "publish v" + r.getVersion() + ": " + result);
        } finally {
            stores.forEach(ObjectStore::close);
        }
    }

    /**
     * Puts a v{@code r.version} into {@code storeDir} whose artifact has one byte flipped while its
     * index names the good bytes' SHA-256. Published to a staging store first and copied in artifact
     * first, index last (atomically), so a polling node never sees the good bytes in this store.
     */
    void publishTampered(Ruleset r, Path storeDir) throws IOException {
        Path staging = root.resolve("staging-" + System.nanoTime());
        publish(r, staging);
        String key = StoreLayout.artifactKey(r.getEnvironmentId(), r.getVersion());
        byte[] bytes = Files.readAllBytes(staging.resolve(key));
        bytes[bytes.length / 2] ^= 0x01;
        Path target = storeDir.resolve(key);
        Files.createDirectories(target.getParent());
        Files.write(target, bytes);
        Path tmpIndex = storeDir.resolve("v1/.index.tmp");
        Files.createDirectories(tmpIndex.getParent());
        Files.copy(staging.resolve(StoreLayout.INDEX_KEY), tmpIndex, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmpIndex, storeDir.resolve(StoreLayout.INDEX_KEY), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    private static ObjectStore open(Path dir) {
        try {
            return FileObjectStore.open(dir);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------ nodes

    NodeConfig storeConfig(List<Path> storeDirs, Path cacheDir, Duration drain) {
        return new NodeConfig("127.0.0.1", 0, REGION, "node-" + (++nodeCount), storeDirs.stream().map(NodeFixture::uri).toList(),
                List.of(trustFile), Set.of(), cacheDir, null, null, null, POLL, Duration.ofSeconds(2), drain, CdnPolicy.DEFAULT);
    }

    GdnNode startStoreNode(List<Path> storeDirs, Path cacheDir) throws Exception {
        return start(storeConfig(storeDirs, cacheDir, Duration.ofMillis(200)));
    }

    GdnNode startFileNode(Path flagsFile, String client, String server) throws Exception {
        return start(new NodeConfig("127.0.0.1", 0, REGION, "node-" + (++nodeCount), List.of(), List.of(), Set.of(), null,
                flagsFile, client, server, POLL, Duration.ofSeconds(2), Duration.ofMillis(200), CdnPolicy.DEFAULT));
    }

    GdnNode start(NodeConfig config) throws Exception {
        GdnNode node = GdnNode.start(config);
        nodes.add(node);
        return node;
    }

    /** Stops a node now (it is not stopped again on close). */
    void stop(GdnNode node) {
        nodes.remove(node);
        node.close();
    }

    /** Forgets a node the test stops itself (e.g. by draining). */
    void forget(GdnNode node) {
        nodes.remove(node);
    }

    @Override
    public void close() {
        for (GdnNode n : nodes) {
            try {
                n.close();
            } catch (RuntimeException e) {
                // keep closing the others
            }
        }
        nodes.clear();
    }

    // ------------------------------------------------------------ HTTP

    record Resp(int status, java.net.http.HttpHeaders headers, byte[] body) {
        Optional<String> header(String name) {
            return headers.firstValue(name);
        }

        String requireHeader(String name) {
            return header(name).orElseThrow(() -> new AssertionError("no " + name + " header in " + headers.map()));
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        Object json() {
            try {
                return new JsonReader(200).read(body);
            } catch (Exception e) {
                throw new AssertionError("not JSON (" + status + "): " + text(), e);
            }
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> jsonObject() {
            Object o = json();
            assertTrue(o instanceof Map, "not a JSON object: " + text());
            return (Map<String, Object>) o;
        }

        @Override
        public String toString() {
            return status + " " + headers.map() + " " + text();
        }
    }

    static String base(GdnNode node) {
        return "http://127.0.0.1:" + node.port();
    }

    Resp send(HttpRequest.Builder b) {
        try {
            HttpResponse<byte[]> r = http.send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Resp(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpRequest.Builder request(GdnNode node, String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base(node) + path));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b;
    }

    Resp get(GdnNode node, String path, String... headers) {
        return send(request(node, path, headers).GET());
    }

    Resp post(GdnNode node, String path, String body, String... headers) {
        return send(request(node, path, headers).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    Resp options(GdnNode node, String path, String... headers) {
        return send(request(node, path, headers).method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    }

    /** OFREP bulk with the client key as a Bearer token. */
    Resp bulk(GdnNode node, String context, String... headers) {
        List<String> h = new ArrayList<>(List.of("Authorization", "Bearer " + clientKey));
        h.addAll(List.of(headers));
        return post(node, "/ofrep/v1/evaluate/flags", "{\"context\":" + context + "}", h.toArray(String[]::new));
    }

    long servedVersion(GdnNode node) {
        Resp r = bulk(node, "{}");
        assertEquals(200, r.status(), r::toString);
        return Long.parseLong(r.requireHeader("GDN-Ruleset-Version"));
    }

    /** Prometheus lines of one metric. */
    List<String> metric(GdnNode node, String name) {
        Resp r = get(node, "/metrics");
        assertEquals(200, r.status());
        return r.text().lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " ")).toList();
    }

    /** Polls until the condition holds, failing after {@link #WAIT}. */
    static void await(String what, BooleanSupplier condition) {
        await(what, WAIT, condition);
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    static <T> T awaitValue(String what, Supplier<T> value, java.util.function.Predicate<T> ok) {
        Object[] last = new Object[1];
        try {
            await(what, () -> {
                T v = value.get();
                last[0] = v;
                return ok.test(v);
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last value: " + last[0], e);
        }
        @SuppressWarnings("unchecked")
        T v = (T) last[0];
        return v;
    }
}
