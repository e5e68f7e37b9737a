package dev.gdn.sync.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every {@link ObjectStore} must do, run against each backend by a subclass that supplies a
 * fresh, empty store per test. A backend that cannot show a capability here says so through an
 * overridable method, and the tests that need it are skipped (reported as such), never faked.
 */
public abstract class ObjectStoreContract {
    protected ObjectStore store;

    /** A new, empty store; closed after the test. */
    protected abstract ObjectStore newStore() throws Exception;

    /**
     * Whether the store under test honours IfAbsent/IfMatch. Only stores backed by a fake that ignores
     * preconditions (GCS on LocalStorageHelper) return false.
     */
    protected boolean supportsConditionalWrites() {
        return true;
    }

    /** Keys for the many-keys listing test; subclasses with paged listing make this exceed one page. */
    protected int manyKeysCount() {
        return 25;
    }

    /** Increments per thread in the compare-and-swap test (8 threads). */
    protected int casIncrementsPerThread() {
        return 10;
    }

    @BeforeEach
    void openStore() throws Exception {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private GetResult.Found found(String key) throws StoreException {
        return assertInstanceOf(GetResult.Found.class, store.get(key, null), key);
    }

    private void assertContent(String key, String expected) throws StoreException {
        assertEquals(expected, new String(found(key).data(), StandardCharsets.UTF_8), key);
    }

    @Test
    void getMissingIsMissing() throws Exception {
        assertInstanceOf(GetResult.Missing.class, store.get("nope/never-written.pb", null));
        assertInstanceOf(GetResult.Missing.class, store.get("nope/never-written.pb", "some-etag"));
    }

    @Test
    void putThenGetReturnsBytesAndThePutEtag() throws Exception {
        String etag = store.put("a/b.pb", utf8("hello"), WriteCondition.ALWAYS);
        assertTrue(etag != null && !etag.isEmpty());
        GetResult.Found f = found("a/b.pb");
        assertArrayEquals(utf8("hello"), f.data());
        assertEquals(etag, f.etag());
    }

    @Test
    void ifNoneMatchWithCurrentEtagIsNotModifiedAndStaleIsFound() throws Exception {
        String etag = store.put("k", utf8("v1"), WriteCondition.ALWAYS);
        GetResult.NotModified nm = assertInstanceOf(GetResult.NotModified.class, store.get("k", etag));
        assertEquals(etag, nm.etag());

        String etag2 = store.put("k", utf8("v2"), WriteCondition.ALWAYS);
        GetResult.Found f = assertInstanceOf(GetResult.Found.class, store.get("k", etag));
        assertArrayEquals(utf8("v2"), f.data());
        assertEquals(etag2, f.etag());
        assertInstanceOf(GetResult.Found.class, store.get("k", "not-an-etag-of-anything"));
    }

    @Test
    void overwriteChangesContentAndEtag() throws Exception {
        String e1 = store.put("k", utf8("one"), WriteCondition.ALWAYS);
        String e2 = store.put("k", utf8("two"), WriteCondition.ALWAYS);
        assertNotEquals(e1, e2);
        GetResult.Found f = found("k");
        assertArrayEquals(utf8("two"), f.data());
        assertEquals(e2, f.etag());
    }

    @Test
    void ifAbsentCreatesNewKey() throws Exception {
        assumeTrue(supportsConditionalWrites(), "backend under test does not honour preconditions");
        String etag = store.put("new", utf8("first"), WriteCondition.IF_ABSENT);
        assertEquals(etag, found("new").etag());
        assertContent("new", "first");
    }

    @Test
    void ifAbsentOnExistingKeyFailsAndKeepsContent() throws Exception {
        assumeTrue(supportsConditionalWrites(), "backend under test does not honour preconditions");
        String etag = store.put("k", utf8("original"), WriteCondition.ALWAYS);
        PreconditionFailedException e = assertThrows(PreconditionFailedException.class,
                () -> store.put("k", utf8("intruder"), WriteCondition.IF_ABSENT));
        assertEquals("k", e.key());
        assertEquals(store.name(), e.store());
        GetResult.Found f = found("k");
        assertArrayEquals(utf8("original"), f.data());
        assertEquals(etag, f.etag());
    }

    @Test
    void ifMatchWithCurrentEtagSucceeds() throws Exception {
        assumeTrue(supportsConditionalWrites(), "backend under test does not honour preconditions");
        String e1 = store.put("k", utf8("v1"), WriteCondition.ALWAYS);
        String e2 = store.put("k", utf8("v2"), WriteCondition.ifMatch(e1));
        assertNotEquals(e1, e2);
        GetResult.Found f = found("k");
        assertArrayEquals(utf8("v2"), f.data());
        assertEquals(e2, f.etag());
    }

    @Test
    void ifMatchWithStaleEtagFailsAndKeepsContent() throws Exception {
        assumeTrue(supportsConditionalWrites(), "backend under test does not honour preconditions");
        String stale = store.put("k", utf8("v1"), WriteCondition.ALWAYS);
        String current = store.put("k", utf8("v2"), WriteCondition.ALWAYS);
        assertThrows(PreconditionFailedException.class, () -> store.put("k", utf8("v3"), WriteCondition.ifMatch(stale)));
        GetResult.Found f = found("k");
        assertArrayEquals(utf8("v2"), f.data());
        assertEquals(current, f.etag());
    }

    @Test
    void ifMatchOnMissingKeyFails() throws Exception {
        assumeTrue(supportsConditionalWrites(), "backend under test does not honour preconditions");
        String etagElsewhere = store.put("other", utf8("x"), WriteCondition.ALWAYS);
        assertThrows(PreconditionFailedException.class,
                () -> store.put("missing", utf8("y"), WriteCondition.ifMatch(etagElsewhere)));
        assertInstanceOf(GetResult.Missing.class, store.get("missing", null));
    }

    @Test
    void listByPrefixReturnsExactlyTheMatchingKeysSorted() throws Exception {
        List<String> all = List.of(
                "v1/environments/prod/rulesets/2.pb",
                "v1/environments/prod/rulesets/1.pb",
                "v1/environments/prod/index.json",
                "v1/environments/prod-eu/rulesets/1.pb",
                "v1/environments/staging/rulesets/1.pb",
                "v2/environments/prod/rulesets/1.pb",
                "readme.txt");
        for (String k : all) {
            store.put(k, utf8(k), WriteCondition.ALWAYS);
        }
        assertEquals(List.of(
                "v1/environments/prod/index.json",
                "v1/environments/prod/rulesets/1.pb",
                "v1/environments/prod/rulesets/2.pb"), store.list("v1/environments/prod/"));
        // A prefix is a string prefix, not a directory: "prod" also matches "prod-eu".
        assertEquals(List.of(
                "v1/environments/prod-eu/rulesets/1.pb",
                "v1/environments/prod/index.json",
                "v1/environments/prod/rulesets/1.pb",
                "v1/environments/prod/rulesets/2.pb"), store.list("v1/environments/prod"));
        assertEquals(List.of("v1/environments/prod/rulesets/1.pb", "v1/environments/prod/rulesets/2.pb"),
                store.list("v1/environments/prod/rulesets/"));
        assertEquals(all.stream().sorted().toList(), store.list(""));
        assertEquals(List.of(), store.list("v3/"));
    }

    @Test
    void listReturnsManyKeys() throws Exception {
        int n = manyKeysCount();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            expected.add(String.format("many/%05d.pb", i));
        }
        putAll(expected);
        store.put("manyx", utf8("not under many/"), WriteCondition.ALWAYS);
        List<String> listed = store.list("many/");
        assertEquals(n, listed.size());
        assertEquals(expected, listed);
    }

