package dev.gdn.bench;

import dev.gdn.ruleset.envelope.SigningKey;
import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.ruleset.eval.CompiledRuleset;
import dev.gdn.ruleset.proto.Ruleset;
import dev.gdn.sync.fetch.Fetcher;
import dev.gdn.sync.fetch.FetcherConfig;
import dev.gdn.sync.fetch.VerifiedRuleset;
import dev.gdn.sync.publish.PublishResult;
import dev.gdn.sync.publish.Publisher;
import dev.gdn.sync.publish.StoreOutcome;
import dev.gdn.sync.publish.WritePolicy;
import dev.gdn.sync.store.GetResult;
import dev.gdn.sync.store.ObjectStore;
import dev.gdn.sync.store.ObjectStores;
import dev.gdn.sync.store.PreconditionFailedException;
import dev.gdn.sync.store.StoreException;
import dev.gdn.sync.store.StoreOptions;
import dev.gdn.sync.store.WriteCondition;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * ruleset-sync timings for bench/sync-bench.sh, in one JVM (no JVM start-up in the figures):
 * <ul>
 *   <li>publish latency: {@code Publisher.publish} of a 100-flag ruleset to every store given
 *       (artifact then index, in parallel), after warm-up publishes;</li>
 *   <li>fetch and verify: a fresh {@code Fetcher.pollOnce} of one 10,000-flag ruleset (index read and
 *       verify, artifact read, SHA-256, Ed25519, protobuf parse), then {@code CompiledRuleset.of}
 *       (what a node does next).</li>
 * </ul>
 * Usage: {@code SyncBench WORKDIR STORE_URI... [--publishes N] [--fetches N]}. A store given as
 * {@code s3proxy} is an S3 store on a real S3 API server (S3Proxy, in this JVM, on a loopback port),
 * opened by URI with the default credential chain as the sync daemon opens it. {@code --fetches 0}
 * measures publishing only.
 */
