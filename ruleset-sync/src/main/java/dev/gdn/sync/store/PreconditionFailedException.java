package dev.gdn.sync.store;

/** A conditional write whose condition no longer held (someone else wrote first). */
public final class PreconditionFailedException extends StoreException {
    private static final long serialVersionUID = 1L;

    public PreconditionFailedException(String store, String key, String detail) {
        super(store, "put", key, "precondition failed: " + detail, null);
    }
}
