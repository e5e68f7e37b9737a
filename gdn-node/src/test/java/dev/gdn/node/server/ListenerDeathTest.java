package dev.gdn.node.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import java.lang.reflect.Field;
import java.nio.channels.ServerSocketChannel;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A listener whose accept loop ends while its server runs — what "Too many open files" does to Helidon 4.5 — is
 * noticed by the watchdog, which hands the process its {@link ListenerDeath} action. The test ends the loop the way
 * that error does, by failing the listening socket under it (reaching into Helidon's listener, which has no API
 * for this), and checks that a live listener is never reported.
 */
class ListenerDeathTest {
    private static final HttpService HELLO = (HttpRules rules) -> rules.get("/hello", (req, res) -> res.send("hello"));

    @AfterEach
    void restore() {
        ListenerDeath.onDeath(why -> { });
    }

    private static Object field(Object target, String name) throws Exception {
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f.get(target);
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(name);
    }

    @Test
    void aDeadListenerIsReportedAndALiveOneIsNot() throws Exception {
        CompletableFuture<String> died = new CompletableFuture<>();
        ListenerDeath.onDeath(died::complete);
        GdnServer server = GdnServer.builder("test").host("127.0.0.1").port(0).service(HELLO).start();
        try {
            Thread.sleep(4500); // two probe rounds on a healthy listener
            assertFalse(died.isDone(), "a listener that accepts must not be reported");
            assertTrue(server.listening());

            WebServer web = (WebServer) field(server, "server");
            for (Object listener : ((Map<?, ?>) field(web, "listeners")).values()) {
                ((ServerSocketChannel) field(listener, "serverSocket")).close();
            }
            String why = died.get(10, TimeUnit.SECONDS);
            assertTrue(why.contains("stopped accepting connections"), why);
            assertFalse(server.listening());
        } finally {
            server.stop();
        }
    }
}
