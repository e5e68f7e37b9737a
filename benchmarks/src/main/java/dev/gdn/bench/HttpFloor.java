package dev.gdn.bench;

import dev.gdn.ruleset.eval.CompiledRuleset;
import dev.gdn.ruleset.eval.EvaluationContext;
import dev.gdn.ruleset.ofrep.BulkResponseWriter;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The HTTP floor for {@code bench/node-bench.sh}: a bare Helidon server, configured like the node
 * (TCP_NODELAY, HTTP/1.1), that answers {@code POST /ofrep/v1/evaluate/flags} by reading the request
 * body and sending a fixed OFREP bulk body of the benchmark's size with the node's response headers,
 * and {@code GET /health/live} like the node. No parsing, evaluation, ETag or auth: what is left is
 * the cost of the HTTP exchange itself, so the node's bulk throughput can be read against it.
 *
 * <p>Usage: {@code HttpFloor FLAGS} (flags in the generated ruleset, 50 in node-bench). Prints
 * {@code http-floor listening on port N} and the body size; runs until killed.
 */
public final class HttpFloor {
    private static final Header JSON = HeaderValues.createCached(HeaderNames.CONTENT_TYPE, "application/json");
    private static final Header VERSION = HeaderValues.createCached("GDN-Ruleset-Version", "1");
    private static final Header SERVED_BY = HeaderValues.createCached("GDN-Served-By", "local/http-floor");
    private static final Header VARY = HeaderValues.createCached(HeaderNames.VARY, "Origin");
    private static final Header ETAG = HeaderValues.create(HeaderNames.ETAG, "\"00112233445566778899aabbccddeeff\"");

    private HttpFloor() {
    }

    public static void main(String[] args) {
        int flags = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        CompiledRuleset rs = CompiledRuleset.of(Fixtures.ruleset(FlagdGenerator.generate(flags, Fixtures.SEED)));
        Map<String, Object> metadata = new LinkedHashMap<>(rs.metadata());
        metadata.put("rulesetVersion", rs.version());
        EvaluationContext ctx = ContextGenerator.generate(1, Fixtures.SEED)[0];
        byte[] body = new BulkResponseWriter(rs, metadata).write(rs.evaluateAll(ctx, Fixtures.TIMESTAMP));

        WebServer server = WebServer.builder()
                .host("127.0.0.1")
                .port(0)
                .connectionOptions(o -> o.tcpNoDelay(true))
                .routing(r -> r
                        .post("/ofrep/v1/evaluate/flags", (req, res) -> {
                            req.headers().first(HeaderNames.AUTHORIZATION); // the node reads it too
                            try (InputStream in = req.content().inputStream()) {
                                in.readAllBytes();
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                            res.header(VERSION);
                            res.header(SERVED_BY);
                            res.header(VARY);
                            res.header(ETAG);
                            res.header(JSON);
                            res.send(body);
                        })
                        .get("/health/live", (req, res) -> { // exactly as the node's HealthService
                            res.header(HeaderNames.CONTENT_TYPE, "application/json");
                            res.header(HeaderNames.CACHE_CONTROL, "no-store");
                            res.send("{\"status\":\"UP\"}");
                        }))
                .build()
                .start();
        System.out.println("http-floor listening on port " + server.port() + " (bulk body " + body.length + " bytes)");
    }
}
