package dev.gdn.sync.store;

import java.util.List;

/**
 * A store that could not be opened for a reason that may pass (a directory that cannot be created
 * yet, a client that could not be built). Every call tries to open it again and, until that works,
 * fails with the open error. So such a store fails its own calls, like an unreachable one, and never
 * stops a publication, a node or a sync daemon that has other stores.
 */
final class ReopeningStore implements ObjectStore {
    interface Opener {
        ObjectStore open() throws StoreException;
    }

    private final String name;
    private final Opener opener;
    private volatile ObjectStore opened;

    ReopeningStore(String name, Opener opener) {
        this.name = name;
        this.opener = opener;
    }

    private ObjectStore store() throws StoreException {
        ObjectStore s = opened;
        if (s != null) {
            return s;
        }
        synchronized (this) {
            if (opened == null) {
                opened = opener.open();
            }
            return opened;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public GetResult get(String key, String ifNoneMatch) throws StoreException {
        return store().get(key, ifNoneMatch);
    }

    @Override
    public String put(String key, byte[] data, WriteCondition condition) throws StoreException {
        return store().put(key, data, condition);
    }

    @Override
    public List<String> list(String prefix) throws StoreException {
        return store().list(prefix);
    }

    @Override
    public void delete(String key) throws StoreException {
        store().delete(key);
    }

    @Override
    public void close() {
        ObjectStore s = opened;
        if (s != null) {
            s.close();
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
