package dev.gdn.chaos.world;

import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.sync.store.ObjectStore;
import dev.gdn.sync.store.ObjectStores;
import dev.gdn.sync.store.StoreException;
import dev.gdn.sync.store.StoreOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The world's stores and signing trust as a drill reaches them: opened from world.json's URIs, verified with its key. */
public final class WorldStores {
    private WorldStores() {
    }

    /**
     * Opens one of the world's stores. An S3 store takes its credentials from world.json's {@code s3} block
     * (a local world's S3Proxy), handed to the AWS SDK as the system properties of its default chain
     * when this process has none of its own.
     */
    public static ObjectStore open(World world, String uri) throws StoreException {
        if (uri.startsWith("s3:") && world.extra().get("s3") instanceof Map<?, ?> s3
                && System.getProperty("aws.accessKeyId") == null && System.getenv("AWS_ACCESS_KEY_ID") == null) {
            if (s3.get("access_key") instanceof String id && s3.get("secret_key") instanceof String secret) {
                System.setProperty("aws.accessKeyId", id);
                System.setProperty("aws.secretAccessKey", secret);
            }
        }
        return ObjectStores.open(uri, new StoreOptions(Duration.ofSeconds(5)));
    }

    /** The keys the world signs with: world.json's {@code trust} (a public key file, relative to the world's directory). */
    public static TrustedKeys trusted(World world) throws IOException {
        String trust = world.extraString("trust").orElseThrow(() -> new IOException(world.dir().resolve(WorldFile.NAME)
                + ": no \"trust\" (the world's public signing key file), so store artifacts cannot be verified"));
        return TrustedKeys.load(List.of(world.dir().resolve(Path.of(trust))));
    }
}
