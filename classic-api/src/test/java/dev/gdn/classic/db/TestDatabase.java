package dev.gdn.classic.db;

import dev.gdn.ruleset.compile.FlagFileException;
import dev.gdn.ruleset.compile.FlagSet;
import dev.gdn.ruleset.compile.FlagdCompiler;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** A real embedded PostgreSQL, migrated, shared by one test class and emptied before each test. */
final class TestDatabase implements AutoCloseable {
    final EmbeddedDatabase embedded;
    final Database db;

    private TestDatabase(EmbeddedDatabase embedded, Database db) {
        this.embedded = embedded;
        this.db = db;
    }

    static TestDatabase start(Path dir) throws IOException {
        EmbeddedDatabase embedded = EmbeddedDatabase.start(dir, 0);
        Database db = new Database(embedded.jdbcUrl(), null, null);
        db.migrate();
        return new TestDatabase(embedded, db);
    }

    /** Every table empty, so each test starts from a fresh source of truth. */
    void reset() throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("truncate publications, signed_artifacts, ruleset_versions, api_keys, environments");
        }
    }

    /** A one-flag file; {@code variant} tells versions apart. */
    static String source(String variant) {
        return "{\"flags\": {\"f\": {\"state\": \"ENABLED\", \"variants\": {\"a\": \"a\", \"b\": \"b\"}, \"defaultVariant\": \""
                + variant + "\"}}}";
    }

    static FlagSet compile(String source) {
        try {
            return FlagdCompiler.compile(source);
        } catch (FlagFileException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() throws IOException {
        db.close();
        embedded.close();
    }
}
