package dev.gdn.sync.store.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.sync.store.GetResult;
import dev.gdn.sync.store.ObjectStore;
import dev.gdn.sync.store.ObjectStoreContract;
import dev.gdn.sync.store.ObjectStores;
import dev.gdn.sync.store.StoreException;
import dev.gdn.sync.store.StoreOptions;
import dev.gdn.sync.store.WriteCondition;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The contract against a real S3 API server: S3Proxy, in-process on a free loopback port, with an
 * in-memory blob store and AWS signature checking. Each test gets its own key prefix in one bucket.
 * S3Proxy's conditional PUT is made atomic by {@link AtomicConditionalBlobStore} (see there).
 *
 * <p>The contract runs over stores built as production builds them ({@link S3ObjectStore#open}: the
 * SDK's Apache 5 client, one retry), each with its own client; only the bucket is made with a client of
 * the test's own.
 */
class S3ObjectStoreTest extends ObjectStoreContract {
    private static final String ACCESS_KEY = "gdn-test-access";
    private static final String SECRET_KEY = "gdn-test-secret";
    private static final String BUCKET = "gdn-test";
    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    /** Small pages, so the many-keys listing test crosses several continuation tokens. */
    private static final int TEST_PAGE_SIZE = 10;

    private static S3Proxy proxy;
    private static String endpoint;
    private static S3Client client;

    @BeforeAll
    static void startS3Proxy() throws Exception {
        proxy = S3Proxy.builder()
                .blobStore(new AtomicConditionalBlobStore(BlobStores.create("transient", new Properties())))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        endpoint = "http://127.0.0.1:" + proxy.getPort();
        client = S3Client.builder()
                .endpointOverride(URI.create(endpoint))
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .httpClientBuilder(Apache5HttpClient.builder())
                .build();
        client.createBucket(b -> b.bucket(BUCKET));
    }

    @AfterAll
    static void stopS3Proxy() throws Exception {
        if (client != null) {
            client.close();
        }
        if (proxy != null) {
            proxy.stop();
        }
    }

    private static URI uri(String prefix) {
        return URI.create("s3://" + BUCKET + "/" + prefix + "?endpoint=" + endpoint);
    }

    @Override
    protected ObjectStore newStore() throws Exception {
        return S3ObjectStore.open(uri("t" + PREFIXES.incrementAndGet()), StoreOptions.DEFAULT, CREDENTIALS, TEST_PAGE_SIZE);
    }

    @Override
    protected int manyKeysCount() {
        return 25; // 3 pages of 10
    }

    @Test
    void listSpansMoreThanOneDefaultPage() throws Exception {
        // S3's real page size (1000): 1,100 keys need a second ListObjectsV2 call with a continuation token.
        try (S3ObjectStore big = S3ObjectStore.open(uri("big" + PREFIXES.incrementAndGet()), StoreOptions.DEFAULT, CREDENTIALS)) {
            store.close();
            store = big;
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 1100; i++) {
                keys.add(String.format("v1/environments/prod/rulesets/%04d.pb", i));
            }
            putAll(keys);
            assertEquals(keys, big.list("v1/"));
            store = null;
        }
    }

    @Test
    void etagsHaveNoQuotes() throws Exception {
        String etag = store.put("q", "x".getBytes(StandardCharsets.UTF_8), WriteCondition.ALWAYS);
        assertFalse(etag.contains("\""), etag);
        assertEquals(etag, ((GetResult.Found) store.get("q", null)).etag());
    }

    @Test
    void closedPortFailsFastNamingStoreAndKey() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        URI dead = URI.create("s3://" + BUCKET + "/dead?endpoint=http://127.0.0.1:" + port);
        try (S3ObjectStore s = S3ObjectStore.open(dead, new StoreOptions(Duration.ofSeconds(5)), CREDENTIALS)) {
            long start = System.nanoTime();
            StoreException e = assertThrows(StoreException.class, () -> s.get("v1/index.json", null));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "took " + took);
            assertEquals("s3://" + BUCKET + "/dead", e.store());
            assertEquals("v1/index.json", e.key());
            assertTrue(e.getMessage().contains("s3://" + BUCKET + "/dead") && e.getMessage().contains("v1/index.json"),
                    e.getMessage());
            assertFalse(e.getMessage().contains(SECRET_KEY));
        }
    }

    @Test
    void openParsesBucketPrefixEndpointAndRegion() throws Exception {
        try (ObjectStore s = ObjectStores.open("s3://bucket/a/b?endpoint=http://127.0.0.1:1&region=eu-west-1",
                StoreOptions.DEFAULT)) {
            assertEquals("s3://bucket/a/b", s.name());
        }
        try (ObjectStore s = ObjectStores.open("s3://bucket/a/b/?endpoint=http://127.0.0.1:1", StoreOptions.DEFAULT)) {
            assertEquals("s3://bucket/a/b", s.name());
        }
        try (ObjectStore s = ObjectStores.open("s3://bucket?endpoint=http://127.0.0.1:1&profile=nobody", StoreOptions.DEFAULT)) {
            assertEquals("s3://bucket", s.name());
        }
    }

    @Test
    void openRejectsUnknownParametersAndCredentialsInTheUri() {
        StoreException typo = assertThrows(StoreException.class,
                () -> ObjectStores.open("s3://bucket/p?regoin=us-east-1", StoreOptions.DEFAULT));
        assertTrue(typo.getMessage().contains("regoin"), typo.getMessage());
        StoreException creds = assertThrows(StoreException.class,
                () -> ObjectStores.open("s3://AKIAEXAMPLE:s3cr3t@bucket/p", StoreOptions.DEFAULT));
        assertFalse(creds.getMessage().contains("s3cr3t"), creds.getMessage());
    }

    @Test
    void openThroughObjectStoresUsesTheDefaultCredentialChain() throws Exception {
        // The production path: ObjectStores.open, TimedObjectStore, default chain (system properties here).
        // A hundred fresh stores, each writing first thing on a new connection: with the JDK url-connection
        // client about one such write in three failed ("Error writing request body to server"), and when
        // the server had stored it, the retry then reported the store's own write as "already exists".
        String[] props = {"aws.accessKeyId", "aws.secretAccessKey"};
        String[] old = {System.getProperty(props[0]), System.getProperty(props[1])};
        System.setProperty(props[0], ACCESS_KEY);
        System.setProperty(props[1], SECRET_KEY);
        try {
            for (int i = 0; i < 100; i++) {
                try (ObjectStore s = ObjectStores.open(uri("via-open-" + PREFIXES.incrementAndGet()) + "&region=us-east-1",
                        StoreOptions.DEFAULT)) {
                    String etag = s.put("v1/environments/prod/rulesets/1.pb", new byte[] {1, 2, 3}, WriteCondition.IF_ABSENT);
                    assertInstanceOf(GetResult.NotModified.class, s.get("v1/environments/prod/rulesets/1.pb", etag));
                    assertEquals(List.of("v1/environments/prod/rulesets/1.pb"), s.list("v1/"));
                }
            }
        } finally {
            for (int i = 0; i < props.length; i++) {
                if (old[i] == null) {
                    System.clearProperty(props[i]);
                } else {
                    System.setProperty(props[i], old[i]);
                }
            }
        }
    }
}
