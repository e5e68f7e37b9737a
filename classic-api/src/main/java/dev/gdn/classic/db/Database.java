package dev.gdn.classic.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The PostgreSQL (or PostgreSQL-compatible) database: a connection pool that fails fast when the
 * database is unreachable (so a request answers 503 in seconds, not minutes), migrations by Flyway,
 * and separate long-lived connections for LISTEN and advisory locks.
 */
public final class Database implements AutoCloseable {
    /**
     * The channel every committed ruleset version is announced on (NOTIFY in the committing
     * transaction); the payload is {@code environment:version}.
     */
    public static final String VERSIONS_CHANNEL = "gdn_ruleset_versions";

    private final HikariDataSource pool;
    private final String jdbcUrl;
    private final String user;
    private final String password;

    public Database(String jdbcUrl, String user, String password) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(jdbcUrl);
        if (user != null) {
            c.setUsername(user);
        }
        if (password != null) {
            c.setPassword(password);
        }
        c.setPoolName("gdn");
        c.setMaximumPoolSize(16);
        c.setConnectionTimeout(2_000);
        c.setValidationTimeout(1_000);
        // Start even when the database is down: the classic API keeps serving from memory meanwhile.
        c.setInitializationFailTimeout(-1);
        c.addDataSourceProperty("connectTimeout", "2");
        c.addDataSourceProperty("socketTimeout", "10");
        c.addDataSourceProperty("tcpKeepAlive", "true");
        this.pool = new HikariDataSource(c);
    }

    public DataSource dataSource() {
        return pool;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** Applies pending migrations (classpath db/migration). */
    public void migrate() {
        Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
    }

    /** A connection outside the pool, for LISTEN or a session-level advisory lock that must live as long as it does. */
    public Connection dedicatedConnection() throws SQLException {
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("connectTimeout", "2");
        p.setProperty("tcpKeepAlive", "true");
        return DriverManager.getConnection(jdbcUrl, p);
    }

    @Override
    public void close() {
        pool.close();
    }
}
