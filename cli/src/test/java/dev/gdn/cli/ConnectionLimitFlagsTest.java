package dev.gdn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.node.server.RawHttp;
import dev.gdn.node.server.ServerLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --max-connections}, {@code --header-timeout}, {@code --body-timeout}, {@code --idle-timeout} of the servers. */
class ConnectionLimitFlagsTest {
    private static final String GET = "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n";

    @TempDir
    Path dir;

    @Test
    void aRealNodeAppliesTheLimitsGivenOnTheCommandLine() throws Exception {
        Path flags = dir.resolve("flags.json");
        Files.writeString(flags, GdnCommandTest.FLAGS);
        try (GdnProcess node = GdnProcess.start(dir, Map.of(), "node", "--flags", flags.toString(), "--host", "127.0.0.1",
                "--port", "0", "--drain", "200ms", "--max-connections", "2", "--header-timeout", "1s")) {
            int port = node.awaitPort("node", 30_000);
            // the start line says which cap applied: 2 is far below what any heap holds
            node.awaitLine(false, l -> l.contains("node: at most 2 open connections (as asked); request head within 1 s"), 5_000);

            try (RawHttp silent = new RawHttp(port)) {
                long start = System.nanoTime();
                assertFalse(silent.closedWithin(500), "a silent connection closed before its 1 s header timeout");
                assertTrue(silent.closedWithin(9_500), "a silent connection must be closed after the 1 s header timeout");
                long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
                assertTrue(took < 10_000, took + " ms");
            }

            // two idle kept-alive connections (each served once) fill the cap; the idle timeout (60 s) keeps them open
            List<RawHttp> held = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    held.add(servedOnce(port));
                }
                try (RawHttp third = new RawHttp(port)) {
                    RawHttp.Response r = third.send(GET).response();
                    assertEquals(503, r.status(), r::toString);
                    assertTrue(third.closedWithin(2_000), "a refused connection is closed");
                }
                // still served: the held ones are not hurt by the refusal
                assertEquals(200, held.get(0).send(GET).response().status());
            } finally {
                held.forEach(RawHttp::close);
            }
        }
    }

    /**
     * A connection that got a 200 and stays open. The node counts a closed connection until its guard next sweeps
     * (a quarter of the header timeout) and its listener watchdog connects to its own port every 2 s: with a cap of
     * two either can take a slot for a moment, and the client is told 503, Retry-After: 1. Retry as it says.
     */
    private static RawHttp servedOnce(int port) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            RawHttp c = new RawHttp(port);
            RawHttp.Response r = c.send(GET).response();
            if (r.status() == 200) {
                return c;
            }
            c.close();
            assertEquals(503, r.status(), r::toString);
            assertTrue(System.currentTimeMillis() < deadline, "still 503 after 10 s with fewer than 2 connections held");
            Thread.sleep(300);
        }
    }

    @Test
    void badValuesAreOneLineUsageErrorsNamingTheFlag() throws Exception {
        Path flags = dir.resolve("flags.json");
        Files.writeString(flags, GdnCommandTest.FLAGS);
        record Case(String flag, String value, String says) {
        }
        List<Case> cases = List.of(
                new Case("--max-connections", "0", "--max-connections: '0' is not a whole number from 1 to"),
                new Case("--max-connections", "-5", "--max-connections: '-5' is not a whole number from 1 to"),
                new Case("--max-connections", "many", "--max-connections: 'many' is not a whole number from 1 to"),
                new Case("--header-timeout", "0s", "--header-timeout must be positive"),
                new Case("--header-timeout", "-1s", "--header-timeout: '-1s' is not a duration"),
                new Case("--body-timeout", "soon", "--body-timeout: 'soon' is not a duration"),
                new Case("--idle-timeout", "10ms", "--idle-timeout 10ms is outside 100ms to 24h"),
                new Case("--body-timeout", "99999999999999999999h", "--body-timeout: '99999999999999999999h' is too long a duration"),
                new Case("--idle-timeout", "5s", "--header-timeout 10s must not be longer than --idle-timeout 5s"));
        for (Case c : cases) {
            GdnCommandTest.Run r = GdnCommandTest.gdn("node", "--flags", flags.toString(), "--port", "0", c.flag(), c.value());
            assertEquals(ExitCodes.USAGE, r.exit(), c + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            assertTrue(r.err().startsWith("gdn node: ") && r.err().contains(c.says()), c + ": " + r.err());
        }
        GdnCommandTest.Run classic = GdnCommandTest.gdn("classic", "--data-dir", dir.resolve("data").toString(),
                "--header-timeout", "2m");
        assertEquals(ExitCodes.USAGE, classic.exit(), classic.err());
        assertTrue(classic.err().contains("gdn classic: --header-timeout 2m must not be longer than --idle-timeout 60s"), classic.err());
        assertFalse(Files.exists(dir.resolve("data")), "nothing is written before the flags are checked");
    }

    @Test
    void theFlagsStartFromTheServersOwnLimits() {
        ConnectionLimitArgs none = new ConnectionLimitArgs();
        assertEquals(ServerLimits.DEFAULT, none.limits(ServerLimits.DEFAULT));
        ServerLimits classic = dev.gdn.classic.ClassicConfig.DEFAULT_LIMITS;
        ConnectionLimitArgs some = new ConnectionLimitArgs();
        some.maxConnections = "50";
        some.bodyTimeout = "250ms";
        ServerLimits l = some.limits(classic);
        assertEquals(50, l.maxConnections());
        assertEquals(Duration.ofMillis(250), l.bodyTimeout());
        assertEquals(ServerLimits.DEFAULT.headerTimeout(), l.headerTimeout());
        assertEquals(classic.maxPayload(), l.maxPayload(), "what the flags do not cover stays the base's");
    }

    @Test
    void helpShowsTheDefaults() {
        GdnCommandTest.Run r = GdnCommandTest.gdn("node", "--help");
        assertEquals(0, r.exit());
        String help = r.out().replaceAll("\\s+", " ");
        assertTrue(help.contains("(default: " + ServerLimits.DEFAULT.maxConnections() + ")"), r.out());
        assertTrue(help.contains("--header-timeout=DURATION"), r.out());
        for (Duration d : List.of(ServerLimits.DEFAULT.headerTimeout(), ServerLimits.DEFAULT.bodyTimeout(), ServerLimits.DEFAULT.idleTimeout())) {
            assertTrue(help.contains("(default: " + Durations.format(d) + ")"), d + " in " + r.out());
        }
        assertTrue(help.contains("(default: 10s)"), "whole seconds: " + r.out());
    }
}
