package dev.gdn.sync.store;

/**
 * A store call that failed: which store, which key, what was being done, and why. The message is one
 * line, {@code store: operation key failed: cause}, whatever the backend's own exception said.
 */
public class StoreException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String store;
    private final String operation;
    private final String key;
    private final String reason;
    private final boolean permanent;

    public StoreException(String store, String operation, String key, String cause, Throwable e) {
        this(store, operation, key, cause, e, false);
    }

    /**
     * @param permanent retrying the same call cannot help (no credentials, a store that cannot be opened,
     *                  a conflicting immutable object), so callers fail at once instead of backing off
     */
    public StoreException(String store, String operation, String key, String cause, Throwable e, boolean permanent) {
        super(store + ": " + operation + (key == null ? "" : " " + key) + " failed: " + cause, e);
        this.store = store;
        this.operation = operation;
        this.key = key;
        this.reason = cause;
        this.permanent = permanent;
    }

    public String store() {
        return store;
    }

    public String key() {
        return key;
    }

    /** What was being done: open, get, put, list, delete. */
    public String operation() {
        return operation;
    }

    /** Why it failed, in one line, without the store's name. */
    public String reason() {
        return reason;
    }

    public boolean permanent() {
        return permanent;
    }

    /** The message without the leading store name, for reports that already show the store. */
    public String withoutStore() {
        return getMessage().substring(store.length() + 2);
    }
}
