package dev.gdn.sync.publish;

import static dev.gdn.sync.SyncFixtures.KEY;
import static dev.gdn.sync.SyncFixtures.TRUSTED;
import static dev.gdn.sync.SyncFixtures.indexedVersion;
import static dev.gdn.sync.SyncFixtures.ruleset;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.ruleset.envelope.Envelopes;
import dev.gdn.sync.FaultyStore;
import dev.gdn.sync.SyncFixtures;
import dev.gdn.sync.layout.StoreLayout;
import dev.gdn.sync.store.GetResult;
import dev.gdn.sync.store.ObjectStore;
import dev.gdn.sync.store.WriteCondition;
import dev.gdn.sync.store.file.FileObjectStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublisherTest {
    @TempDir
    Path dir;

    private ObjectStore fileStore(String name) throws Exception {
        return FileObjectStore.open(dir.resolve(name));
    }

    private static Publisher publisher(List<ObjectStore> stores, WritePolicy policy) {
        return new Publisher(stores, KEY, TRUSTED, policy, Clock.systemUTC(), new SimpleMeterRegistry());
    }

    @Test
    void publishesArtifactThenIndexToEveryStore() throws Exception {
        List<ObjectStore> stores = List.of(fileStore("a"), fileStore("b"), fileStore("c"));
        try (Publisher p = publisher(stores, WritePolicy.DEFAULT)) {
            PublishResult r = p.publish(ruleset("prod", 1));
            assertTrue(r.allStored(), r.toString());
            for (ObjectStore s : stores) {
                assertEquals(StoreOutcome.Status.PUBLISHED, r.outcome(s.name()).status());
                assertEquals(1, indexedVersion(s, "prod"));
                GetResult art = s.get(StoreLayout.artifactKey("prod", 1), null);
                assertEquals(ruleset("prod", 1), Envelopes.verifyRuleset(((GetResult.Found) art).data(), TRUSTED));
            }
        }
    }

    @Test
    void republishingIsIdempotentAndVersionsNeverGoDown() throws Exception {
        ObjectStore s = fileStore("a");
        try (Publisher p = publisher(List.of(s), WritePolicy.DEFAULT)) {
            byte[] v2 = Envelopes.sign(ruleset("prod", 2), KEY).toByteArray();
            assertEquals(StoreOutcome.Status.PUBLISHED, p.publish(ruleset("prod", 2), v2).outcomes().get(0).status());
            assertEquals(StoreOutcome.Status.ALREADY_CURRENT, p.publish(ruleset("prod", 2), v2).outcomes().get(0).status());
            StoreOutcome older = p.publish(ruleset("prod", 1)).outcomes().get(0);
            assertEquals(StoreOutcome.Status.NEWER_PRESENT, older.status());
            assertEquals(2, indexedVersion(s, "prod"), "the index never goes backwards");
            // other environments are merged alongside, not replaced
            p.publish(ruleset("staging", 5));
            assertEquals(2, indexedVersion(s, "prod"));
            assertEquals(5, indexedVersion(s, "staging"));
            assertEquals(2, SyncFixtures.index(s).getEntries(0).getVersion());
        }
    }

    @Test
    void aDifferentArtifactUnderAnExistingVersionIsRefused() throws Exception {
        ObjectStore s = fileStore("a");
        try (Publisher p = publisher(List.of(s), WritePolicy.DEFAULT)) {
            p.publish(ruleset("prod", 1));
            var other = ruleset("prod", 1).toBuilder().setCreatedAtMillis(42).build();
            StoreOutcome o = p.publish(other).outcomes().get(0);
            assertEquals(StoreOutcome.Status.FAILED, o.status());
            assertTrue(o.detail().contains("artifacts are immutable"), o.detail());
        }
    }

    @Test
    void oneDeadAndOneSlowStoreDoNotDelayTheOthersAndAreRepairedLater() throws Exception {
        ObjectStore good = fileStore("good");
        FaultyStore dead = new FaultyStore(fileStore("dead")).dead(true);
        FaultyStore slow = new FaultyStore(fileStore("slow")).delay(20_000);
        WritePolicy policy = new WritePolicy(Duration.ofMillis(1500), 3, Duration.ofMillis(50), Duration.ofSeconds(30));
        try (Publisher p = publisher(List.of(good, dead, slow), policy)) {
            long t0 = System.nanoTime();
            PublishResult r = p.publish(ruleset("prod", 1));
            long tookMs = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(tookMs < 5_000, "publish must return by its deadline, took " + tookMs + " ms");
            assertEquals(StoreOutcome.Status.PUBLISHED, r.outcome(good.name()).status());
            assertEquals(StoreOutcome.Status.FAILED, r.outcome(dead.name()).status());
            assertTrue(r.outcome(dead.name()).detail().contains("connection refused"), r.outcome(dead.name()).detail());
            assertEquals(StoreOutcome.Status.TIMED_OUT, r.outcome(slow.name()).status());
            assertTrue(r.anyStored());
        }

        // both come back; one reconcile pass makes them identical to the good store
        dead.dead(false);
        slow.delay(0);
        try (Reconciler rec = new Reconciler(List.of(good, dead, slow), KEY, TRUSTED, WritePolicy.DEFAULT, Clock.systemUTC(),
                new SimpleMeterRegistry())) {
            Reconciler.Report report = rec.reconcileOnce();
            assertTrue(report.converged(), report.toString());
        }
        byte[] reference = ((GetResult.Found) good.get(StoreLayout.artifactKey("prod", 1), null)).data();
        for (ObjectStore s : List.of(dead.delegate(), slow.delegate())) {
            assertEquals(1, indexedVersion(s, "prod"), s.name());
            assertArrayEquals(reference, ((GetResult.Found) s.get(StoreLayout.artifactKey("prod", 1), null)).data());
        }
    }

    @Test
    void anS3StoreAtAClosedPortFailsFastAndNamesItself() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        ObjectStore dead = dev.gdn.sync.store.s3.S3ObjectStore.open(
                java.net.URI.create("s3://flags/prod?endpoint=http://127.0.0.1:" + closedPort),
                new dev.gdn.sync.store.StoreOptions(Duration.ofSeconds(2)),
                software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("id", "secret")));
        ObjectStore good = fileStore("good");
        WritePolicy policy = new WritePolicy(Duration.ofSeconds(5), 3, Duration.ofMillis(50), Duration.ofSeconds(30));
        try (Publisher p = publisher(List.of(good, dead), policy)) {
            long t0 = System.nanoTime();
            PublishResult r = p.publish(ruleset("prod", 1));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(StoreOutcome.Status.PUBLISHED, r.outcome(good.name()).status());
            StoreOutcome o = r.outcome(dead.name());
            assertEquals(StoreOutcome.Status.FAILED, o.status());
            // the row names the store; the detail names the operation, the key and the cause, on one line
            assertEquals("s3://flags/prod", o.store());
            assertTrue(o.detail().startsWith("put v1/environments/prod/rulesets/1.pb failed: ") && o.detail().contains("Connection refused")
                    && !o.detail().contains("\n"), o.detail());
            assertTrue(ms < 4_000, "a refused connection fails fast, retries included: " + ms + " ms");
        } finally {
            dead.close();
        }
    }

    @Test
    void aStoreThatKeepsFailingIsSkippedByItsBreaker() throws Exception {
        FaultyStore dead = new FaultyStore(fileStore("dead")).dead(true);
        WritePolicy policy = new WritePolicy(Duration.ofSeconds(5), 1, Duration.ofMillis(10), Duration.ofMinutes(5));
        try (Publisher p = publisher(List.of(fileStore("ok"), dead), policy)) {
            for (int v = 1; v <= 3; v++) {
                assertEquals(StoreOutcome.Status.FAILED, p.publish(ruleset("prod", v)).outcome(dead.name()).status());
            }
            int callsBefore = dead.calls.get();
            StoreOutcome skipped = p.publish(ruleset("prod", 4)).outcome(dead.name());
            assertEquals(StoreOutcome.Status.CIRCUIT_OPEN, skipped.status());
            assertEquals(callsBefore, dead.calls.get(), "an open breaker does not call the store");
        }
    }

    @Test
    void concurrentPublishersNeverLoseAnIndexEntry() throws Exception {
        ObjectStore shared = fileStore("shared");
        int envs = 12;
        ExecutorService pool = Executors.newFixedThreadPool(envs);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<PublishResult>> results = new ArrayList<>();
        try (Publisher p = publisher(List.of(shared), WritePolicy.DEFAULT)) {
            for (int i = 0; i < envs; i++) {
                String env = "env" + i;
                results.add(pool.submit(() -> {
                    start.await();
                    return p.publish(ruleset(env, 1));
                }));
            }
            start.countDown();
            for (Future<PublishResult> f : results) {
                assertTrue(f.get().allStored(), f.get().toString());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(envs, SyncFixtures.index(shared).getEntriesCount());
    }

    @Test
    void aMissingOrCorruptIndexIsRebuiltFromTheArtifactsTheStoreHolds() throws Exception {
        ObjectStore s = fileStore("a");
        try (Publisher p = publisher(List.of(s), WritePolicy.DEFAULT)) {
            p.publish(ruleset("prod", 3));
            p.publish(ruleset("staging", 1));
            s.put(StoreLayout.INDEX_KEY, "garbage".getBytes(), WriteCondition.ALWAYS);
            p.publish(ruleset("dev", 1));
            assertEquals(3, indexedVersion(s, "prod"), "prod survives a corrupt index");
            assertEquals(1, indexedVersion(s, "staging"));
            assertEquals(1, indexedVersion(s, "dev"));

            s.delete(StoreLayout.INDEX_KEY);
            p.publish(ruleset("prod", 4));
            var idx = SyncFixtures.index(s);
            assertNotNull(idx);
            assertEquals(3, idx.getEntriesCount());
            assertEquals(3, dev.gdn.sync.layout.SignedIndex.entry(idx, "prod").orElseThrow().getPreviousVersion());
        }
        assertInstanceOf(GetResult.Found.class, s.get(StoreLayout.artifactKey("prod", 3), null));
    }
}
