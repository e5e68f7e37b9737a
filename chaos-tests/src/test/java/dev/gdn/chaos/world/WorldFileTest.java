package dev.gdn.chaos.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorldFileTest {
    @TempDir
    Path dir;

    static final String SPEC_EXAMPLE = """
            {"environment": "prod", "client_key": "ck", "server_key": "sk",
             "admin": {"url": "http://127.0.0.1:9000", "token": "t"},
             "regions": [{"code": "ams", "belt_cdn": "http://127.0.1.1:8001", "node": "http://127.0.1.2:8002",
                          "suspenders_cdn": "http://127.0.1.3:8003", "classic": "http://127.0.1.4:8004",
                          "pids": {"node": 123, "belt_cdn": 124}, "remote_nodes": {"iad": "http://127.0.1.5:8005"}}],
             "stores": ["file:///tmp/store", "s3://bucket/gdn?endpoint=http://127.0.0.1:9100"],
             "pids": {"postgres": 1, "classic": 2, "sync": 3}, "trust": "keys/gdn-signing.pub", "links": "http://127.0.0.1:9200"}
            """;

    World parse(String json) throws Exception {
        return WorldFile.parse(dir, "world.json", json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsTheSpecExampleAndKeepsExtraFields() throws Exception {
        Files.writeString(dir.resolve("world.json"), SPEC_EXAMPLE);
        World w = WorldFile.read(dir);
        assertEquals("prod", w.environment());
        assertEquals("ck", w.clientKey());
        assertEquals("http://127.0.0.1:9000", w.admin().url().toString());
        assertEquals(List.of("ams"), w.regionCodes());
        World.Region ams = w.region("ams");
        assertEquals("http://127.0.1.3:8003", ams.suspendersCdn().toString());
        assertEquals(Map.of("node", 123L, "belt_cdn", 124L), ams.pids());
        assertEquals(Map.of("iad", "http://127.0.1.5:8005"), ams.extra().get("remote_nodes"));
        assertEquals(2, w.stores().size());
        assertEquals(3L, w.pid("sync").orElseThrow());
        assertEquals("keys/gdn-signing.pub", w.extraString("trust").orElseThrow());
    }

    @Test
    void problemsNameTheFileAndTheField() {
        assertEquals("world.json /regions/0/node: missing", assertThrows(WorldFile.BadWorldFile.class,
                () -> parse(SPEC_EXAMPLE.replace("\"node\": \"http://127.0.1.2:8002\",", ""))).getMessage());
        assertEquals("world.json /admin/url: 'nope' is not an absolute URL", assertThrows(WorldFile.BadWorldFile.class,
                () -> parse(SPEC_EXAMPLE.replace("http://127.0.0.1:9000", "nope"))).getMessage());
        assertEquals("world.json /regions/0/pids/node: a pid (positive integer)", assertThrows(WorldFile.BadWorldFile.class,
                () -> parse(SPEC_EXAMPLE.replace("\"node\": 123", "\"node\": \"123\""))).getMessage());
        assertEquals("world.json /regions: no regions", assertThrows(WorldFile.BadWorldFile.class,
                () -> parse(SPEC_EXAMPLE.replaceAll("(?s)\"regions\": \\[.*?\\}\\}\\],", "\"regions\": [],"))).getMessage());
        assertTrue(assertThrows(WorldFile.BadWorldFile.class, () -> parse("{\"environment\": ")).getMessage().startsWith("world.json: not JSON"));
        WorldFile.BadWorldFile missing = assertThrows(WorldFile.BadWorldFile.class, () -> WorldFile.read(dir.resolve("nowhere")));
        assertTrue(missing.getMessage().contains("no such file (is a world running there?"), missing.getMessage());
    }
}
