package dev.gdn.sync.store;

/** A store call that failed: which store, which key, what was being done, and why. */
public class StoreException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String store;
    private final String key;

    public StoreException(String store, String operation, String key, String cause, Throwable e) {
        super(store + ": " + operation + (key == null ? "" : " " + key) + " failed: " + cause, e);
        this.store = store;
        this.key = key;
    }

    public String store() {
        return store;
    }

    public String key() {
        return key;
    }
}
