package dev.gdn.classic;

import dev.gdn.classic.db.EmbeddedDatabase;
import dev.gdn.classic.db.SyncLedger;
import dev.gdn.node.http.CdnPolicy;
import dev.gdn.node.server.ServerLimits;
import dev.gdn.ruleset.json.JsonReader;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** A real embedded PostgreSQL on a fixed free port (so it can be stopped and restarted) and a classic API over it. */
final class ClassicFixture implements AutoCloseable {
    static final String TOKEN = "test-admin-token";
    static final String AUTH = "Bearer " + TOKEN;

    final Path dataDir;
    final int dbPort;
    EmbeddedDatabase db;
    ClassicApi api;

    ClassicFixture(Path dataDir) throws Exception {
        this(dataDir, dev.gdn.node.events.EventStreamConfig.DEFAULT);
    }

    ClassicFixture(Path dataDir, dev.gdn.node.events.EventStreamConfig events) throws Exception {
        this(dataDir, events, ClassicConfig.DEFAULT_LIMITS);
    }

    ClassicFixture(Path dataDir, dev.gdn.node.events.EventStreamConfig events, ServerLimits limits) throws Exception {
        this.dataDir = dataDir;
        this.dbPort = freePort();
        startDatabase();
        api = ClassicApi.start(new ClassicConfig("127.0.0.1", 0, db.jdbcUrl(), null, null, dataDir, 0, TOKEN,
                Duration.ofMillis(500), Duration.ofMillis(200), CdnPolicy.DEFAULT, java.util.List.of(), events, limits));
    }

    void startDatabase() throws Exception {
        db = EmbeddedDatabase.start(dataDir, dbPort);
    }

    void stopDatabase() throws Exception {
        db.close();
    }

    /** The sync daemon's bookkeeping over the classic API's database, as {@code gdn sync} opens it. */
    SyncLedger ledger() {
        return new SyncLedger(api.database().dataSource());
    }

    String url(String path) {
        return "http://127.0.0.1:" + api.port() + path;
    }

    Http.Response admin(String method, String path, String body, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = AUTH;
        System.arraycopy(headers, 0, all, 2, headers.length);
        return Http.send(method, url(path), body, all);
    }

    void createEnvironment(String env) {
        Http.Response r = admin("POST", "/admin/v1/environments", "{\"id\":\"" + env + "\"}");
        if (r.status() != 201) {
            throw new AssertionError(r.body());
        }
    }

    String createKey(String env, String kind) {
        Http.Response r = admin("POST", "/admin/v1/environments/" + env + "/keys", "{\"kind\":\"" + kind + "\"}");
        if (r.status() != 201) {
            throw new AssertionError(r.body());
        }
        return (String) json(r.body()).get("secret");
    }

    long upload(String env, String flags) {
        Http.Response r = admin("PUT", "/admin/v1/environments/" + env + "/flags", flags);
        if (r.status() != 201) {
            throw new AssertionError(r.status() + " " + r.body());
        }
        return (Long) json(r.body()).get("version");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(String body) {
        try {
            return (Map<String, Object>) JsonReader.standard().read(body);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        api.close();
        db.close();
    }
}
