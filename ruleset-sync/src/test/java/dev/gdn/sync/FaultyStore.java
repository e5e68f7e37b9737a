package dev.gdn.sync;

import dev.gdn.sync.store.GetResult;
import dev.gdn.sync.store.ObjectStore;
import dev.gdn.sync.store.StoreException;
import dev.gdn.sync.store.WriteCondition;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A real store with faults switched on and off by the test: dead (every call refused) or slow (every call delayed). */
public final class FaultyStore implements ObjectStore {
    private final ObjectStore delegate;
    private volatile boolean dead;
    private volatile long delayMillis;
    public final AtomicInteger calls = new AtomicInteger();

    public FaultyStore(ObjectStore delegate) {
        this.delegate = delegate;
    }

    public FaultyStore dead(boolean dead) {
        this.dead = dead;
        return this;
    }

    public FaultyStore delay(long millis) {
        this.delayMillis = millis;
        return this;
    }

    public ObjectStore delegate() {
        return delegate;
    }

    private void fault(String op, String key) throws StoreException {
        calls.incrementAndGet();
        if (dead) {
            throw new StoreException(name(), op, key, "connection refused (injected)", null);
        }
        if (delayMillis > 0) {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException(name(), op, key, "interrupted", e);
            }
        }
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public GetResult get(String key, String ifNoneMatch) throws StoreException {
        fault("get", key);
        return delegate.get(key, ifNoneMatch);
    }

    @Override
    public String put(String key, byte[] data, WriteCondition condition) throws StoreException {
        fault("put", key);
        return delegate.put(key, data, condition);
    }

    @Override
    public List<String> list(String prefix) throws StoreException {
        fault("list", prefix);
        return delegate.list(prefix);
    }

    @Override
    public void delete(String key) throws StoreException {
        fault("delete", key);
        delegate.delete(key);
    }
}
