package dev.gdn.regions.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real sockets through a real link to an echo server on loopback. */
class LinkTest {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private ServerSocket echo;
    private Links links;

    @BeforeEach
    void startEcho() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException ignored) {
                            // the link reset it: that is what some tests do
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        links = new Links(1);
    }

    @AfterEach
    void stop() throws IOException {
        links.close();
        echo.close();
    }

    private Link link(Duration oneWay, Duration jitter) throws IOException {
        return link(echo.getLocalPort(), oneWay, jitter);
    }

    private Link link(int targetPort, Duration oneWay, Duration jitter) throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        return links.add(new LinkPath("t." + NAMES.incrementAndGet(), new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), oneWay, jitter));
    }

    private static Socket connect(Link link) throws IOException {
        Socket s = new Socket();
        s.connect(link.path().listen(), 2000);
        s.setSoTimeout(5000);
        s.setTcpNoDelay(true);
        return s;
    }

    private static long roundTripMillis(Socket s) throws IOException {
        long t0 = System.nanoTime();
        s.getOutputStream().write('x');
        s.getOutputStream().flush();
        assertEquals('x', s.getInputStream().read());
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void zeroDelayCarriesAMegabyteUnchanged() throws IOException {
        Link link = link(Duration.ZERO, Duration.ZERO);
        byte[] data = new byte[1 << 20];
        new Random(42).nextBytes(data);
        try (Socket s = connect(link)) {
            Thread.ofVirtual().start(() -> {
                try {
                    s.getOutputStream().write(data);
                    s.shutdownOutput();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            byte[] back = s.getInputStream().readNBytes(data.length);
            assertArrayEquals(data, back);
            assertEquals(-1, s.getInputStream().read(), "the echo's close travels through");
        }
        assertEquals(data.length, link.stats().bytesUp());
        assertEquals(data.length, link.stats().bytesDown());
    }

    /**
     * A server that answers and closes at once (an HTTP/1.0-style answer, a refusal with Connection: close):
     * its close reaches the link before its delayed bytes have been delivered, and must follow the last of
     * them, not overtake it. Many chunks, several connections: the close once dropped the last chunk.
     */
    @Test
    void anAnswerAndAnImmediateCloseArriveWholeThroughADelayedLink() throws Exception {
        byte[] answer = new byte[300_000];
        new Random(7).nextBytes(answer);
        try (ServerSocket closer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                while (!closer.isClosed()) {
                    try (Socket s = closer.accept()) {
                        s.getInputStream().read(); // the request
                        for (int off = 0; off < answer.length; off += 1000) {
                            s.getOutputStream().write(answer, off, Math.min(1000, answer.length - off));
                        }
                    } catch (IOException e) {
                        // closed by the test
                    }
                }
            });
            Link link = link(closer.getLocalPort(), Duration.ofMillis(15), Duration.ofMillis(3));
            for (int i = 0; i < 5; i++) {
                try (Socket s = connect(link)) {
                    s.getOutputStream().write('?');
                    s.getOutputStream().flush();
                    byte[] got = s.getInputStream().readAllBytes(); // a reset (the bug) fails here
                    assertEquals(answer.length, got.length, "connection " + i + ": bytes delivered before the close");
                    assertArrayEquals(answer, got);
                }
            }
        }
    }

    @Test
    void linuxGetsTheEpollTransport() {
        if (System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64")) {
            assertEquals("epoll", links.transport(), "Netty's native epoll library did not load: the links fall back to NIO");
        }
    }

    @Test
    void modelledDelayAppliesEachWay() throws IOException {
        Link link = link(Duration.ofMillis(40), Duration.ofMillis(5));
        try (Socket s = connect(link)) {
            for (int i = 0; i < 3; i++) {
                long rtt = roundTripMillis(s);
                assertTrue(rtt >= 80 && rtt < 1000, "round trip " + rtt + " ms, expected 80..90 (+ scheduling)");
            }
        }
    }

    @Test
    void downRefusesNewConnectionsResetsOpenOnesAndUpHeals() throws IOException {
        Link link = link(Duration.ZERO, Duration.ZERO);
        try (Socket open = connect(link)) {
            roundTripMillis(open);
            link.set(new LinkState.Down());
            assertThrows(ConnectException.class, () -> connect(link).close());
            assertClosedOrReset(open);
        }
        link.set(new LinkState.Up());
        try (Socket s = connect(link)) {
            roundTripMillis(s);
        }
    }

    @Test
    void blackholeAcceptsHoldsEverythingAndReleasesItOnHeal() throws IOException {
        Link link = link(Duration.ZERO, Duration.ZERO);
        try (Socket before = connect(link)) {
            roundTripMillis(before);
            link.set(new LinkState.Blackhole());
            Socket during = connect(link); // accepted: nothing refuses
            for (Socket s : new Socket[] {before, during}) {
                s.setSoTimeout(300);
                s.getOutputStream().write('y');
                s.getOutputStream().flush();
                assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read(), "a blackhole never answers");
            }
            link.set(new LinkState.Up());
            for (Socket s : new Socket[] {before, during}) {
                s.setSoTimeout(5000);
                assertEquals('y', s.getInputStream().read(), "held bytes arrive once the link heals");
            }
            during.close();
        }
    }

    @Test
    void resetResetsOpenAndNewConnections() throws IOException {
        Link link = link(Duration.ZERO, Duration.ZERO);
        try (Socket open = connect(link)) {
            roundTripMillis(open);
            link.set(new LinkState.Reset());
            assertClosedOrReset(open);
            assertNewConnectionClosedOrReset(link);
        }
        link.set(new LinkState.Up());
        try (Socket s = connect(link)) {
            roundTripMillis(s);
        }
    }

    @Test
    void slowAddsToEveryRoundTripOnOpenConnections() throws IOException {
        Link link = link(Duration.ZERO, Duration.ZERO);
        try (Socket s = connect(link)) {
            assertTrue(roundTripMillis(s) < 150);
            link.set(new LinkState.Slow(Duration.ofMillis(200)));
            long slow = roundTripMillis(s);
            assertTrue(slow >= 200 && slow < 2000, "slow round trip " + slow + " ms");
            link.set(new LinkState.Up());
            assertTrue(roundTripMillis(s) < 150);
        }
    }

    @Test
    void limitedCapsTheBandwidth() throws IOException {
        Link link = link(Duration.ZERO, Duration.ZERO);
        link.set(new LinkState.Limited(100_000));
        byte[] data = new byte[50_000];
        try (Socket s = connect(link)) {
            long t0 = System.nanoTime();
            s.getOutputStream().write(data);
            s.getInputStream().readNBytes(data.length);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            // 50 kB at 100 kB/s: 0.5 s up, pipelined with 0.5 s down
            assertTrue(ms >= 450 && ms < 5000, "50 kB took " + ms + " ms");
        }
    }

    @Test
    void upstreamDownLooksLikeAFailedConnection() throws IOException {
        int nobody;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobody = gone.getLocalPort(); // never accepts (a closed echo could still take a connection queued meanwhile)
        }
        assertNewConnectionClosedOrReset(link(nobody, Duration.ZERO, Duration.ZERO));
    }

    /** A new connection fails: reset while connecting (the link accepts, then resets at once), or right after. */
    private static void assertNewConnectionClosedOrReset(Link link) throws IOException {
        Socket s;
        try {
            s = connect(link);
        } catch (SocketException e) {
            return; // the reset overtook the end of connect()
        }
        try (s) {
            assertClosedOrReset(s);
        }
    }

    @Test
    void controlApiSwitchesLinksByPattern() throws Exception {
        Link a = link(Duration.ZERO, Duration.ZERO);
        Link b = link(Duration.ZERO, Duration.ZERO);
        WebServer server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(r -> r.register(new LinkControlService(links))).build().start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.port();
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(base + "/links/t.*"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"state\":\"slow\",\"added_ms\":300}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, res.statusCode(), res.body());
            assertEquals(new LinkState.Slow(Duration.ofMillis(300)), a.state());
            assertEquals(new LinkState.Slow(Duration.ofMillis(300)), b.state());
            res = http.send(HttpRequest.newBuilder(URI.create(base + "/links/" + a.path().name()))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"state\":\"down\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, res.statusCode(), res.body());
            assertInstanceOf(LinkState.Down.class, a.state());
            res = http.send(HttpRequest.newBuilder(URI.create(base + "/links")).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(res.body().contains("\"state\":\"down\"") && res.body().contains("\"added_ms\":300"), res.body());
            res = http.send(HttpRequest.newBuilder(URI.create(base + "/links/t.*"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"state\":\"sideways\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(400, res.statusCode());
            assertTrue(res.body().contains("unknown state 'sideways'"), res.body());
            res = http.send(HttpRequest.newBuilder(URI.create(base + "/links/nope.*"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"state\":\"up\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, res.statusCode());
            res = http.send(HttpRequest.newBuilder(URI.create(base + "/links/t.*"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"state\":\"slow\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(400, res.statusCode());
            assertTrue(res.body().contains("added_ms"), res.body());
        } finally {
            server.stop();
        }
    }

    @Test
    void aTakenAddressIsRefusedByName() throws IOException {
        Link a = link(Duration.ZERO, Duration.ZERO);
        IOException e = assertThrows(IOException.class, () -> links.add(new LinkPath("other", a.path().listen(), a.path().target(),
                Duration.ZERO, Duration.ZERO)));
        assertTrue(e.getMessage().contains("cannot listen on 127.0.0.1:" + a.path().listen().getPort()), e.getMessage());
    }

    /** The socket is reset or closed: a read fails or sees the end. */
    private static void assertClosedOrReset(Socket s) throws IOException {
        s.setSoTimeout(3000);
        try {
            s.getOutputStream().write('z');
            s.getOutputStream().flush();
            int r = s.getInputStream().read();
            if (r != -1) {
                fail("expected a closed or reset connection, read " + r);
            }
        } catch (SocketException e) {
            // reset: expected
        } catch (SocketTimeoutException e) {
            fail("the connection hangs instead of failing");
        }
    }
}
