package dev.gdn.regions.cdn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.node.GdnNode;
import dev.gdn.node.NodeConfig;
import dev.gdn.node.http.CdnPolicy;
import dev.gdn.ruleset.apikey.ApiKeys;
import dev.gdn.ruleset.compile.FlagdCompiler;
import dev.gdn.ruleset.envelope.SigningKey;
import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.ruleset.proto.ApiKeyKind;
import dev.gdn.ruleset.proto.Ruleset;
import dev.gdn.sync.publish.Publisher;
import dev.gdn.sync.publish.WritePolicy;
import dev.gdn.sync.store.ObjectStore;
import dev.gdn.sync.store.file.FileObjectStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Real GDN nodes (in-process, on loopback) over file stores, and real varnishd POPs in front of them.
 * Its directory is world-searchable (varnishd reads its VCL as user varnish). Closing it stops every
 * node and POP it started and deletes the directory.
 */
final class CdnFixture implements AutoCloseable {
    static final String ENV = "prod";
    static final Duration WAIT = Duration.ofSeconds(15);

    final Path root;
    final SigningKey signingKey = SigningKey.generate();
    final String clientKey = ApiKeys.newSecret(ApiKeyKind.CLIENT);
    final String serverKey = ApiKeys.newSecret(ApiKeyKind.SERVER);
    private HttpClient http = client();
    private final Path trustFile;
    private final List<GdnNode> nodes = new ArrayList<>();
    private final List<VarnishPop> pops = new ArrayList<>();

    CdnFixture() throws IOException {
        root = Files.createTempDirectory("gdn-cdn-test-");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        trustFile = root.resolve("trusted.pem");
        Files.writeString(trustFile, signingKey.publicKeyPem());
    }

    // ------------------------------------------------------------ rulesets and stores

    /** {@code answer} names the version, so a response shows which version answered. */
    static String flags(long version) {
        return """
                {"flags": {
                  "answer": {"state": "ENABLED", "variants": {"v": "version-%d"}, "defaultVariant": "v"},
                  "pro":    {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                             "targeting": {"if": [{"==": [{"var": "plan"}, "pro"]}, "on", null]}}
                }}
                """.formatted(version);
    }

    Path store(String name) throws IOException {
        return Files.createDirectories(root.resolve("stores").resolve(name));
    }

    void publish(long version, Path... storeDirs) throws Exception {
        Ruleset r = FlagdCompiler.compile(flags(version)).toRuleset(ENV, version, System.currentTimeMillis(),
                List.of(ApiKeys.hashOf(clientKey, ApiKeyKind.CLIENT, "client"), ApiKeys.hashOf(serverKey, ApiKeyKind.SERVER, "server")));
        List<ObjectStore> stores = new ArrayList<>();
        for (Path d : storeDirs) {
            stores.add(FileObjectStore.open(d));
        }
        try (Publisher p = new Publisher(stores, signingKey, TrustedKeys.of(), WritePolicy.DEFAULT, Clock.systemUTC(),
                new SimpleMeterRegistry())) {
            assertTrue(p.publish(r).allStored(), "publish v" + version);
        } finally {
            stores.forEach(ObjectStore::close);
        }
    }

    // ------------------------------------------------------------ servers

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A store-mode node on 127.0.0.1:port that purges {@code purge} after each swap. */
    GdnNode startNode(String region, int port, List<Path> storeDirs, CdnPolicy cdn, List<URI> purge) throws Exception {
        GdnNode node = GdnNode.start(new NodeConfig("127.0.0.1", port, region, "n1",
                storeDirs.stream().map(d -> d.toUri().toString()).toList(), List.of(trustFile), Set.of(), null, null, null, null,
                Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofMillis(100), cdn, purge, null));
        nodes.add(node);
        return node;
    }

    void stop(GdnNode node) {
        nodes.remove(node);
        node.close();
    }

    VarnishPop startPop(VarnishPopConfig config) {
        VarnishPop pop = VarnishPop.start(config);
        pops.add(pop);
        return pop;
    }

    Path popDir(String name) {
        return root.resolve("pops").resolve(name);
    }

    @Override
    public void close() throws IOException {
        for (VarnishPop p : pops) {
            p.close();
        }
        for (GdnNode n : nodes) {
            n.close();
        }
        http.close();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    // ------------------------------------------------------------ HTTP

    private static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    }

    /**
     * The POP's counters once the requests sent so far are in them. varnishd adds a connection's requests
     * to its counters when the worker serving it lets go of it, so this first closes the connections.
     */
    CdnStats settledStats(VarnishPop pop, long requests) {
        http.close();
        http = client();
        CdnStats[] stats = new CdnStats[1];
        await("the POP to count " + requests + " requests", () -> (stats[0] = pop.stats()).requests() >= requests);
        return stats[0];
    }

    record Resp(int status, HttpHeaders headers, String body) {
        Optional<String> header(String name) {
            return headers.firstValue(name);
        }

        String xCache() {
            return header("X-Cache").orElse("(none)");
        }

        long version() {
            return header("GDN-Ruleset-Version").map(Long::parseLong).orElse(-1L);
        }

        @Override
        public String toString() {
            return status + " X-Cache=" + xCache() + " v" + version() + " " + header("GDN-Served-By").orElse("") + " " + body;
        }
    }

    /** The CDN GET path of a context (base64url of its JSON, no padding). */
    String cdnPath(String contextJson) {
        return cdnPath(clientKey, contextJson);
    }

    static String cdnPath(String key, String contextJson) {
        return "/gdn/v1/evaluate/" + key + "/"
                + Base64.getUrlEncoder().withoutPadding().encodeToString(contextJson.getBytes(StandardCharsets.UTF_8));
    }

    static URI base(GdnNode node) {
        return URI.create("http://127.0.0.1:" + node.port() + "/");
    }

    Resp get(URI base, String path, String... headers) {
        return send(request(base, path, headers).GET());
    }

    Resp post(URI base, String path, String body, String... headers) {
        return send(request(base, path, headers).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** OFREP bulk evaluation with the client key. */
    Resp bulk(URI base, String contextJson) {
        return post(base, "/ofrep/v1/evaluate/flags", "{\"context\":" + contextJson + "}", "Authorization", "Bearer " + clientKey);
    }

    private static HttpRequest.Builder request(URI base, String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b;
    }

    Resp send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Resp(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + WAIT.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }
}
