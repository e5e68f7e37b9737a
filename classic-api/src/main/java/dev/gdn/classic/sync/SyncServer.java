package dev.gdn.classic.sync;

import dev.gdn.node.http.MetricsService;
import dev.gdn.ruleset.json.JsonWriter;
import io.helidon.http.HeaderNames;
import dev.gdn.node.server.GdnServer;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sync daemon's own small HTTP listener: {@code /metrics} (Prometheus text), {@code /health/live}
 * (the sync loop runs) and {@code /health/ready} (the loop runs and the database answers; 200 for the
 * leader and for a healthy standby alike, the body says which, and which stores are failing).
 */
public final class SyncServer implements AutoCloseable {
    private final GdnServer server;

    private SyncServer(GdnServer server) {
        this.server = server;
    }

    public static SyncServer start(String host, int port, SyncDaemon daemon, PrometheusMeterRegistry meters) {
        GdnServer server = GdnServer.builder("sync")
                .host(host)
                .port(port)
                .meters(meters)
                .service(new HealthRoutes(daemon), new MetricsService(meters))
                .start();
        return new SyncServer(server);
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
    }

    private record HealthRoutes(SyncDaemon daemon) implements HttpService {
        @Override
        public void routing(HttpRules rules) {
            rules.get("/health/live", this::live).get("/health/ready", this::ready);
        }

        private void live(ServerRequest req, ServerResponse res) {
            boolean alive = daemon.health().alive();
            send(res, alive ? 200 : 503, Map.of("status", alive ? "UP" : "DOWN"));
        }

        private void ready(ServerRequest req, ServerResponse res) {
            SyncDaemon.Health h = daemon.health();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", h.ready() ? "READY" : "NOT_READY");
            body.put("role", !h.alive() ? "STOPPED" : h.leader() ? "LEADER" : "STANDBY");
            body.put("database", h.databaseError() == null ? "UP" : "DOWN: " + h.databaseError());
            body.put("failingStores", h.failingStores());
            send(res, h.ready() ? 200 : 503, body);
        }

        private static void send(ServerResponse res, int status, Map<String, ?> body) {
            res.status(status);
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.header(HeaderNames.CACHE_CONTROL, "no-store");
            res.send(JsonWriter.toJson(body));
        }
    }
}
