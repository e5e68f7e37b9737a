package dev.gdn.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.gdn.node.cdn.CdnPurger;
import dev.gdn.node.http.HealthService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a node tells its CDN POPs after swapping to a new version (the POP side, Varnish with the VCL of
 * regions/, is tested there): here a plain HTTP server stands in for a POP and records every request.
 */
class CdnPurgeTest {
    @TempDir
    Path tmp;
    NodeFixture f;
    HttpServer pop;
    final List<String> received = new CopyOnWriteArrayList<>();
    /** Statuses to answer in turn; 200 once they run out. */
    final LinkedBlockingQueue<Integer> answers = new LinkedBlockingQueue<>();

    @BeforeEach
    void setUp() throws Exception {
        f = new NodeFixture(tmp);
        pop = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        pop.createContext("/", exchange -> {
            received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " xkey=" + exchange.getRequestHeaders().getFirst("xkey")
                    + " version=" + exchange.getRequestHeaders().getFirst("GDN-Ruleset-Version"));
            Integer status = answers.poll();
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status == null ? 200 : status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        pop.start();
    }

    @AfterEach
    void tearDown() {
        f.close();
        pop.stop(0);
    }

    private GdnNode startPurgingNode(Path store) throws Exception {
        NodeConfig c = f.storeConfig(List.of(store), null, Duration.ofMillis(100));
        return f.start(c.withCdnPurge(List.of(URI.create("http://127.0.0.1:" + pop.getAddress().getPort() + "/"))));
    }

    @Test
    void purgesEveryPopAfterEachSwapRetryingWhileItFailsAndNeverForTheFirstVersion() throws Exception {
        Path store = f.storeDir("a");
        f.publish(f.ruleset(1), store);
        GdnNode node = startPurgingNode(store);
        assertEquals(1, f.servedVersion(node));

        answers.add(503); // the POP fails once: the purge is tried again
        f.publish(f.ruleset(2), store);
        NodeFixture.await("the purge of v2 to succeed", () -> received.size() == 2);
        assertEquals(List.of("PURGE / xkey=env-prod version=2", "PURGE / xkey=env-prod version=2"), received);
        NodeFixture.await("the purge counted", () -> f.metric(node, "gdn_cdn_purges_total").stream()
                .anyMatch(l -> l.contains("outcome=\"ok\"") && l.endsWith(" 1.0")));

        received.clear();
        answers.add(403); // a refusal is final
        f.publish(f.ruleset(3), store);
        NodeFixture.await("the failed purge counted", () -> f.metric(node, "gdn_cdn_purges_total").stream()
                .anyMatch(l -> l.contains("outcome=\"failed\"") && l.endsWith(" 1.0")));
        assertEquals(List.of("PURGE / xkey=env-prod version=3"), received);
        assertEquals(3, f.servedVersion(node), "a POP that refuses never holds back the swap");
    }

    /** The warm-up at start asks the process's own server, never a POP (a POP must only ever see purges). */
    @Test
    void warmUpAsksTheLocalServerAndNoPop() throws Exception {
        List<String> local = new CopyOnWriteArrayList<>();
        HttpServer self = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        self.createContext("/", exchange -> {
            local.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        self.start();
        try (CdnPurger purger = new CdnPurger(List.of(URI.create("http://127.0.0.1:" + pop.getAddress().getPort() + "/")),
                new SimpleMeterRegistry())) {
            purger.warmUp(HealthService.liveUrl("0.0.0.0", self.getAddress().getPort()));
            NodeFixture.await("the warm-up request", () -> local.size() == 1);
            assertEquals(List.of("GET /health/live"), local);
            assertEquals(List.of(), received);
        } finally {
            self.stop(0);
        }
    }

    /**
     * Varnish's backend probes send {@code Connection: close} and count the end of the connection as part of
     * the check (Helidon 4.5.0 would keep it open: helidon-io/helidon#12324).
     */
    @Test
    void healthAnswersEndTheConnectionWhenAsked() throws Exception {
        Path store = f.storeDir("a");
        f.publish(f.ruleset(1), store);
        GdnNode node = f.startStoreNode(List.of(store), null);
        for (String path : List.of("/health/ready", "/health/live")) {
            try (Socket s = new Socket("127.0.0.1", node.port())) {
                s.setSoTimeout(3000);
                s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                in.transferTo(all); // returns at end of stream; a kept-open connection times out instead
                String response = all.toString(StandardCharsets.US_ASCII);
                assertTrue(response.startsWith("HTTP/1.1 200 OK"), response);
                assertTrue(response.contains("\"status\":"), response);
            }
        }
    }
}
