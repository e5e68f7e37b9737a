package dev.gdn.bench;

import java.net.URI;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 API server for the bench programs: S3Proxy in this JVM on a free loopback port, in memory, with
 * signature checking and one bucket, {@code gdn}.
 */
final class LocalS3 implements AutoCloseable {
    static final String ACCESS_KEY = "bench";
    static final String SECRET_KEY = "bench-secret";
    static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));

    private final S3Proxy proxy;

    private LocalS3(S3Proxy proxy) {
        this.proxy = proxy;
    }

    static LocalS3 start() throws Exception {
        S3Proxy proxy = S3Proxy.builder().blobStore(BlobStores.create("transient", new Properties()))
                .endpoint(URI.create("http://127.0.0.1:0")).awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(10);
        }
        LocalS3 s3 = new LocalS3(proxy);
        try (S3Client client = S3Client.builder().endpointOverride(URI.create(s3.endpoint())).forcePathStyle(true)
                .region(Region.US_EAST_1).credentialsProvider(CREDENTIALS).build()) {
            client.createBucket(b -> b.bucket("gdn"));
        }
        return s3;
    }

    String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    /** The store URI of {@code prefix} in the bucket. */
    String storeUri(String prefix) {
        return "s3://gdn/" + prefix + "?endpoint=" + endpoint();
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
