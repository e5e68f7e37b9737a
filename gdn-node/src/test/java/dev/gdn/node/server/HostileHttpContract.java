package dev.gdn.node.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Framing and protocol abuse against a real GDN server over raw sockets (issue 11's reproducers): each gets a 4xx
 * with a JSON body, never a 5xx; the server logs no stack trace and nothing above INFO for any of them, and still
 * serves afterwards. A server's test extends this with its port, a GET route and a POST route that reads a body.
 */
public abstract class HostileHttpContract {
    private final List<LogRecord> logged = Collections.synchronizedList(new ArrayList<>());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    protected abstract int port();

    /** A GET route that answers 200 without credentials. */
    protected abstract String getPath();

    /** A POST route that reads a JSON body. */
    protected abstract String postPath();

    /** Header lines (each ending in CRLF) the POST route needs to read the body, e.g. credentials. */
    protected String postHeaders() {
        return "";
    }

    @BeforeEach
    void captureLogs() {
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void noTraceNoWarning() {
        Logger.getLogger("").removeHandler(capture);
        List<String> bad = logged.stream().filter(r -> r.getThrown() != null || r.getLevel().intValue() > Level.INFO.intValue())
                .map(r -> r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage() + (r.getThrown() == null ? "" : " " + r.getThrown()))
                .toList();
        assertTrue(bad.isEmpty(), () -> "hostile input was logged above INFO or with a trace: " + bad);
        // and the server still serves
        try (RawHttp c = new RawHttp(port())) {
            assertEquals(200, c.send("GET " + getPath() + " HTTP/1.1\r\nHost: x\r\n\r\n").response().status());
        }
    }

    private RawHttp.Response exchange(String request) {
        try (RawHttp c = new RawHttp(port())) {
            RawHttp.Response r = c.send(request).response();
            // 505 is the one 5xx a client can earn: it names the client's protocol version as the fault
            assertTrue(r.status() >= 400 && r.status() < 500 || r.status() == 505, () -> "not a 4xx: " + r);
            assertTrue(r.body().startsWith("{\"errorDetails\":"), () -> "not a JSON error: " + r);
            return r;
        }
    }

    private String chunked(String sizeLine) {
        return "POST " + postPath() + " HTTP/1.1\r\nHost: x\r\n" + postHeaders() + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                + sizeLine + "\r\n{}\r\n0\r\n\r\n";
    }

    @Test
    void chunkExtensionsAndBadChunkSizesAre400AndClose() {
        for (String size : List.of("2;e=1", "zz", "-1", "fffffffffffffffff")) {
            try (RawHttp c = new RawHttp(port())) {
                RawHttp.Response r = c.send(chunked(size)).response();
                assertEquals(400, r.status(), () -> size + ": " + r);
                assertTrue(r.body().contains("chunk"), () -> size + ": " + r);
                assertTrue(c.closedWithin(3000), () -> size + ": a connection out of step must close");
            }
        }
    }

    @Test
    void aMethodThatIsNoTokenIs400() {
        assertEquals(400, exchange("G(T " + getPath() + " HTTP/1.1\r\nHost: x\r\n\r\n").status());
    }

    @Test
    void h2cUpgradeWithBadSettingsIs400() {
        assertEquals(400, exchange("GET " + getPath() + " HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                + "Upgrade: h2c\r\nHTTP2-Settings: !!!\r\n\r\n").status());
    }

    @Test
    void aRequestLineOver8KiBIs414() {
        assertEquals(414, exchange("GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n").status());
    }

    @Test
    void headersOver16KiBAre431() {
        StringBuilder h = new StringBuilder("GET " + getPath() + " HTTP/1.1\r\nHost: x\r\n");
        for (int i = 0; i < 100; i++) {
            h.append("X-Filler-").append(i).append(": ").append("b".repeat(200)).append("\r\n");
        }
        assertEquals(431, exchange(h + "\r\n").status());
    }

    @Test
    void otherHttpVersionsAre505AndGarbageIs400() {
        RawHttp.Response http10 = exchange("GET " + getPath() + " HTTP/1.0\r\n\r\n");
        assertEquals(505, http10.status(), http10::toString);
        assertTrue(http10.body().contains("HTTP/1.1"), http10::toString);
        assertEquals(505, exchange("GET " + getPath() + " HTTP/3.7\r\nHost: x\r\n\r\n").status());
        assertEquals(400, exchange("\u0016\u0003\u0001 hello\r\n\r\n").status());
    }

    @Test
    void wrongMethodsAre405WithAllowAndHeadAnswersLikeGet() {
        RawHttp.Response r = exchange("DELETE " + getPath() + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(405, r.status(), r::toString);
        assertTrue(r.header("Allow").orElse("").contains("GET"), r::toString);
        assertTrue(r.header("Allow").orElse("").contains("HEAD"), r::toString);
        try (RawHttp c = new RawHttp(port())) {
            RawHttp.Response head = c.send("HEAD " + getPath() + " HTTP/1.1\r\nHost: x\r\n\r\n").response();
            assertEquals(200, head.status(), head::toString);
            assertEquals("", head.body());
            // no stray body bytes: the next request on the connection is answered cleanly
            assertEquals(200, c.send("GET " + getPath() + " HTTP/1.1\r\nHost: x\r\n\r\n").response().status());
        }
    }

    @Test
    void clientsThatLeaveMidRequestAreNoError() throws Exception {
        try (RawHttp c = new RawHttp(port())) {
            c.send("GET " + getPath() + " HTTP/1.1\r\nHost: x\r\nX-Half: ");
        }
        try (RawHttp c = new RawHttp(port())) {
            c.send("POST " + postPath() + " HTTP/1.1\r\nHost: x\r\n" + postHeaders()
                    + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"cont");
        }
        try (RawHttp c = new RawHttp(port())) {
            c.send(chunked("40").replace("{}\r\n0\r\n\r\n", "{\"context\""));
        }
        Thread.sleep(300); // let the server notice
        assertFalse(logged.stream().anyMatch(r -> r.getLevel().intValue() > Level.INFO.intValue()));
    }
}
