package dev.gdn.chaos.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gdn.ruleset.eval.CompiledRuleset;
import dev.gdn.ruleset.eval.EvaluationContext;
import dev.gdn.ruleset.ofrep.OfrepJson;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A server that speaks the GDN evaluation routes (OFREP bulk POST, CDN GET) and lies as told: for the
 * n-th request, {@code plan} says which ruleset to evaluate with and which version to claim.
 */
final class LyingServer implements AutoCloseable {
    /** What to do for one request: evaluate with {@code content}, claim {@code claimedVersion}. */
    record Move(CompiledRuleset content, long claimedVersion) {
    }

    private final HttpServer server;
    final AtomicInteger requests = new AtomicInteger();

    LyingServer(IntFunction<Move> plan) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/", ex -> {
            try (ex) {
                EvaluationContext ctx = context(ex);
                if (ctx == null) {
                    ex.sendResponseHeaders(404, -1);
                    return;
                }
                Move m = plan.apply(requests.getAndIncrement());
                byte[] body = OfrepJson.bulk(m.content().evaluateAll(ctx), Map.of("rulesetVersion", m.claimedVersion()));
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.getResponseHeaders().add("GDN-Ruleset-Version", Long.toString(m.claimedVersion()));
                ex.getResponseHeaders().add("GDN-Served-By", "liar");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            } catch (Exception e) {
                ex.sendResponseHeaders(500, -1);
            }
        });
        server.start();
    }

    private static EvaluationContext context(HttpExchange ex) throws Exception {
        String path = ex.getRequestURI().getPath();
        if (ex.getRequestMethod().equals("POST") && path.equals("/ofrep/v1/evaluate/flags")) {
            return OfrepJson.parseRequest(ex.getRequestBody().readAllBytes());
        }
        if (ex.getRequestMethod().equals("GET") && path.startsWith("/gdn/v1/evaluate/")) {
            String b64 = path.substring(path.lastIndexOf('/') + 1);
            return OfrepJson.parseContext(new String(Base64.getUrlDecoder().decode(b64), StandardCharsets.UTF_8));
        }
        return null;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
