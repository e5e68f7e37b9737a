package dev.gdn.bench;

import dev.gdn.client.GdnClient;
import dev.gdn.client.Tier;
import dev.gdn.client.TierKind;
import dev.gdn.client.openfeature.GdnProvider;
import dev.gdn.node.GdnNode;
import dev.gdn.node.NodeConfig;
import dev.gdn.node.http.CdnPolicy;
import dev.gdn.ruleset.apikey.ApiKeys;
import dev.gdn.ruleset.compile.FlagdCompiler;
import dev.gdn.ruleset.envelope.SigningKey;
import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.ruleset.proto.ApiKeyKind;
import dev.gdn.ruleset.proto.Ruleset;
import dev.gdn.sync.publish.Publisher;
import dev.gdn.sync.publish.WritePolicy;
import dev.gdn.sync.store.ObjectStores;
import dev.gdn.sync.store.StoreOptions;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.OpenFeatureAPI;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publish → the application's answer changes, through the Java client's remote mode and GdnProvider:
 * a node in store mode (file store, poll interval as given) on 127.0.0.1, an application thread that
 * evaluates a flag every 5 ms, and N publishes (Publisher to the store, as `gdn publish`). For each it
 * records publish-returned → node installed (the store poll) and node installed → application sees it,
 * with the event stream on (answers reused 30 s; the notification re-fetches). Without the stream
 * there is nothing to compare with on a chain of origin tiers only (as here): the remote client pins
 * its session to the version it started with, and a node answers a pinned version while it retains
 * it, so a polling client moves only when its version leaves retention (two publishes later) or on
 * newSession(); a CDN tier (never pinned) in front moves it on the CDN's next fetch. Prints p50/p99/max.
 * Run with bench/publish-to-app-bench.sh.
 *
 * <p>Arguments: [rounds, default 40] [node poll interval ms, default 1000]
 */
public final class PublishToApp {
    static final String KEY = "gdn_client_bench";
    static final String FLAGS = "{\"flags\": {\"banner\": {\"state\": \"ENABLED\", \"variants\": {\"a\": \"v%d\"}, \"defaultVariant\": \"a\"}}}";

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        long pollMs = args.length > 1 ? Long.parseLong(args[1]) : 1000;
        try {
            run(rounds, pollMs, true);
        } catch (Exception e) {
            System.out.println("FAILED: " + e);
            System.exit(1);
        }
        System.exit(0);
    }

    private static void run(int rounds, long pollMs, boolean streams) throws Exception {
        Path dir = Files.createTempDirectory("gdn-publish-to-app");
        Path store = Files.createDirectories(dir.resolve("store"));
        SigningKey key = SigningKey.generate();
        Path trust = dir.resolve("trust.pub");
        Files.writeString(trust, key.publicKeyPem());
        Publisher publisher = new Publisher(List.of(ObjectStores.open(store.toUri().toString(), StoreOptions.DEFAULT)), key, TrustedKeys.of(),
                WritePolicy.DEFAULT, Clock.systemUTC(), new SimpleMeterRegistry());
        long version = 1;
        publisher.publish(ruleset(version));
        GdnNode node = GdnNode.start(new NodeConfig("127.0.0.1", 0, "bench", "n1", List.of(store.toUri().toString()), List.of(trust), Set.of(),
                null, null, null, null, Duration.ofMillis(pollMs), Duration.ofSeconds(2), Duration.ofMillis(100), CdnPolicy.DEFAULT));
        AtomicLong installedAt = new AtomicLong();
        node.registry().addListener(r -> installedAt.set(System.nanoTime()));
        GdnClient client = GdnClient.builder().clientKey(KEY).tier(Tier.of("gdn", TierKind.GDN, "http://127.0.0.1:" + node.port()))
                .eventStreams(streams).streamingAnswerTtl(Duration.ofSeconds(30)).build();
        OpenFeatureAPI api = OpenFeatureAPI.getInstance();
        String domain = "bench-" + streams;
        api.setProviderAndWait(domain, new GdnProvider(client));
        Client flags = api.getClient(domain);
        long end = System.nanoTime() + 10_000_000_000L;
        while (streams && !client.streaming() && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        List<Double> publishToApp = new ArrayList<>();
        List<Double> installToApp = new ArrayList<>();
        List<Double> publishToInstall = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            version++;
            String want = "v" + version;
            Thread.sleep(200 + (long) (Math.random() * pollMs)); // publishes land anywhere in the poll cycle
            installedAt.set(0);
            publisher.publish(ruleset(version));
            long published = System.nanoTime();
            long deadline = published + 30_000_000_000L;
            while (!want.equals(flags.getStringValue("banner", "?"))) { // the application, every 5 ms
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(want + " never reached the application");
                }
                Thread.sleep(5);
            }
            long seen = System.nanoTime();
            publishToApp.add((seen - published) / 1e6);
            publishToInstall.add((installedAt.get() - published) / 1e6);
            installToApp.add((seen - installedAt.get()) / 1e6);
        }
        System.out.printf(Locale.ROOT, "event streams %-3s node poll %4d ms, %d publishes: publish→app %s | publish→node %s | node→app %s%n",
                streams ? "on" : "off", pollMs, rounds, stats(publishToApp), stats(publishToInstall), stats(installToApp));
        api.shutdown();
        node.close();
        publisher.close();
    }

    private static Ruleset ruleset(long version) throws Exception {
        return FlagdCompiler.compile(FLAGS.formatted(version)).toRuleset("prod", version, System.currentTimeMillis(),
                List.of(ApiKeys.hashOf(KEY, ApiKeyKind.CLIENT, "bench")));
    }

    private static String stats(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(Double::compare);
        return String.format(Locale.ROOT, "p50 %.0f ms, p99 %.0f ms, max %.0f ms", s.get(s.size() / 2),
                s.get(Math.min(s.size() - 1, (int) Math.ceil(s.size() * 0.99) - 1)), s.get(s.size() - 1));
    }
}
