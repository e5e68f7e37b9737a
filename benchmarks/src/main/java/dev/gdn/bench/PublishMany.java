package dev.gdn.bench;

import dev.gdn.ruleset.apikey.ApiKeys;
import dev.gdn.ruleset.envelope.SigningKey;
import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.ruleset.proto.ApiKeyKind;
import dev.gdn.ruleset.proto.Ruleset;
import dev.gdn.sync.publish.Publisher;
import dev.gdn.sync.publish.WritePolicy;
import dev.gdn.sync.store.ObjectStore;
import dev.gdn.sync.store.ObjectStores;
import dev.gdn.sync.store.StoreOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Publishes many environments in one JVM (bench/node-bench.sh's memory run; a CLI call per
 * environment would spend minutes starting JVMs): environments PREFIX-000 … each with its own
 * FLAGS-flag file (FlagdGenerator, seed varied per environment) and its own client key. Writes the
 * client key secrets, one per line, to KEYS_OUT.
 * <p>Usage: {@code PublishMany STORE_URI SIGNING_KEY PREFIX COUNT FLAGS KEYS_OUT}.
 */
public final class PublishMany {
    private PublishMany() {
    }

    public static void main(String[] args) throws Exception {
        String store = args[0];
        SigningKey key = SigningKey.load(Path.of(args[1]));
        String prefix = args[2];
        int count = Integer.parseInt(args[3]);
        int flags = Integer.parseInt(args[4]);
        Path keysOut = Path.of(args[5]);
        StringBuilder secrets = new StringBuilder();
        ObjectStore s = ObjectStores.open(store, new StoreOptions(Duration.ofSeconds(10)));
        WritePolicy policy = new WritePolicy(Duration.ofSeconds(10), 3, Duration.ofMillis(100), Duration.ofSeconds(30));
        try (Publisher publisher = new Publisher(List.of(s), key, TrustedKeys.of(), policy, Clock.systemUTC(), new SimpleMeterRegistry())) {
            for (int i = 0; i < count; i++) {
                String env = String.format("%s-%03d", prefix, i);
                String secret = ApiKeys.newSecret(ApiKeyKind.CLIENT);
                Ruleset r = Fixtures.ruleset(FlagdGenerator.generate(flags, Fixtures.SEED + i)).toBuilder()
                        .setEnvironmentId(env).setVersion(1).setCreatedAtMillis(System.currentTimeMillis())
                        .addApiKeys(ApiKeys.hashOf(secret, ApiKeyKind.CLIENT, "bench")).build();
                if (!publisher.publish(r).anyStored()) {
                    throw new IllegalStateException("could not publish " + env);
                }
                secrets.append(secret).append('\n');
            }
        }
        s.close();
        Files.writeString(keysOut, secrets);
        System.out.println("published " + count + " environments × " + flags + " flags to " + store);
    }
}
