package dev.gdn.classic.db;

import dev.gdn.ruleset.files.AtomicFile;
import dev.gdn.ruleset.json.JsonReadException;
import dev.gdn.ruleset.json.JsonReader;
import dev.gdn.ruleset.json.JsonWriter;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A real PostgreSQL from Maven Central binaries, keeping its data in a directory so a restart keeps
 * every flag and key. Its JDBC URL is written to {@code DIR/postgres.json} so {@code gdn sync
 * --data-dir DIR} finds the running database.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    public static final String CONNECTION_FILE = "postgres.json";
    private final EmbeddedPostgres postgres;
    private final Path connectionFile;

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path connectionFile) {
        this.postgres = postgres;
        this.connectionFile = connectionFile;
    }

    /** @param port 0 for any free port */
    public static EmbeddedDatabase start(Path dataDir, int port) throws IOException {
        Files.createDirectories(dataDir);
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir.resolve("pgdata"))
                .setCleanDataDirectory(false)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("unix_socket_directories", "");
        if (port > 0) {
            b.setPort(port);
        }
        EmbeddedPostgres pg = b.start();
        Path file = dataDir.resolve(CONNECTION_FILE);
        Map<String, Object> conn = new LinkedHashMap<>();
        conn.put("jdbcUrl", pg.getJdbcUrl("postgres", "postgres"));
        conn.put("user", "postgres");
        AtomicFile.write(file, JsonWriter.toJson(conn).getBytes(StandardCharsets.UTF_8));
        return new EmbeddedDatabase(pg, file);
    }

    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    public int port() {
        return postgres.getPort();
    }

    /** The JDBC URL a running embedded database in {@code dataDir} wrote, or null. */
    @SuppressWarnings("unchecked")
    public static String readJdbcUrl(Path dataDir) throws IOException {
        Path file = dataDir.resolve(CONNECTION_FILE);
        if (!Files.exists(file)) {
            return null;
        }
        try {
            Object doc = JsonReader.standard().read(Files.readAllBytes(file));
            return doc instanceof Map ? (String) ((Map<String, Object>) doc).get("jdbcUrl") : null;
        } catch (JsonReadException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(connectionFile);
        postgres.close();
    }
}
