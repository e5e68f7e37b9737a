package dev.gdn.sync.store.gcs;

import com.google.api.gax.paging.Page;
import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.BaseServiceException;
import com.google.cloud.NoCredentials;
import com.google.cloud.http.HttpTransportOptions;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import dev.gdn.sync.store.ContentEtag;
import dev.gdn.sync.store.GetResult;
import dev.gdn.sync.store.InvalidStoreUriException;
import dev.gdn.sync.store.ObjectStore;
import dev.gdn.sync.store.PreconditionFailedException;
import dev.gdn.sync.store.StoreException;
import dev.gdn.sync.store.StoreOptions;
import dev.gdn.sync.store.StoreUris;
import dev.gdn.sync.store.WriteCondition;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Google Cloud Storage bucket as an object store, opened from
 * {@code gs://bucket/optional/prefix?host=URL&project=ID}.
 *
 * <ul>
 *   <li>{@code host}: another endpoint, e.g. an emulator at {@code http://127.0.0.1:4443}. A plain
 *       {@code http://} host is taken to be an emulator and gets no credentials.</li>
 *   <li>{@code project}: the project ID; otherwise the one from the environment, if any.</li>
 *   <li>Credentials: Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud, metadata
 *       server).</li>
 * </ul>
 *
 * <p>The ETag is the object's <em>generation</em> as a decimal string: GCS bumps it on every write, and
 * it is what GCS preconditions compare. So IfAbsent is {@code ifGenerationMatch=0}
 * ({@code doesNotExist}), IfMatch is {@code ifGenerationMatch=N}, and a read whose If-None-Match equals
 * the current generation returns NotModified after a metadata-only request, without downloading.
 *
 * <p>Fallback: some Storage implementations (Google's in-memory {@code LocalStorageHelper}, used in
 * tests here) report no generation. Then the ETag is content-derived, the hex of the first 16 bytes of
 * the SHA-256 of the bytes (as in {@code FileObjectStore}), so that get/put/NotModified stay consistent.
 * Such an ETag cannot be sent as a generation precondition, so once the storage has shown it reports no
 * generations, conditional writes fail with a {@link StoreException} rather than silently ignoring
 * their condition.
 */
public final class GcsObjectStore implements ObjectStore {
    private static final Set<String> PARAMS = Set.of("host", "project");
    /** A read of a generation that was replaced between metadata and download is retried this often. */
    private static final int READ_ATTEMPTS = 3;

    private final Storage storage;
    private final String bucket;
    private final String prefix;
    private final String name;
    private final boolean ownsStorage;
    /** Set once the storage returned an object without a generation (see the class comment). */
    private volatile boolean noGenerations;

    private GcsObjectStore(Storage storage, String bucket, String prefix, boolean ownsStorage) {
        this.storage = storage;
        this.bucket = bucket;
        this.prefix = prefix;
        this.name = StoreUris.name("gs", bucket, prefix);
        this.ownsStorage = ownsStorage;
    }

    /** Opens from a {@code gs://} URI, building a client bounded by the call timeout. */
    public static GcsObjectStore open(URI uri, StoreOptions options) throws StoreException {
        String display = "gs://" + (uri.getHost() == null ? "?" : uri.getHost());
        if (!"gs".equals(uri.getScheme())) {
            throw new InvalidStoreUriException(display, "not a gs:// URI", null);
        }
        String bucket = StoreUris.bucket(uri, display);
        String prefix = StoreUris.prefix(uri);
        String name = StoreUris.name("gs", bucket, prefix);
        Map<String, String> params = StoreUris.params(uri, name, PARAMS);

        Duration timeout = options.callTimeout();
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        StorageOptions.Builder builder = StorageOptions.http()
                .setTransportOptions(HttpTransportOptions.newBuilder()
                        .setConnectTimeout(timeoutMs)
                        .setReadTimeout(timeoutMs)
                        .build())
                // At most one client retry, all within the call timeout: the publisher retries itself.
                .setRetrySettings(RetrySettings.newBuilder()
                        .setMaxAttempts(2)
                        .setTotalTimeoutDuration(timeout)
                        .setInitialRetryDelayDuration(Duration.ofMillis(100))
                        .setMaxRetryDelayDuration(Duration.ofMillis(500))
                        .setRetryDelayMultiplier(2.0)
                        .setInitialRpcTimeoutDuration(timeout)
                        .setMaxRpcTimeoutDuration(timeout)
                        .setRpcTimeoutMultiplier(1.0)
                        .build());
        String host = params.get("host");
        if (host != null && !host.isEmpty()) {
            URI h = URI.create(host);
            if (h.getScheme() == null || h.getHost() == null) {
                throw new InvalidStoreUriException(name, "host must be an absolute http(s) URL: " + host, null);
            }
            builder.setHost(host);
            if ("http".equals(h.getScheme())) {
                builder.setCredentials(NoCredentials.getInstance());
            }
        }
        String project = params.get("project");
        if (project != null && !project.isEmpty()) {
            builder.setProjectId(project);
        }
        try {
            return new GcsObjectStore(builder.build().getService(), bucket, prefix, true);
        } catch (RuntimeException e) {
            throw new StoreException(name, "open", null, oneLine(e.toString()), e);
        }
    }

    /**
     * A store over a ready client, e.g. {@code LocalStorageHelper.getOptions().getService()} in tests.
     * The caller keeps ownership of {@code storage}.
     *
     * @param prefix key prefix inside the bucket, "" for none
     */
    public static GcsObjectStore of(Storage storage, String bucket, String prefix) {
        return new GcsObjectStore(storage, bucket, StoreUris.normalizePrefix(prefix), false);
    }

    @Override
    public String name() {
        return name;
    }

    private String fullKey(String operation, String key) throws StoreException {
        StoreUris.checkKey(name, operation, key);
        return prefix + key;
    }

    @Override
    public GetResult get(String key, String ifNoneMatch) throws StoreException {
        String full = fullKey("get", key);
        try {
            for (int attempt = 1; ; attempt++) {
                Blob meta = storage.get(BlobId.of(bucket, full));
                if (meta == null) {
                    return GetResult.MISSING;
                }
                Long generation = meta.getGeneration();
                if (generation == null) {
                    noGenerations = true;
                    byte[] data = storage.readAllBytes(BlobId.of(bucket, full));
                    String etag = ContentEtag.of(data);
                    return etag.equals(ifNoneMatch) ? new GetResult.NotModified(etag) : new GetResult.Found(data, etag);
                }
                String etag = Long.toString(generation);
                if (etag.equals(ifNoneMatch)) {
                    return new GetResult.NotModified(etag);
                }
                try {
                    // Read exactly the generation we saw, so the bytes and the ETag belong together.
                    return new GetResult.Found(storage.readAllBytes(BlobId.of(bucket, full, generation)), etag);
                } catch (BaseServiceException e) {
                    // 404: overwritten or deleted since the metadata read; look again.
                    if (e.getCode() != 404 || attempt >= READ_ATTEMPTS) {
                        throw e;
                    }
                }
            }
        } catch (BaseServiceException e) {
            if (e.getCode() == 404 && !isBucketMissing(e)) {
                return GetResult.MISSING;
            }
            throw new StoreException(name, "get", key, describe(e), e);
        } catch (RuntimeException e) {
            throw new StoreException(name, "get", key, oneLine(e.toString()), e);
        }
    }

    @Override
    public String put(String key, byte[] data, WriteCondition condition) throws StoreException {
        String full = fullKey("put", key);
        Storage.BlobTargetOption[] options = switch (condition) {
            case WriteCondition.Always a -> new Storage.BlobTargetOption[0];
            case WriteCondition.IfAbsent a -> {
                refuseWithoutGenerations(key);
                yield new Storage.BlobTargetOption[] {Storage.BlobTargetOption.doesNotExist()};
            }
            case WriteCondition.IfMatch m -> {
                refuseWithoutGenerations(key);
                long generation;
                try {
                    generation = Long.parseLong(m.etag());
                } catch (NumberFormatException e) {
                    // Not a generation this store handed out, so it cannot be the current one.
                    throw new PreconditionFailedException(name, key, "ETag " + m.etag() + " is not a GCS generation");
                }
                yield new Storage.BlobTargetOption[] {Storage.BlobTargetOption.generationMatch(generation)};
            }
        };
        try {
            Blob blob = storage.create(BlobInfo.newBuilder(BlobId.of(bucket, full))
                    .setContentType("application/octet-stream").build(), data, options);
            if (blob == null || blob.getGeneration() == null) {
                noGenerations = true;
                return ContentEtag.of(data);
            }
            return Long.toString(blob.getGeneration());
        } catch (BaseServiceException e) {
            if (e.getCode() == 412) {
                throw new PreconditionFailedException(name, key, switch (condition) {
                    case WriteCondition.IfMatch m -> "generation is no longer " + m.etag();
                    default -> "object already exists";
                });
            }
            if (e.getCode() == 404 && condition instanceof WriteCondition.IfMatch m && !isBucketMissing(e)) {
                throw new PreconditionFailedException(name, key, "object does not exist (expected ETag " + m.etag() + ")");
            }
            throw new StoreException(name, "put", key, describe(e), e);
        } catch (RuntimeException e) {
            // e.g. UnsupportedOperationException from a fake that does not implement preconditions.
            throw new StoreException(name, "put", key, oneLine(e.toString()), e);
        }
    }

    private void refuseWithoutGenerations(String key) throws StoreException {
        if (noGenerations) {
            throw new StoreException(name, "put", key,
                    "conditional writes need object generations, and this storage reports none", null);
        }
    }

    @Override
    public List<String> list(String listPrefix) throws StoreException {
        List<String> keys = new ArrayList<>();
        try {
            Page<Blob> page = storage.list(bucket, Storage.BlobListOption.prefix(prefix + listPrefix));
            // iterateAll follows nextPageToken across pages.
            for (Blob b : page.iterateAll()) {
                if (!b.isDirectory() && !b.getName().endsWith("/")) {
                    keys.add(b.getName().substring(prefix.length()));
                }
            }
        } catch (BaseServiceException e) {
            throw new StoreException(name, "list", listPrefix, describe(e), e);
        } catch (RuntimeException e) {
            throw new StoreException(name, "list", listPrefix, oneLine(e.toString()), e);
        }
        keys.sort(null);
        return keys;
    }

    @Override
    public void delete(String key) throws StoreException {
        String full = fullKey("delete", key);
        try {
            storage.delete(BlobId.of(bucket, full)); // false when missing: fine
        } catch (BaseServiceException e) {
            if (e.getCode() == 404 && !isBucketMissing(e)) {
                return;
            }
            throw new StoreException(name, "delete", key, describe(e), e);
        } catch (RuntimeException e) {
            throw new StoreException(name, "delete", key, oneLine(e.toString()), e);
        }
    }

    private static boolean isBucketMissing(BaseServiceException e) {
        return e.getMessage() != null && e.getMessage().contains("bucket does not exist");
    }

    private static String describe(BaseServiceException e) {
        return "HTTP " + e.getCode() + (e.getReason() == null ? "" : " " + e.getReason()) + ": " + oneLine(e.getMessage());
    }

    /** GCS messages may carry a JSON body or a multi-line credentials guide: the first line says what failed. */
    private static String oneLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).strip();
    }

    @Override
    public void close() {
        if (ownsStorage) {
            try {
                storage.close();
            } catch (Exception e) {
                // Closing only releases client resources; nothing to report to the caller.
            }
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
