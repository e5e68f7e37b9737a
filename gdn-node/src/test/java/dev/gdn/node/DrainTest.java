package dev.gdn.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.node.NodeFixture.Resp;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Graceful drain: readiness turns DRAINING while the node still serves, then the port closes. */
class DrainTest {
    @TempDir
    Path tmp;
    NodeFixture f;

    @BeforeEach
    void setUp() {
        f = new NodeFixture(tmp);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void drainTurnsReadinessOffThenClosesThePort() throws Exception {
        Path store = f.storeDir("a");
        f.publish(f.ruleset(1), store);
        GdnNode node = f.start(f.storeConfig(List.of(store), null, Duration.ofMillis(2000)));
        int port = node.port();
        assertEquals(200, f.get(node, "/health/ready").status());

        f.forget(node);
        long started = System.nanoTime();
        Thread drainer = Thread.ofPlatform().start(node::drainAndStop);
        // the drain window is half the drain timeout (1 s): everything below happens well within it
        NodeFixture.await("readiness DRAINING", () -> f.get(node, "/health/ready").status() == 503);
        Resp ready = f.get(node, "/health/ready");
        assertEquals(503, ready.status());
        assertEquals("DRAINING", ready.jsonObject().get("status"), ready::toString);
        Resp live = f.get(node, "/health/live");
        assertEquals(200, live.status());
        assertEquals("{\"status\":\"UP\"}", live.text());
        Resp eval = f.bulk(node, "{\"targetingKey\":\"u1\"}");
        assertEquals(200, eval.status(), eval::toString);
        assertEquals("1", eval.requireHeader("GDN-Ruleset-Version"));
        assertTrue(System.nanoTime() - started < TimeUnit.MILLISECONDS.toNanos(1000), "checks ran inside the drain window");

        drainer.join(5000);
        assertTrue(!drainer.isAlive(), "drainAndStop returned");
        assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(1000), "the listener stayed open for the drain window");
        assertThrows(IOException.class, () -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.getInputStream().read();
            }
        });
    }
}
