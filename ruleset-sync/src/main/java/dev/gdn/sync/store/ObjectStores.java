package dev.gdn.sync.store;

import dev.gdn.sync.store.file.FileObjectStore;
import dev.gdn.sync.store.gcs.GcsObjectStore;
import dev.gdn.sync.store.s3.S3ObjectStore;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * Opens a store from its URI, by scheme:
 * <ul>
 *   <li>{@code file:///abs/dir} (or a plain path): a directory</li>
 *   <li>{@code s3://bucket/optional/prefix?endpoint=URL&region=R&profile=NAME}: an S3 bucket or an
 *       S3-compatible server; credentials from the AWS default chain or the named profile
 *       ({@link S3ObjectStore})</li>
 *   <li>{@code gs://bucket/optional/prefix?host=URL&project=ID}: a Google Cloud Storage bucket;
 *       Application Default Credentials ({@link GcsObjectStore})</li>
 * </ul>
 * Every store comes wrapped in {@link TimedObjectStore}.
 *
 * <p>A URI that names no usable store is refused ({@link InvalidStoreUriException}). A store that is
 * named correctly but cannot be opened now (a directory that cannot be created, say) is not: it comes
 * back as a store whose every call fails with that reason until it can be opened, so it fails its own
 * row of a publication, or shows DOWN on a node, like an unreachable bucket.
 */
public final class ObjectStores {
    private ObjectStores() {
    }

    public static ObjectStore open(String uri, StoreOptions options) throws InvalidStoreUriException {
        URI u = parse(uri);
        ReopeningStore.Opener opener = switch (u.getScheme() == null ? "file" : u.getScheme()) {
            case "file" -> {
                Path dir = filePath(uri, u);
                yield () -> FileObjectStore.open(dir);
            }
            case "s3" -> () -> S3ObjectStore.open(u, options);
            case "gs" -> () -> GcsObjectStore.open(u, options);
            default -> throw new InvalidStoreUriException(uri,
                    "unknown store scheme '" + u.getScheme() + "' (expected file:, s3: or gs:)", null);
        };
        ObjectStore store;
        try {
            store = opener.open();
        } catch (InvalidStoreUriException e) {
            throw e;
        } catch (StoreException e) {
            store = new ReopeningStore(e.store(), opener);
        }
        return new TimedObjectStore(store, options.callTimeout());
    }

    private static Path filePath(String uri, URI u) throws InvalidStoreUriException {
        try {
            return u.getScheme() == null ? Path.of(uri) : Path.of(u);
        } catch (IllegalArgumentException e) { // InvalidPathException too
            throw new InvalidStoreUriException(uri, "not a directory path: " + e.getMessage(), e);
        }
    }

    private static URI parse(String uri) throws InvalidStoreUriException {
        try {
            return new URI(uri);
        } catch (URISyntaxException e) {
            throw new InvalidStoreUriException(uri, "not a store URI: " + e.getMessage(), e);
        }
    }
}
