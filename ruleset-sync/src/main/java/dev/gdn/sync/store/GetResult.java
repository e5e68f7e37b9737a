package dev.gdn.sync.store;

/** What a conditional read found. */
public sealed interface GetResult {
    /** The object's bytes and its current ETag. */
    record Found(byte[] data, String etag) implements GetResult {
    }

    /** The object still has the ETag the reader sent: nothing transferred. */
    record NotModified(String etag) implements GetResult {
    }

    /** No object at that key. */
    record Missing() implements GetResult {
    }

    GetResult MISSING = new Missing();
}
