package dev.gdn.bench;

import dev.gdn.classic.ClassicApi;
import dev.gdn.classic.ClassicConfig;
import dev.gdn.classic.db.EmbeddedDatabase;
import dev.gdn.classic.db.SyncLedger;
import dev.gdn.classic.sync.SyncDaemon;
import dev.gdn.node.http.CdnPolicy;
import dev.gdn.ruleset.envelope.SigningKey;
import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.sync.layout.SignedIndex;
import dev.gdn.sync.layout.StoreLayout;
import dev.gdn.sync.publish.WritePolicy;
import dev.gdn.sync.store.GetResult;
import dev.gdn.sync.store.ObjectStore;
import dev.gdn.sync.store.StoreOptions;
import dev.gdn.sync.store.file.FileObjectStore;
import dev.gdn.sync.store.s3.S3ObjectStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Admin upload → the new version in the index of every store: a file store and an S3 store (a real
 * S3 API server, S3Proxy, on loopback), through the classic API, PostgreSQL (embedded), NOTIFY and
 * the sync daemon. Prints p50/p99/max over N uploads. Run by bench/upload-latency.sh.
 */
public final class UploadToStoresLatency {
    public static void main(String[] args) throws Exception {
        int uploads = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        Path dir = Files.createTempDirectory("gdn-upload-bench");
        LocalS3 localS3 = LocalS3.start();
        StaticCredentialsProvider creds = LocalS3.CREDENTIALS;
        EmbeddedDatabase db = EmbeddedDatabase.start(dir.resolve("data"), 0);
        String token = "bench-admin";
        ClassicApi api = ClassicApi.start(new ClassicConfig("127.0.0.1", 0, db.jdbcUrl(), null, null, dir, 0, token,
                Duration.ofSeconds(5), Duration.ofMillis(100), CdnPolicy.DEFAULT));
        SigningKey key = SigningKey.generate();
        TrustedKeys trusted = TrustedKeys.of(key.publicKey());
        ObjectStore file = FileObjectStore.open(dir.resolve("store"));
        ObjectStore s3store = S3ObjectStore.open(URI.create(localS3.storeUri("bench")), StoreOptions.DEFAULT, creds);
        ObjectStore fileReader = FileObjectStore.open(dir.resolve("store"));
        ObjectStore s3Reader = S3ObjectStore.open(URI.create(localS3.storeUri("bench")), StoreOptions.DEFAULT, creds);
        SyncDaemon daemon = new SyncDaemon(api.database(), new SyncLedger(api.database().dataSource()), List.of(file, s3store), key, TrustedKeys.of(),
                WritePolicy.DEFAULT, Duration.ofSeconds(2), Duration.ofMinutes(10), Clock.systemUTC(), new SimpleMeterRegistry());
        daemon.start();
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + api.port() + "/admin/v1/environments";
        send(http, HttpRequest.newBuilder(URI.create(base)).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"prod\"}")).build());
        while (!daemon.isLeader()) {
            Thread.sleep(10);
        }
        List<Double> total = new ArrayList<>();
        List<Double> uploadOnly = new ArrayList<>();
        for (int i = 1; i <= uploads + 5; i++) {
            String flags = "{\"metadata\":{\"iteration\":" + i + "},\"flags\":{\"f\":{\"state\":\"ENABLED\",\"variants\":"
                    + "{\"a\":true,\"b\":false},\"defaultVariant\":\"a\",\"targeting\":{\"fractional\":[[\"a\",50],[\"b\",50]]}}}}";
            long t0 = System.nanoTime();
            send(http, HttpRequest.newBuilder(URI.create(base + "/prod/flags")).header("Authorization", "Bearer " + token)
                    .PUT(HttpRequest.BodyPublishers.ofString(flags)).build());
            long t1 = System.nanoTime();
            while (indexed(fileReader, trusted) < i || indexed(s3Reader, trusted) < i) {
                Thread.onSpinWait();
            }
            long t2 = System.nanoTime();
            if (i > 5) { // the first few warm up the JIT and connections
                uploadOnly.add((t1 - t0) / 1e6);
                total.add((t2 - t0) / 1e6);
            }
        }
        System.out.printf("uploads: %d (after 5 warm-up), stores: file + S3 (S3Proxy on loopback)%n", uploads);
        System.out.printf("admin upload (HTTP 201):                 p50 %6.1f ms  p99 %6.1f ms  max %6.1f ms%n",
                pct(uploadOnly, 50), pct(uploadOnly, 99), pct(uploadOnly, 100));
        System.out.printf("upload -> index updated in every store:  p50 %6.1f ms  p99 %6.1f ms  max %6.1f ms%n",
                pct(total, 50), pct(total, 99), pct(total, 100));
        daemon.close();
        api.close();
        db.close();
        localS3.close();
        System.exit(0);
    }

    private static long indexed(ObjectStore store, TrustedKeys trusted) throws Exception {
        if (!(store.get(StoreLayout.INDEX_KEY, null) instanceof GetResult.Found f)) {
            return 0;
        }
        return SignedIndex.entry(SignedIndex.read(f.data(), trusted), "prod").map(e -> e.getVersion()).orElse(0L);
    }

    private static void send(HttpClient http, HttpRequest req) throws Exception {
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(r.statusCode() + " " + r.body());
        }
    }

    private static double pct(List<Double> xs, int p) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int i = (int) Math.ceil(p / 100.0 * s.size()) - 1;
        return s.get(Math.max(0, Math.min(s.size() - 1, i)));
    }
}
