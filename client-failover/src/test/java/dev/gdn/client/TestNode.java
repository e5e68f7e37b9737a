package dev.gdn.client;

import dev.gdn.node.GdnNode;
import dev.gdn.node.NodeConfig;
import dev.gdn.node.http.CdnPolicy;
import dev.gdn.ruleset.apikey.ApiKeys;
import dev.gdn.ruleset.compile.FlagdCompiler;
import dev.gdn.ruleset.envelope.Envelopes;
import dev.gdn.ruleset.envelope.SigningKey;
import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.ruleset.proto.ApiKeyKind;
import dev.gdn.ruleset.proto.Ruleset;
import dev.gdn.sync.publish.Publisher;
import dev.gdn.sync.publish.WritePolicy;
import dev.gdn.sync.store.ObjectStores;
import dev.gdn.sync.store.StoreOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * A real GDN node on 127.0.0.1 in store mode, over a file store that this fixture publishes signed
 * rulesets to (as `gdn publish` would), so both the OFREP routes and the signed ruleset download work.
 */
public final class TestNode implements AutoCloseable {
    public static final String ENV = "prod";
    public static final String CLIENT_KEY = "gdn_client_provider_test";
    public static final String SERVER_KEY = "gdn_server_provider_test";

    public final SigningKey signingKey = SigningKey.generate();
    public final TrustedKeys trusted = TrustedKeys.of(signingKey.publicKey());
    private final Path store;
    private final Path trustFile;
    private final Publisher publisher;
    private GdnNode node;

    public TestNode(Path dir) throws Exception {
        store = Files.createDirectories(dir.resolve("store"));
        trustFile = dir.resolve("trust.pub");
        Files.writeString(trustFile, signingKey.publicKeyPem());
        publisher = new Publisher(List.of(ObjectStores.open(store.toUri().toString(), StoreOptions.DEFAULT)), signingKey,
                TrustedKeys.of(), WritePolicy.DEFAULT, Clock.systemUTC(), new SimpleMeterRegistry());
    }

    public static Ruleset ruleset(String flags, long version) throws Exception {
        return FlagdCompiler.compile(flags).toRuleset(ENV, version, System.currentTimeMillis(),
                List.of(ApiKeys.hashOf(CLIENT_KEY, ApiKeyKind.CLIENT, "client"), ApiKeys.hashOf(SERVER_KEY, ApiKeyKind.SERVER, "server")));
    }

    /** The signed envelope bytes of a ruleset, as the node would serve them. */
    public byte[] envelope(String flags, long version) throws Exception {
        return Envelopes.sign(ruleset(flags, version), signingKey).toByteArray();
    }

    public TestNode publish(String flags, long version) throws Exception {
        var result = publisher.publish(ruleset(flags, version));
        if (!result.allStored()) {
            throw new IllegalStateException(String.valueOf(result));
        }
        return this;
    }

    public TestNode start() throws Exception {
        node = GdnNode.start(new NodeConfig("127.0.0.1", 0, "test", "n1", List.of(store.toUri().toString()), List.of(trustFile),
                Set.of(), null, null, null, null, Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofMillis(50),
                CdnPolicy.DEFAULT));
        return this;
    }

    public String url() {
        return "http://127.0.0.1:" + node.port();
    }

    /** The version the node serves now (0 before any). */
    public long servedVersion() {
        return node.registry().current(ENV).map(r -> r.version()).orElse(0L);
    }

    /** A URL on 127.0.0.1 where nothing listens. */
    public static String deadUrl() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + s.getLocalPort();
        }
    }

    public void stopNode() {
        if (node != null) {
            node.close();
            node = null;
        }
    }

    @Override
    public void close() {
        stopNode();
        publisher.close();
    }

    /** Waits until the condition holds, failing after 20 s. */
    public static void waitFor(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 20 s: " + what);
            }
            Thread.sleep(20);
        }
    }
}
