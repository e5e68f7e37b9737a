package dev.gdn.cli;

import dev.gdn.ruleset.json.JsonReadException;
import dev.gdn.ruleset.json.JsonReader;
import dev.gdn.ruleset.json.JsonWriter;
import dev.gdn.ruleset.proto.ApiKeyHash;
import dev.gdn.ruleset.proto.ApiKeyKind;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The API keys file of a store-only deployment: the names, kinds and SHA-256 hashes of an
 * environment's keys, never the secrets.
 * <pre>{"keys": [{"name": "web", "kind": "client", "sha256": "…hex…", "created": "2026-…"}]}</pre>
 */
final class ApiKeysFile {
    record Entry(String name, ApiKeyKind kind, String sha256Hex, String created) {
        ApiKeyHash toProto() {
            return ApiKeyHash.newBuilder().setName(name).setKind(kind)
                    .setSha256(ByteString.copyFrom(HexFormat.of().parseHex(sha256Hex))).build();
        }
    }

    private ApiKeysFile() {
    }

    @SuppressWarnings("unchecked")
    static List<Entry> read(Path file) {
        if (!Files.exists(file)) {
            return new ArrayList<>();
        }
        Object doc;
        try {
            doc = JsonReader.standard().read(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new CliException(ExitCodes.BAD_INPUT, file + ": cannot read keys file: " + e.getMessage());
        } catch (JsonReadException e) {
            throw new CliException(ExitCodes.BAD_INPUT, file + ": " + e.getMessage());
        }
        if (!(doc instanceof Map) || !(((Map<String, Object>) doc).get("keys") instanceof List)) {
            throw new CliException(ExitCodes.BAD_INPUT, file + ": not a keys file (expected {\"keys\": [...]})");
        }
        List<Entry> out = new ArrayList<>();
        List<Object> keys = (List<Object>) ((Map<String, Object>) doc).get("keys");
        for (int i = 0; i < keys.size(); i++) {
            String where = file + " /keys/" + i;
            if (!(keys.get(i) instanceof Map)) {
                throw new CliException(ExitCodes.BAD_INPUT, where + ": must be an object");
            }
            Map<String, Object> k = (Map<String, Object>) keys.get(i);
            Object kind = k.get("kind");
            Object sha = k.get("sha256");
            if (!"client".equals(kind) && !"server".equals(kind)) {
                throw new CliException(ExitCodes.BAD_INPUT, where + "/kind: must be \"client\" or \"server\"");
            }
            if (!(sha instanceof String) || !((String) sha).matches("[0-9a-f]{64}")) {
                throw new CliException(ExitCodes.BAD_INPUT, where + "/sha256: must be 64 lowercase hex digits");
            }
            out.add(new Entry(String.valueOf(k.getOrDefault("name", "")), ApiKeyKind.valueOf(((String) kind).toUpperCase()),
                    (String) sha, String.valueOf(k.getOrDefault("created", ""))));
        }
        return out;
    }

    static void write(Path file, List<Entry> entries) {
        List<Object> keys = new ArrayList<>();
        for (Entry e : entries) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", e.name());
            m.put("kind", e.kind().name().toLowerCase());
            m.put("sha256", e.sha256Hex());
            m.put("created", e.created());
            keys.add(m);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("keys", keys);
        try {
            dev.gdn.ruleset.files.AtomicFile.write(file, (JsonWriter.toJson(doc) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CliException(ExitCodes.CANNOT_WRITE, file + ": cannot write keys file: " + e.getMessage());
        }
    }
}
