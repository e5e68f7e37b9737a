package dev.gdn.node;

import dev.gdn.ruleset.apikey.ApiKeys;
import dev.gdn.ruleset.compile.FlagdCompiler;
import dev.gdn.ruleset.proto.ApiKeyKind;
import dev.gdn.ruleset.proto.Ruleset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real GDN node (in process, on 127.0.0.1) serving one environment per flag file, each with its own
 * client key: what the flagd testbed's OFREP run asks. Built on {@link NodeFixture}, for tests outside
 * this package.
 */
public final class TestbedNode implements AutoCloseable {
    private final Path dir;
    private final NodeFixture fixture;
    private final GdnNode node;
    private final Map<String, String> clientKeys = new HashMap<>();

    private TestbedNode(Path dir, Map<String, byte[]> flagFiles) throws Exception {
        this.dir = dir;
        this.fixture = new NodeFixture(dir);
        Path store = fixture.storeDir("testbed");
        for (Map.Entry<String, byte[]> e : flagFiles.entrySet()) {
            String key = ApiKeys.newSecret(ApiKeyKind.CLIENT);
            clientKeys.put(e.getKey(), key);
            Ruleset r = FlagdCompiler.compile(e.getValue()).toRuleset(e.getKey(), 1, System.currentTimeMillis(),
                    List.of(ApiKeys.hashOf(key, ApiKeyKind.CLIENT, "testbed")));
            fixture.publish(r, store);
        }
        this.node = fixture.startStoreNode(List.of(store), null);
        NodeFixture.await("the node serves every testbed environment",
                () -> flagFiles.keySet().stream().allMatch(env -> node.registry().current(env).isPresent()));
    }

    /** @param flagFiles environment id → flagd file */
    public static TestbedNode start(Path dir, Map<String, byte[]> flagFiles) throws Exception {
        return new TestbedNode(dir, flagFiles);
    }

    public String baseUrl() {
        return NodeFixture.base(node);
    }

    public String clientKey(String environment) {
        return clientKeys.get(environment);
    }

    @Override
    public void close() {
        fixture.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
