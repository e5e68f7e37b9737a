package dev.gdn.node.http;

import dev.gdn.node.source.LoadedRuleset;
import dev.gdn.node.source.RulesetSource;
import dev.gdn.ruleset.json.JsonWriter;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code /health/live}: the process is up. {@code /health/ready}: 200 only once every expected
 * environment has a verified ruleset (from a store or the disk cache) and the server is not draining;
 * the body says, per environment, the version, its source and its age.
 */
public final class HealthService implements HttpService {
    private final RulesetSource source;
    private final BooleanSupplier draining;
    private final Supplier<String> degraded;
    private final Clock clock;

    public HealthService(RulesetSource source, BooleanSupplier draining, Clock clock) {
        this(source, draining, () -> null, clock);
    }

    /**
     * @param degraded why the server is serving but impaired (e.g. its database is down), or null;
     *                 a degraded server that has every ruleset stays ready (200) and says why
     */
    public HealthService(RulesetSource source, BooleanSupplier draining, Supplier<String> degraded, Clock clock) {
        this.source = source;
        this.draining = draining;
        this.degraded = degraded;
        this.clock = clock;
    }

    /** This server's own {@code /health/live} URL, by loopback when it listens on every address. */
    public static java.net.URI liveUrl(String host, int port) {
        String h = host == null || host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") ? "127.0.0.1"
                : host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return java.net.URI.create("http://" + h + ":" + port + "/health/live");
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/health/live", this::live).get("/health/ready", this::ready);
    }

    private void live(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send("{\"status\":\"UP\"}");
        closeIfAsked(req);
    }

    private void ready(ServerRequest req, ServerResponse res) {
        Map<String, LoadedRuleset> state = source.readiness();
        Map<String, Object> envs = new LinkedHashMap<>();
        boolean allLoaded = !state.isEmpty();
        for (Map.Entry<String, LoadedRuleset> e : state.entrySet()) {
            LoadedRuleset r = e.getValue();
            Map<String, Object> env = new LinkedHashMap<>();
            if (r == null) {
                allLoaded = false;
                env.put("status", "LOADING");
            } else {
                env.put("status", "READY");
                env.put("version", r.version());
                env.put("source", r.source());
                env.put("ageSeconds", Math.max(0, (clock.millis() - r.compiled().ruleset().getCreatedAtMillis()) / 1000));
                env.put("loadedSecondsAgo", Math.max(0, (clock.millis() - r.loadedAt().toEpochMilli()) / 1000));
            }
            envs.put(e.getKey(), env);
        }
        String why = degraded.get();
        String status = draining.getAsBoolean() ? "DRAINING" : !allLoaded ? "NOT_READY" : why != null ? "DEGRADED" : "READY";
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("source", source.description());
        if (why != null) {
            body.put("degraded", why);
        }
        if (state.isEmpty()) {
            body.put("reason", "no environment known yet: no store has answered and the disk cache is empty");
        }
        body.put("environments", envs);
        res.status("READY".equals(status) || "DEGRADED".equals(status) ? 200 : 503);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(JsonWriter.toJson(body));
        closeIfAsked(req);
    }

    /**
     * Helidon 4.5.0 answers a request that says {@code Connection: close} with the same header but keeps
     * the socket open (helidon-io/helidon#12324). Health checkers that wait for the end of the connection,
     * as Varnish's backend probes do, then time out and mark a healthy server sick; the exception makes
     * Helidon close the connection once the response is written.
     */
    private static void closeIfAsked(ServerRequest req) {
        if (req.headers().containsToken(HeaderValues.CONNECTION_CLOSE)) {
            throw new CloseConnectionException("the client asked to close the connection");
        }
    }
}
