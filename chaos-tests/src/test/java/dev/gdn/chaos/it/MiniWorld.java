package dev.gdn.chaos.it;

import dev.gdn.chaos.world.AdminApi;
import dev.gdn.chaos.world.World;
import dev.gdn.chaos.world.WorldFile;
import dev.gdn.classic.ClassicApi;
import dev.gdn.classic.ClassicConfig;
import dev.gdn.classic.db.SyncLedger;
import dev.gdn.classic.sync.SyncDaemon;
import dev.gdn.node.GdnNode;
import dev.gdn.node.NodeConfig;
import dev.gdn.node.http.CdnPolicy;
import dev.gdn.ruleset.envelope.SigningKey;
import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.ruleset.json.JsonReader;
import dev.gdn.ruleset.json.JsonWriter;
import dev.gdn.sync.publish.WritePolicy;
import dev.gdn.sync.store.ObjectStore;
import dev.gdn.sync.store.ObjectStores;
import dev.gdn.sync.store.StoreOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The real servers of a world, in this JVM, before `gdn world` exists: the classic API over an embedded
 * PostgreSQL, a sync daemon signing every version into a directory store, and a GDN node reading that
 * store. Its {@code world.json} points one region's endpoints at them directly (no links, no CDN): the
 * belt CDN entry is the node itself (it serves the CDN GET route), the suspenders CDN entry the classic API.
 */
final class MiniWorld implements AutoCloseable {
    static final String TOKEN = "mini-world-admin";
    static final String ENV = "prod";

    final Path dir;
    final SigningKey key = SigningKey.generate();
    final TrustedKeys trusted = TrustedKeys.of(key.publicKey());
    final ClassicApi classic;
    final ObjectStore store;
    final SyncDaemon sync;
    final Path trustFile;
    final String clientKey;
    final int nodePort;
    GdnNode node;

    MiniWorld(Path dir, String flags) throws Exception {
        this.dir = dir;
        classic = ClassicApi.start(new ClassicConfig("127.0.0.1", 0, null, null, null, dir.resolve("classic"), 0, TOKEN,
                Duration.ofMillis(300), Duration.ofMillis(100), CdnPolicy.DEFAULT));
        post("/admin/v1/environments", "{\"id\":\"" + ENV + "\"}");
        clientKey = (String) post("/admin/v1/environments/" + ENV + "/keys", "{\"kind\":\"client\",\"name\":\"drill\"}").get("secret");
        try (AdminApi admin = admin()) {
            if (admin.uploadFlags(ENV, flags).status() != 201) {
                throw new IllegalStateException("upload failed");
            }
        }
        store = ObjectStores.open(Files.createDirectories(dir.resolve("store")).toUri().toString(), StoreOptions.DEFAULT);
        sync = new SyncDaemon(classic.database(), new SyncLedger(classic.database().dataSource()), List.of(store), key, TrustedKeys.of(),
                new WritePolicy(Duration.ofSeconds(3), 2, Duration.ofMillis(20), Duration.ofMillis(200)),
                Duration.ofMillis(200), Duration.ofSeconds(5), Clock.systemUTC(), new SimpleMeterRegistry());
        sync.start();
        trustFile = dir.resolve("trust.pub");
        Files.writeString(trustFile, key.publicKeyPem());
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            nodePort = s.getLocalPort();
        }
        startNode();
    }

    /** Starts the node on its port (again, after {@link #stopNode}), with its disk cache. */
    void startNode() throws Exception {
        node = GdnNode.start(new NodeConfig("127.0.0.1", nodePort, "ams", "n1", List.of(store.name()), List.of(trustFile), Set.of(),
                dir.resolve("node-cache"), null, null, null, Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofMillis(50),
                CdnPolicy.DEFAULT));
    }

    void stopNode() {
        if (node != null) {
            node.close();
            node = null;
        }
    }

    AdminApi admin() {
        return new AdminApi(new World.Admin(java.net.URI.create(classicUrl()), TOKEN), Duration.ofSeconds(10));
    }

    String classicUrl() {
        return "http://127.0.0.1:" + classic.port();
    }

    String nodeUrl() {
        return "http://127.0.0.1:" + nodePort;
    }

    long nodeVersion() {
        GdnNode n = node;
        return n == null ? 0 : n.registry().current(ENV).map(r -> r.version()).orElse(0L);
    }

    /** Writes world.json for one region whose belt CDN and node are {@code beltAndNode}, and reads it back. */
    World world(String beltAndNode) throws Exception {
        Map<String, Object> region = new LinkedHashMap<>();
        region.put("code", "ams");
        region.put("belt_cdn", beltAndNode);
        region.put("node", beltAndNode);
        region.put("suspenders_cdn", classicUrl());
        region.put("classic", classicUrl());
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("environment", ENV);
        w.put("client_key", clientKey);
        w.put("server_key", "unused");
        w.put("admin", Map.of("url", classicUrl(), "token", TOKEN));
        w.put("regions", List.of(region));
        w.put("stores", List.of(store.name()));
        w.put("pids", Map.of());
        w.put("trust", trustFile.toString());
        Files.writeString(dir.resolve(WorldFile.NAME), JsonWriter.toJson(w));
        return WorldFile.read(dir);
    }

    /** An admin POST the drills themselves never make (the world seeds environments and keys). */
    @SuppressWarnings("unchecked")
    private Map<String, Object> post(String path, String body) throws Exception {
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            java.net.http.HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(classicUrl() + path))
                    .header("Authorization", "Bearer " + TOKEN).POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                throw new IllegalStateException(path + ": " + r.statusCode() + " " + r.body());
            }
            return (Map<String, Object>) JsonReader.standard().read(r.body());
        }
    }

    @Override
    public void close() {
        stopNode();
        sync.close();
        store.close();
        classic.close();
    }
}
