package dev.gdn.sync.fetch;

import java.time.Instant;
import java.util.Map;

/**
 * What a reader knows about one store.
 *
 * @param up          the last index poll succeeded and verified
 * @param lastSuccess when a poll last succeeded, or null
 * @param lastError   the last failure, or null
 * @param versions    environment → version in this store's index
 * @param lagVersions the most versions this store is behind what the reader serves, over all environments
 */
public record StoreStatus(String store, boolean up, Instant lastSuccess, String lastError, Map<String, Long> versions,
                          long lagVersions) {
}
