package dev.gdn.classic.db;

import dev.gdn.ruleset.compile.FlagFileException;
import dev.gdn.ruleset.compile.FlagdCompiler;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real embedded PostgreSQL, migrated, started once per test class and emptied before each test;
 * versions are written through {@link AdminRepository}, the only writer of them.
 */
abstract class DatabaseTest {
    @TempDir
    static Path dir;
    static EmbeddedDatabase embedded;
    static Database db;
    AdminRepository admin;

    @BeforeAll
    static void startDatabase() throws Exception {
        embedded = EmbeddedDatabase.start(dir, 0);
        db = new Database(embedded.jdbcUrl(), null, null);
        db.migrate();
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        db.close();
        embedded.close();
    }

    @BeforeEach
    void emptyTables() throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("truncate publications, signed_artifacts, ruleset_versions, api_keys, environments");
        }
        admin = new AdminRepository(db.dataSource(), Clock.systemUTC());
    }

    /** A one-flag file; {@code variant} ("a" or "b") tells versions apart. */
    static String source(String variant) {
        return "{\"flags\": {\"f\": {\"state\": \"ENABLED\", \"variants\": {\"a\": \"a\", \"b\": \"b\"}, \"defaultVariant\": \""
                + variant + "\"}}}";
    }

    AdminRepository.VersionRow upload(String env, String variant, Long ifMatch) {
        String source = source(variant);
        try {
            return admin.upload(env, source, FlagdCompiler.compile(source), ifMatch, "alice", "");
        } catch (FlagFileException e) {
            throw new AssertionError(e);
        }
    }

    AdminRepository.VersionRow upload(String env, String variant) {
        return upload(env, variant, null);
    }
}
