package dev.gdn.sync.store.gcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import dev.gdn.sync.store.ObjectStore;
import dev.gdn.sync.store.ObjectStoreContract;
import dev.gdn.sync.store.ObjectStores;
import dev.gdn.sync.store.PreconditionFailedException;
import dev.gdn.sync.store.StoreException;
import dev.gdn.sync.store.StoreOptions;
import dev.gdn.sync.store.WriteCondition;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The contract against Google's in-memory {@link LocalStorageHelper}, since no GCS emulator installs
 * here. That fake reports no generations and does not honour preconditions, so this covers the
 * content-ETag fallback for get/put/list/delete only: the conditional-write tests are skipped, and
 * the generation (real GCS) path is not exercised by any test here. Its state is static, so every
 * test gets its own bucket. Its page size truncates without a next page, so multi-page listing is not
 * exercised either (the store uses the client's page iteration).
 */
class GcsObjectStoreTest extends ObjectStoreContract {
    private static final Storage STORAGE = LocalStorageHelper.getOptions().getService();

    @Override
    protected ObjectStore newStore() {
        return GcsObjectStore.of(STORAGE, "gdn-test-" + UUID.randomUUID(), "prefix/");
    }

    @Override
    protected boolean supportsConditionalWrites() {
        return false; // LocalStorageHelper ignores or rejects generation preconditions
    }

    @Test
    void nameIsBucketAndPrefix() {
        assertEquals("gs://b/x/y", GcsObjectStore.of(STORAGE, "b", "/x/y/").name());
        assertEquals("gs://b", GcsObjectStore.of(STORAGE, "b", "").name());
    }

    @Test
    void openParsesBucketPrefixHostAndProject() throws Exception {
        try (ObjectStore s = ObjectStores.open("gs://bucket/a/b?host=http://127.0.0.1:1&project=gdn-test",
                StoreOptions.DEFAULT)) {
            assertEquals("gs://bucket/a/b", s.name());
        }
        StoreException typo = assertThrows(StoreException.class,
                () -> ObjectStores.open("gs://bucket/a?hots=http://127.0.0.1:1", StoreOptions.DEFAULT));
        assertTrue(typo.getMessage().contains("hots"), typo.getMessage());
    }

    @Test
    void withoutGenerationsEtagIsContentDerivedAndConditionalWritesFailLoudly() throws Exception {
        byte[] data = "rules".getBytes(StandardCharsets.UTF_8);
        String etag = store.put("k", data, WriteCondition.ALWAYS);
        assertEquals(dev.gdn.sync.store.ContentEtag.of(data), etag);
        // Never a silent success: the fake cannot enforce the condition, so the store refuses.
        for (WriteCondition c : new WriteCondition[] {WriteCondition.IF_ABSENT, WriteCondition.ifMatch(etag)}) {
            StoreException e = assertThrows(StoreException.class, () -> store.put("k", data, c));
            assertFalse(e instanceof PreconditionFailedException, e.getMessage());
            assertTrue(e.getMessage().contains("generations"), e.getMessage());
        }
    }
}
