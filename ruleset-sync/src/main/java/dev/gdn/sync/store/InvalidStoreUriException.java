package dev.gdn.sync.store;

/**
 * A store URI that names no usable store (bad syntax, unknown scheme or parameter, credentials in the
 * URI): a configuration mistake, refused before anything is read or written, unlike a store that is
 * only unreachable for now.
 */
public final class InvalidStoreUriException extends StoreException {
    private static final long serialVersionUID = 1L;

    public InvalidStoreUriException(String store, String cause, Throwable e) {
        super(store, "open", null, cause, e, true);
    }
}
