package dev.gdn.sync.store.s3;

import dev.gdn.sync.store.GetResult;
import dev.gdn.sync.store.InvalidStoreUriException;
import dev.gdn.sync.store.ObjectStore;
import dev.gdn.sync.store.PreconditionFailedException;
import dev.gdn.sync.store.StoreException;
import dev.gdn.sync.store.StoreOptions;
import dev.gdn.sync.store.StoreUris;
import dev.gdn.sync.store.WriteCondition;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An S3 bucket (or an S3-compatible server) as an object store, opened from
 * {@code s3://bucket/optional/prefix?endpoint=URL&region=R&profile=NAME}.
 *
 * <ul>
 *   <li>{@code endpoint}: talk to this server instead of AWS; implies path-style addressing, which
 *       S3-compatible servers (MinIO, S3Proxy, Ceph) expect.</li>
 *   <li>{@code region}: defaults to {@code us-east-1} with an endpoint, otherwise to the SDK's region
 *       chain (env, system property, profile), falling back to {@code us-east-1}.</li>
 *   <li>{@code profile}: credentials from that profile of the shared config files; without it, the
 *       SDK's default credential chain.</li>
 * </ul>
 *
 * <p>Conditional writes use S3's own conditional PUT ({@code If-None-Match: *}, {@code If-Match}), so
 * compare-and-swap is enforced by the server, not by a read-then-write here. ETags are S3's, without
 * the quotes HTTP puts around them.
 *
 * <p>Each call is bounded by {@link StoreOptions#callTimeout()} (the SDK's API call timeout) and
 * retried at most once by the SDK: the publisher above has its own retry and failover policy, and
 * stacked retries would only multiply latency when a store is down.
 */
public final class S3ObjectStore implements ObjectStore {
    private static final Set<String> PARAMS = Set.of("endpoint", "region", "profile");
    /** S3's own maximum; tests lower it to cover pagination with few objects. */
    static final int DEFAULT_PAGE_SIZE = 1000;

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final String name;
    private final int pageSize;

    private S3ObjectStore(S3Client s3, String bucket, String prefix, int pageSize) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix;
        this.name = StoreUris.name("s3", bucket, prefix);
        this.pageSize = pageSize;
    }

    /** Opens from an {@code s3://} URI with the default (or {@code profile=}) credentials. */
    public static S3ObjectStore open(URI uri, StoreOptions options) throws StoreException {
        return open(uri, options, null, DEFAULT_PAGE_SIZE);
    }

    /**
     * Opens from an {@code s3://} URI with explicit credentials (e.g. from a secret manager, or static
     * ones for a test server); {@code profile=} must then be absent.
     */
    public static S3ObjectStore open(URI uri, StoreOptions options, AwsCredentialsProvider credentials)
            throws StoreException {
        return open(uri, options, credentials, DEFAULT_PAGE_SIZE);
    }

    static S3ObjectStore open(URI uri, StoreOptions options, AwsCredentialsProvider credentials, int pageSize)
            throws StoreException {
        String display = "s3://" + (uri.getHost() == null ? "?" : uri.getHost());
        if (!"s3".equals(uri.getScheme())) {
            throw new InvalidStoreUriException(display, "not an s3:// URI", null);
        }
        String bucket = StoreUris.bucket(uri, display);
        String prefix = StoreUris.prefix(uri);
        String name = StoreUris.name("s3", bucket, prefix);
        Map<String, String> params = StoreUris.params(uri, name, PARAMS);
        if (pageSize < 1 || pageSize > DEFAULT_PAGE_SIZE) {
            throw new IllegalArgumentException("pageSize must be 1.." + DEFAULT_PAGE_SIZE);
        }

        Duration timeout = options.callTimeout();
        S3ClientBuilder builder = S3Client.builder()
                // Since SDK 2.30 every PutObject is sent aws-chunked with a trailing CRC checksum, which
                // S3-compatible servers handle unevenly (S3Proxy 4.1 answers an empty one before reading
                // its body and drops the connection). The whole object is in memory, so send a plain body
                // with Content-MD5 instead: the same integrity check, understood everywhere.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .httpClientBuilder(Apache5HttpClient.builder()
                        .connectionTimeout(timeout)
                        .socketTimeout(timeout))
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(timeout)
                        // Standard mode allows 3 attempts; cap at 2 (one retry), see the class comment.
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(2).build())
                        .build());

        String endpoint = params.get("endpoint");
        String region = params.get("region");
        if (endpoint != null && !endpoint.isEmpty()) {
            URI e;
            try {
                e = URI.create(endpoint);
            } catch (IllegalArgumentException ex) {
                throw new InvalidStoreUriException(name, "bad endpoint '" + endpoint + "': " + ex.getMessage(), ex);
            }
            if (e.getScheme() == null || e.getHost() == null) {
                throw new InvalidStoreUriException(name, "endpoint must be an absolute http(s) URL: " + endpoint, null);
            }
            builder.endpointOverride(e).forcePathStyle(true);
        }
        builder.region(Region.of(region != null && !region.isEmpty() ? region
                : endpoint != null ? "us-east-1" : defaultRegion()));

        String profile = params.get("profile");
        if (credentials != null && profile != null) {
            throw new InvalidStoreUriException(name, "profile= given together with explicit credentials", null);
        }
        if (credentials == null) {
            credentials = ExplainedCredentials.forProfile(profile);
        }
        builder.credentialsProvider(credentials);

        try {
            return new S3ObjectStore(builder.build(), bucket, prefix, pageSize);
        } catch (SdkException ex) {
            throw new StoreException(name, "open", null, describe(ex), ex);
        }
    }

    private static String defaultRegion() {
        try {
            return DefaultAwsRegionProviderChain.builder().build().getRegion().id();
        } catch (SdkException e) {
            return "us-east-1";
        }
    }

    @Override
    public String name() {
        return name;
    }

    private String fullKey(String operation, String key) throws StoreException {
        StoreUris.checkKey(name, operation, key);
        return prefix + key;
    }

    /** S3 sends ETags quoted (RFC 9110); callers compare plain strings, so strip the quotes everywhere. */
    static String unquote(String etag) {
        if (etag == null) {
            return null;
        }
        String e = etag.startsWith("W/") ? etag.substring(2) : etag;
        return e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"") ? e.substring(1, e.length() - 1) : e;
    }

    private static String quote(String etag) {
        return etag.startsWith("\"") ? etag : "\"" + etag + "\"";
    }

    @Override
    public GetResult get(String key, String ifNoneMatch) throws StoreException {
        String full = fullKey("get", key);
        GetObjectRequest.Builder req = GetObjectRequest.builder().bucket(bucket).key(full);
        if (ifNoneMatch != null) {
            req.ifNoneMatch(quote(ifNoneMatch));
        }
        try {
            ResponseBytes<GetObjectResponse> bytes = s3.getObjectAsBytes(req.build());
            return new GetResult.Found(bytes.asByteArray(), unquote(bytes.response().eTag()));
        } catch (NoSuchKeyException e) {
            return GetResult.MISSING;
        } catch (S3Exception e) {
            // The SDK turns 304 Not Modified into an exception; it is the cheap, expected answer.
            if (e.statusCode() == 304) {
                return new GetResult.NotModified(unquote(ifNoneMatch));
            }
            if (e.statusCode() == 404 && !isNoSuchBucket(e)) {
                return GetResult.MISSING;
            }
            throw failure("get", key, e);
        } catch (SdkException e) {
            throw failure("get", key, e);
        }
    }

    @Override
    public String put(String key, byte[] data, WriteCondition condition) throws StoreException {
        String full = fullKey("put", key);
        PutObjectRequest.Builder req = PutObjectRequest.builder().bucket(bucket).key(full)
                .contentType("application/octet-stream")
                .contentMD5(md5Base64(data));
        switch (condition) {
            case WriteCondition.Always a -> {
            }
            case WriteCondition.IfAbsent a -> req.ifNoneMatch("*");
            case WriteCondition.IfMatch m -> req.ifMatch(quote(m.etag()));
        }
        try {
            return unquote(s3.putObject(req.build(), RequestBody.fromBytes(data)).eTag());
        } catch (S3Exception e) {
            if (e.statusCode() == 412) {
                throw new PreconditionFailedException(name, key, switch (condition) {
                    case WriteCondition.IfMatch m -> "ETag is no longer " + m.etag();
                    default -> "object already exists";
                });
            }
            // S3 answers If-Match on a missing object with 404 NoSuchKey.
            if (e.statusCode() == 404 && condition instanceof WriteCondition.IfMatch m && !isNoSuchBucket(e)) {
                throw new PreconditionFailedException(name, key, "object does not exist (expected ETag " + m.etag() + ")");
            }
            // 409 ConditionalRequestConflict: a concurrent conditional write won; same as losing the race.
            if (e.statusCode() == 409 && !(condition instanceof WriteCondition.Always)) {
                throw new PreconditionFailedException(name, key, "concurrent conditional write (" + describe(e) + ")");
            }
            throw failure("put", key, e);
        } catch (SdkException e) {
            throw failure("put", key, e);
        }
    }

    private static String md5Base64(byte[] data) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public List<String> list(String listPrefix) throws StoreException {
        String full = prefix + listPrefix;
        List<String> keys = new ArrayList<>();
        String token = null;
        try {
            do {
                ListObjectsV2Response page = s3.listObjectsV2(ListObjectsV2Request.builder()
                        .bucket(bucket).prefix(full).maxKeys(pageSize).continuationToken(token).build());
                for (S3Object o : page.contents()) {
                    keys.add(o.key().substring(prefix.length()));
                }
                token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
            } while (token != null);
        } catch (SdkException e) {
            throw failure("list", listPrefix, e);
        }
        // S3 lists in UTF-8 binary order; sort anyway so every backend answers in the same order.
        keys.sort(null);
        return keys;
    }

    @Override
    public void delete(String key) throws StoreException {
        String full = fullKey("delete", key);
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(full));
        } catch (S3Exception e) {
            if (e.statusCode() == 404 && !isNoSuchBucket(e)) {
                return;
            }
            throw failure("delete", key, e);
        } catch (SdkException e) {
            throw failure("delete", key, e);
        }
    }

    private static boolean isNoSuchBucket(S3Exception e) {
        return e.awsErrorDetails() != null && "NoSuchBucket".equals(e.awsErrorDetails().errorCode());
    }

    /** A store failure from an SDK exception: one line, and permanent when no credentials were found. */
    private StoreException failure(String operation, String key, SdkException e) {
        String missing = ExplainedCredentials.explanation(e);
        return missing != null ? new StoreException(name, operation, key, missing, e, true)
                : new StoreException(name, operation, key, describe(e), e);
    }

    /** A one-line cause: HTTP status and S3 error code when there is one, else the SDK's message. */
    private static String describe(SdkException e) {
        if (e instanceof S3Exception s3e && s3e.awsErrorDetails() != null) {
            return "HTTP " + s3e.statusCode() + " " + s3e.awsErrorDetails().errorCode()
                    + (s3e.awsErrorDetails().errorMessage() == null ? "" : ": " + s3e.awsErrorDetails().errorMessage());
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    @Override
    public void close() {
        s3.close();
    }

    @Override
    public String toString() {
        return name;
    }
}
