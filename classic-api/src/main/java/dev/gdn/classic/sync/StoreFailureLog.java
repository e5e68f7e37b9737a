package dev.gdn.classic.sync;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells each store's failures once: a line when a store starts failing or fails for another reason,
 * and one when it works again; not one per attempt. The daemon retries a failing store every poll, and
 * a line every two seconds per store would bury everything else in the log.
 */
final class StoreFailureLog {
    private static final System.Logger LOG = System.getLogger(SyncDaemon.class.getName());
    private final Map<String, String> failing = new ConcurrentHashMap<>();

    /** @param what what was being done, e.g. "publish prod v3" */
    void failed(String store, String what, String reason) {
        String before = failing.put(store, reason);
        if (!reason.equals(before)) {
            LOG.log(Level.WARNING, "{0}: {1} failed: {2}", store, what, reason);
        }
    }

    void succeeded(String store) {
        if (failing.remove(store) != null) {
            LOG.log(Level.INFO, "{0}: working again", store);
        }
    }

    /** The stores failing now, with why. */
    Map<String, String> failing() {
        return Map.copyOf(failing);
    }
}