    /** Writes small objects from a few threads, so a thousand of them take seconds, not tens. */
    protected void putAll(List<String> keys) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (String k : keys) {
                futures.add(pool.submit(() -> store.put(k, utf8(k), WriteCondition.ALWAYS)));
            }
            for (Future<String> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void deleteRemovesAndDeletingMissingIsFine() throws Exception {
        store.put("d/1", utf8("x"), WriteCondition.ALWAYS);
        store.put("d/2", utf8("y"), WriteCondition.ALWAYS);
        store.delete("d/1");
        assertInstanceOf(GetResult.Missing.class, store.get("d/1", null));
        assertEquals(List.of("d/2"), store.list("d/"));
        store.delete("d/1");
        store.delete("never/there");
        assertContent("d/2", "y");
    }

    @Test
    void everyByteValueRoundTrips() throws Exception {
        byte[] data = new byte[512];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i % 256);
        }
        String etag = store.put("bin/all-bytes", data, WriteCondition.ALWAYS);
        GetResult.Found f = found("bin/all-bytes");
        assertArrayEquals(data, f.data());
        assertEquals(etag, f.etag());
    }

    @Test
    void emptyObjectRoundTrips() throws Exception {
        String etag = store.put("empty", new byte[0], WriteCondition.ALWAYS);
        GetResult.Found f = found("empty");
        assertEquals(0, f.data().length);
        assertEquals(etag, f.etag());
        assertInstanceOf(GetResult.NotModified.class, store.get("empty", etag));
        assertEquals(List.of("empty"), store.list("empty"));
    }

    @Test
    void invalidKeysAreRejected() {
        for (String bad : List.of("", "/abs", "a//b", "a/../b", "./a", "a/")) {
            StoreException e = assertThrows(StoreException.class, () -> store.put(bad, utf8("x"), WriteCondition.ALWAYS),
                    "key '" + bad + "'");
            assertEquals(store.name(), e.store());
            assertThrows(StoreException.class, () -> store.get(bad, null), "key '" + bad + "'");
        }
    }

    @Test
    @Timeout(120)
    void concurrentCompareAndSwapNeverLosesAnUpdate() throws Exception {
        assumeTrue(supportsConditionalWrites(), "backend under test does not honour preconditions");
        int threads = 8;
        int perThread = casIncrementsPerThread();
        store.put("counter", utf8("0"), WriteCondition.IF_ABSENT);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        while (true) {
                            GetResult.Found cur = (GetResult.Found) store.get("counter", null);
                            int n = Integer.parseInt(new String(cur.data(), StandardCharsets.UTF_8));
                            try {
                                store.put("counter", utf8(Integer.toString(n + 1)), WriteCondition.ifMatch(cur.etag()));
                                break;
                            } catch (PreconditionFailedException lost) {
                                // someone else won this round: read again
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(110, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertContent("counter", Integer.toString(threads * perThread));
    }
}
