package dev.gdn.node.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The connection limits of {@link GdnServer}, on a real listener with short timeouts and a cap of five. */
class ConnectionLimitsTest {
    static final ServerLimits LIMITS = ServerLimits.DEFAULT.withMaxConnections(5)
            .withTimeouts(Duration.ofMillis(800), Duration.ofMillis(800), Duration.ofSeconds(2));

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    GdnServer server;

    private static final HttpService HELLO = (HttpRules rules) -> rules
            .get("/hello", (req, res) -> res.send("hello"))
            .post("/echo", (req, res) -> res.send(req.content().as(String.class)));

    @BeforeEach
    void start() {
        server = GdnServer.builder("test").host("127.0.0.1").port(0).limits(LIMITS).meters(meters).service(HELLO).start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAfterTheHeaderTimeout() {
        try (RawHttp c = new RawHttp(server.port())) {
            assertFalse(c.closedWithin(400), "closed too early");
            assertTrue(c.closedWithin(1500), "an idle connection must be closed");
        }
        assertEquals(1, server.rejections().count("header-timeout"));
    }

    @Test
    void slowlorisIsClosedThoughItKeepsSending() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            c.send("GET /hello HTTP/1.1\r\n");
            long start = System.currentTimeMillis();
            boolean closed = false;
            // one header byte every 100 ms: each read makes progress, the request head never ends
            while (System.currentTimeMillis() - start < 3000 && !closed) {
                try {
                    c.send("X");
                } catch (RuntimeException e) {
                    closed = true;
                    break;
                }
                closed = c.closedWithin(100);
            }
            assertTrue(closed, "a request head trickling in must be cut at the header timeout");
            assertTrue(System.currentTimeMillis() - start < 2000);
        }
    }

    @Test
    void aStalledBodyIsClosedAfterTheBodyTimeout() {
        try (RawHttp c = new RawHttp(server.port())) {
            c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
            assertTrue(c.closedWithin(2000));
        }
        assertEquals(1, server.rejections().count("body-timeout"));
    }

    @Test
    void keptAliveConnectionsAreClosedWhenIdleAndServedUntilThen() {
        try (RawHttp c = new RawHttp(server.port())) {
            assertEquals(200, c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n").response().status());
            assertEquals(200, c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n").response().status());
            assertFalse(c.closedWithin(1000), "a kept-alive connection lives for the idle timeout");
            assertTrue(c.closedWithin(4000), "an idle kept-alive connection must be closed");
        }
    }

    @Test
    void overTheCapAClientGets503AndCapacityComesBack() throws Exception {
        List<RawHttp> held = new ArrayList<>();
        try {
            for (int i = 0; i < LIMITS.maxConnections(); i++) {
                held.add(new RawHttp(server.port()));
            }
            Thread.sleep(100);
            try (RawHttp extra = new RawHttp(server.port())) {
                RawHttp.Response r = extra.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n").response();
                assertEquals(503, r.status(), r::toString);
                assertEquals("1", r.header("Retry-After").orElse(""));
                assertTrue(extra.closedWithin(1000));
            }
        } finally {
            held.forEach(RawHttp::close);
        }
        // the held ones are gone: served again
        long deadline = System.currentTimeMillis() + 3000;
        int status = 0;
        while (status != 200 && System.currentTimeMillis() < deadline) {
            try (RawHttp c = new RawHttp(server.port())) {
                status = c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n").response().status();
            }
            Thread.sleep(50);
        }
        assertEquals(200, status);
        assertTrue(server.rejections().count("over-capacity") >= 1);
    }

    @Test
    void anHttp2ConnectionHasNoRequestHeadDeadline() {
        try (RawHttp c = new RawHttp(server.port())) {
            // the HTTP/2 preface and an empty SETTINGS frame, then silence, as a gRPC client with a stream open
            c.send("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
            c.send(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
            assertFalse(c.closedWithin(1500), "HTTP/2 streams are long-lived: the header timeout must not cut them");
        }
        assertEquals(0, server.rejections().count("header-timeout"));
    }

    @Test
    void aPortInUseFailsWithOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            GdnServer.PortUnavailableException e = assertThrows(GdnServer.PortUnavailableException.class,
                    () -> GdnServer.builder("second").host("127.0.0.1").port(taken.getLocalPort()).service(HELLO).start());
            assertTrue(e.getMessage().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
    }
}
