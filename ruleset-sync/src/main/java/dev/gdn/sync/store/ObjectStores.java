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
 */
public final class ObjectStores {
    private ObjectStores() {
    }

    public static ObjectStore open(String uri, StoreOptions options) throws StoreException {
        URI u = parse(uri);
        ObjectStore store = switch (u.getScheme() == null ? "file" : u.getScheme()) {
            case "file" -> FileObjectStore.open(u.getScheme() == null ? Path.of(uri) : Path.of(u));
            case "s3" -> S3ObjectStore.open(u, options);
            case "gs" -> GcsObjectStore.open(u, options);
            default -> throw new StoreException(uri, "open", null,
                    "unknown store scheme '" + u.getScheme() + "' (expected file:, s3: or gs:)", null);
        };
        return new TimedObjectStore(store, options.callTimeout());
    }

    private static URI parse(String uri) throws StoreException {
        try {
            return new URI(uri);
        } catch (URISyntaxException e) {
            throw new StoreException(uri, "open", null, "not a store URI: " + e.getMessage(), e);
        }
    }
}
