package dev.gdn.node.events;

import dev.gdn.node.source.LoadedRuleset;
import dev.gdn.node.source.RulesetSource;
import dev.gdn.ruleset.ofrep.EventStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Turns a {@link RulesetSource}'s new versions into per-environment notifications: the newest
 * {@code refetchEvaluation} of each environment (encoded once per version), the subscriptions
 * waiting for the next one, and waiters for a given version. Idle subscriptions are parked threads
 * (virtual, one per stream under Helidon) holding no buffers.
 */
final class ChangeFeed {
    /** A version's notification, encoded once. */
    record Change(String environmentId, long version, byte[] data) {
        String id() {
            return Long.toString(version);
        }
    }

    private final RulesetSource source;
    private final Map<String, Change> newest = new ConcurrentHashMap<>();
    private final Map<String, Set<Subscription>> byEnvironment = new ConcurrentHashMap<>();
    private final ReentrantLock installLock = new ReentrantLock();
    private final Condition installed = installLock.newCondition();

    ChangeFeed(RulesetSource source) {
        this.source = source;
        source.addListener(this::onInstall);
    }

    private void onInstall(LoadedRuleset r) {
        Change c = change(r);
        newest.merge(r.environmentId(), c, (old, neu) -> neu.version() > old.version() ? neu : old);
        for (Subscription s : byEnvironment.getOrDefault(r.environmentId(), Set.of())) {
            s.offer(c);
        }
        installLock.lock();
        try {
            installed.signalAll();
        } finally {
            installLock.unlock();
        }
    }

    private static Change change(LoadedRuleset r) {
        return new Change(r.environmentId(), r.version(), EventStream.refetchEvaluation(r.environmentId(), r.version(),
                r.compiled().ruleset().getCreatedAtMillis() / 1000));
    }

    /** The notification for the environment's current version, if it has one. */
    Optional<Change> current(String environmentId) {
        Change known = newest.get(environmentId);
        Optional<LoadedRuleset> cur = source.current(environmentId);
        if (cur.isEmpty()) {
            return Optional.ofNullable(known);
        }
        if (known != null && known.version() >= cur.get().version()) {
            return Optional.of(known);
        }
        Change c = change(cur.get());
        newest.merge(environmentId, c, (old, neu) -> neu.version() > old.version() ? neu : old);
        return Optional.of(c);
    }

    Subscription subscribe(String environmentId, long delivered) {
        Subscription s = new Subscription(this, environmentId, delivered);
        byEnvironment.computeIfAbsent(environmentId, e -> ConcurrentHashMap.newKeySet()).add(s);
        // a version installed between the caller's check and this registration is not lost
        current(environmentId).ifPresent(s::offer);
        return s;
    }

    void unsubscribe(Subscription s) {
        Set<Subscription> set = byEnvironment.get(s.environmentId);
        if (set != null) {
            set.remove(s);
        }
    }

    int open() {
        int n = 0;
        for (Set<Subscription> s : byEnvironment.values()) {
            n += s.size();
        }
        return n;
    }

    /** Ends every subscription: their streams finish at once (used before the server stops). */
    void closeAll() {
        for (Set<Subscription> set : byEnvironment.values()) {
            for (Subscription s : set) {
                s.close();
            }
        }
    }

    /**
     * Waits until the environment's current version is at least {@code version}, at most {@code max}.
     * Returns whether it is.
     */
    boolean awaitVersion(String environmentId, long version, Duration max) throws InterruptedException {
        long left = max.toNanos();
        installLock.lock();
        try {
            while (source.current(environmentId).map(LoadedRuleset::version).orElse(0L) < version) {
                if (left <= 0) {
                    return false;
                }
                left = installed.awaitNanos(left);
            }
            return true;
        } finally {
            installLock.unlock();
        }
    }

    /** One stream's mailbox: the newest change not yet delivered. */
    static final class Subscription {
        private final ChangeFeed feed;
        final String environmentId;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private Change pending;
        private long delivered;
        private boolean closed;

        Subscription(ChangeFeed feed, String environmentId, long delivered) {
            this.feed = feed;
            this.environmentId = environmentId;
            this.delivered = delivered;
        }

        void offer(Change c) {
            lock.lock();
            try {
                if (c.version() > delivered && (pending == null || c.version() > pending.version())) {
                    pending = c;
                    changed.signal();
                }
            } finally {
                lock.unlock();
            }
        }

        void close() {
            lock.lock();
            try {
                closed = true;
                changed.signal();
            } finally {
                lock.unlock();
            }
        }

        boolean isClosed() {
            lock.lock();
            try {
                return closed;
            } finally {
                lock.unlock();
            }
        }

        /**
         * The next change to send, or null when {@code timeout} passed first (time for a heartbeat) or
         * the subscription was closed (see {@link #isClosed}).
         */
        Change next(Duration timeout) throws InterruptedException {
            long left = timeout.toNanos();
            lock.lock();
            try {
                while (pending == null && !closed && left > 0) {
                    left = changed.awaitNanos(left);
                }
                if (closed || pending == null) {
                    return null;
                }
                Change c = pending;
                pending = null;
                delivered = c.version();
                return c;
            } finally {
                lock.unlock();
            }
        }

        void cancel() {
            feed.unsubscribe(this);
        }
    }
}
