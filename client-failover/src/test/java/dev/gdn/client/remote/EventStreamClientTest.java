package dev.gdn.client.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.client.GdnClient;
import dev.gdn.client.Tier;
import dev.gdn.client.TierKind;
import dev.gdn.client.TestNode;
import dev.gdn.client.openfeature.GdnProvider;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The remote client on a real node's OFREP event stream: a publish reaches the application through
 * the notification (answers are otherwise reused for a minute here), the provider says
 * CONFIGURATION_CHANGED without the application asking, and a dead first origin moves the stream to
 * the next one.
 */
class EventStreamClientTest {
    static final String FLAGS = """
            {"flags": {"banner": {"state": "ENABLED", "variants": {"a": "v%d"}, "defaultVariant": "a"}}}""";

    @TempDir
    Path dir;
    TestNode node;
    GdnClient client;

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        if (node != null) {
            node.close();
        }
        OpenFeatureAPI.getInstance().shutdown();
    }

    private GdnClient client(String... gdnUrls) {
        return GdnClient.builder().clientKey(TestNode.CLIENT_KEY)
                .tier(Tier.of("gdn", TierKind.GDN, gdnUrls))
                .streamingAnswerTtl(Duration.ofMinutes(1)) // only the notification can bring v2 in time
                .build();
    }

    @Test
    void aPublishReachesTheApplicationThroughTheNotification() throws Exception {
        node = new TestNode(dir).publish(FLAGS.formatted(1), 1).start();
        client = client(node.url());
        GdnProvider provider = new GdnProvider(client);
        List<ProviderEvent> events = new CopyOnWriteArrayList<>();
        OpenFeatureAPI api = OpenFeatureAPI.getInstance();
        api.setProviderAndWait("streams", provider);
        api.getClient("streams").onProviderConfigurationChanged(d -> events.add(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED));
        Client flags = api.getClient("streams");
        assertEquals("v1", flags.getStringValue("banner", "x"));
        TestNode.waitFor("the stream is up", client::streaming);

        node.publish(FLAGS.formatted(2), 2);
        long t0 = System.nanoTime();
        TestNode.waitFor("v2 in the application", () -> "v2".equals(flags.getStringValue("banner", "x")));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 10_000, "took " + ms + " ms, well under the minute answers are otherwise reused");
        TestNode.waitFor("CONFIGURATION_CHANGED", () -> events.contains(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED));
        assertEquals(2, client.status().pinnedVersion(), "the session moved to the notified version");
    }

    @Test
    void aDeadFirstOriginMovesTheStreamToTheNext() throws Exception {
        node = new TestNode(dir).publish(FLAGS.formatted(1), 1).start();
        client = client(TestNode.deadUrl(), node.url());
        assertEquals("v1", client.evaluate(Map.of()).flag("banner").value());
        TestNode.waitFor("the stream is up on the second origin", client::streaming);
        node.publish(FLAGS.formatted(2), 2);
        TestNode.waitFor("v2 pushed to the last answer", () -> client.lastAnswer().version() == 2);
        assertEquals("v2", client.lastAnswer().flag("banner").value());
    }
}