public final class SyncBench {
    private SyncBench() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        List<String> uris = new ArrayList<>();
        int publishes = 60;
        int warmup = 15;
        int fetches = 20;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--publishes" -> publishes = Integer.parseInt(args[++i]);
                case "--fetches" -> fetches = Integer.parseInt(args[++i]);
                default -> uris.add(args[i]);
            }
        }
        Files.createDirectories(work);
        // S3Proxy only when a store asks for it; a null resource is skipped by try-with-resources
        try (LocalS3 s3 = uris.contains("s3proxy") ? LocalS3.start() : null) {
            if (s3 != null) {
                for (int i = 0; i < uris.size(); i++) {
                    if (uris.get(i).equals("s3proxy")) {
                        uris.set(i, s3.storeUri("bench-" + i));
                    }
                }
                // the default credential chain, as the sync daemon finds its keys
                System.setProperty("aws.accessKeyId", LocalS3.ACCESS_KEY);
                System.setProperty("aws.secretAccessKey", LocalS3.SECRET_KEY);
            }
            SigningKey key = SigningKey.generate();
            WritePolicy policy = new WritePolicy(Duration.ofSeconds(10), 3, Duration.ofMillis(100), Duration.ofSeconds(30));
            publishLatency(uris, key, policy, publishes, warmup);
            if (fetches > 0) {
                fetchAndVerify(work, key, policy, fetches);
            }
        }
    }

    /** Publish latency, 100 flags, to every store; per store too, with the calls each failed. */
    private static void publishLatency(List<String> uris, SigningKey key, WritePolicy policy, int publishes, int warmup)
            throws Exception {
        Ruleset base = Fixtures.ruleset(FlagdGenerator.generate(100, Fixtures.SEED));
        List<FailureCountingStore> stores = open(uris).stream().map(FailureCountingStore::new).toList();
        double[] publishMs = new double[publishes];
        double[][] storeMs = new double[stores.size()][publishes];
        int incomplete = 0;
        try (Publisher publisher = new Publisher(List.<ObjectStore>copyOf(stores), key, TrustedKeys.of(), policy, Clock.systemUTC(), new SimpleMeterRegistry())) {
            long v = 0;
            for (int i = 0; i < warmup + publishes; i++) {
                Ruleset r = base.toBuilder().setEnvironmentId("bench").setVersion(++v).setCreatedAtMillis(System.currentTimeMillis()).build();
                long t0 = System.nanoTime();
                PublishResult result = publisher.publish(r);
                long t1 = System.nanoTime();
                if (result.outcomes().stream().anyMatch(o -> o.status() != StoreOutcome.Status.PUBLISHED)) {
                    // Counted, not fatal: a store that needed the publisher's retries or failed is a figure.
                    incomplete++;
                    System.err.println("v" + v + ": " + result.outcomes());
                }
                if (i >= warmup) {
                    publishMs[i - warmup] = (t1 - t0) / 1e6;
                    for (int s = 0; s < stores.size(); s++) {
                        storeMs[s][i - warmup] = result.outcomes().get(s).took().toNanos() / 1e6;
                    }
                }
            }
        }
        stores.forEach(ObjectStore::close);
        System.out.printf("publish_stores %d%n", uris.size());
        System.out.printf("publish_count %d (after %d warm-up)%n", publishes, warmup);
        System.out.printf("publish_incomplete %d%n", incomplete);
        report("publish_ms", publishMs);
        for (int s = 0; s < stores.size(); s++) {
            report("store" + s + "_ms", storeMs[s]);
            System.out.printf("store%d_failed_calls %d%n", s, stores.get(s).failures.get());
        }
    }

    /** Fetch and verify a 10k-flag ruleset from one (file) store, then compile it, as a node does. */
    private static void fetchAndVerify(Path work, SigningKey key, WritePolicy policy, int fetches) throws Exception {
        TrustedKeys trusted = TrustedKeys.of(key.publicKey());
        String bigUri = work.resolve("store-10k").toUri().toString();
        Ruleset big = Fixtures.ruleset(FlagdGenerator.generate(10_000, Fixtures.SEED)).toBuilder().setEnvironmentId("big").setVersion(1).build();
        List<ObjectStore> bigStore = open(List.of(bigUri));
        try (Publisher publisher = new Publisher(bigStore, key, TrustedKeys.of(), policy, Clock.systemUTC(), new SimpleMeterRegistry())) {
            publisher.publish(big);
        }
        bigStore.forEach(ObjectStore::close);
        long artifactBytes;
        try (var files = Files.walk(work.resolve("store-10k"))) {
            artifactBytes = files.filter(p -> p.toString().endsWith(".pb") && !p.getFileName().toString().startsWith("index"))
                    .mapToLong(p -> p.toFile().length()).max().orElse(0);
        }
        double[] fetchMs = new double[fetches];
        double[] compileMs = new double[fetches];
        for (int i = 0; i < fetches; i++) {
            List<ObjectStore> s = open(List.of(bigUri));
            FetcherConfig config = FetcherConfig.DEFAULT.withEnvironments(Set.of("big"));
            try (Fetcher fetcher = new Fetcher(s, trusted, config, new SimpleMeterRegistry(), Clock.systemUTC())) {
                long t0 = System.nanoTime();
                fetcher.pollOnce();
                VerifiedRuleset r = fetcher.current().get("big");
                long t1 = System.nanoTime();
                if (r == null || r.ruleset().getFlagsCount() != 10_000) {
                    throw new IllegalStateException("10k-flag ruleset not fetched: " + fetcher.recentRejections());
                }
                CompiledRuleset.of(r.ruleset());
                long t2 = System.nanoTime();
                fetchMs[i] = (t1 - t0) / 1e6;
                compileMs[i] = (t2 - t1) / 1e6;
            }
            s.forEach(ObjectStore::close);
        }
        System.out.printf("fetch_artifact_bytes %d%n", artifactBytes);
        System.out.printf("fetch_first_ms %.1f%n", fetchMs[0]);
        System.out.printf("fetch_first_compile_ms %.1f%n", compileMs[0]);
        report("fetch_verify_ms", Arrays.copyOfRange(fetchMs, 1, fetches));
        report("fetch_compile_ms", Arrays.copyOfRange(compileMs, 1, fetches));
    }

    /**
     * Counts the calls a store failed (a precondition failure is an answer, not a failure): the
     * publisher's retries hide them from its result, and a store that needs them is a figure.
     */
    private static final class FailureCountingStore implements ObjectStore {
        private final ObjectStore delegate;
        private final AtomicInteger failures = new AtomicInteger();

        FailureCountingStore(ObjectStore delegate) {
            this.delegate = delegate;
        }

        private interface Call<T> {
            T run() throws StoreException;
        }

        private <T> T counted(Call<T> call) throws StoreException {
            try {
                return call.run();
            } catch (PreconditionFailedException e) {
                throw e;
            } catch (StoreException e) {
                failures.incrementAndGet();
                throw e;
            }
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public GetResult get(String key, String ifNoneMatch) throws StoreException {
            return counted(() -> delegate.get(key, ifNoneMatch));
        }

        @Override
        public String put(String key, byte[] data, WriteCondition condition) throws StoreException {
            return counted(() -> delegate.put(key, data, condition));
        }

        @Override
        public List<String> list(String prefix) throws StoreException {
            return counted(() -> delegate.list(prefix));
        }

        @Override
        public void delete(String key) throws StoreException {
            counted(() -> {
                delegate.delete(key);
                return null;
            });
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    private static List<ObjectStore> open(List<String> uris) throws StoreException {
        List<ObjectStore> stores = new ArrayList<>();
        for (String u : uris) {
            stores.add(ObjectStores.open(u, new StoreOptions(Duration.ofSeconds(10))));
        }
        return stores;
    }

    private static void report(String name, double[] ms) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        System.out.printf("%s_p50 %.2f%n", name, percentile(sorted, 50));
        System.out.printf("%s_p99 %.2f%n", name, percentile(sorted, 99));
        System.out.printf("%s_min %.2f%n", name, sorted[0]);
        System.out.printf("%s_max %.2f%n", name, sorted[sorted.length - 1]);
    }

    /** Nearest-rank percentile. */
    private static double percentile(double[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
