package dev.gdn.sync.store;

import java.util.List;

/**
 * One object store holding GDN artifacts under a prefix: a directory, an S3 bucket, a GCS bucket.
 * Keys are relative to the store's prefix and use '/' separators. Implementations are chosen by URI
 * scheme ({@link ObjectStores#open}) and all pass the same contract test suite.
 *
 * <p>Every method throws {@link StoreException} naming the store, the key and the cause; a call never
 * hangs past the store's timeout.
 */
public interface ObjectStore extends AutoCloseable {
    /** A name for logs, metrics and messages, e.g. {@code s3://bucket/prefix}. Never contains credentials. */
    String name();

    /**
     * Reads an object.
     *
     * @param ifNoneMatch the ETag from an earlier read, or null: when it still matches, the result is
     *                    {@link GetResult.NotModified} and no body is transferred
     */
    GetResult get(String key, String ifNoneMatch) throws StoreException;

    /**
     * Writes a whole object, atomically: readers see the old bytes or the new, never part.
     *
     * @return the new ETag
     * @throws PreconditionFailedException when {@code condition} does not hold
     */
    String put(String key, byte[] data, WriteCondition condition) throws StoreException;

    /** Keys under a prefix (relative to the store's prefix), in lexicographic order. */
    List<String> list(String prefix) throws StoreException;

    /** Deletes an object; deleting a missing object is not an error. */
    void delete(String key) throws StoreException;

    @Override
    default void close() {
    }
}
