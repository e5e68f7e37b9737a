package dev.gdn.classic.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import javax.sql.DataSource;

/**
 * Runs work in one transaction on a pooled connection, rolling back on any failure, and turns a
 * failure of the database itself into {@link DatabaseUnavailableException} so callers answer 503.
 */
final class Transactions {
    /** Work on the transaction's connection. */
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final DataSource ds;

    Transactions(DataSource ds) {
        this.ds = ds;
    }

    <T> T run(Work<T> work) {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // the connection is gone; the transaction is gone with it
                }
                throw e;
            }
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    private static RuntimeException translate(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (e instanceof SQLTransientConnectionException || state.startsWith("08") || state.startsWith("57P") || state.equals("53300")) {
            return new DatabaseUnavailableException("the database is unavailable (" + e.getMessage() + "); nothing was written", e);
        }
        return new IllegalStateException("database error " + state + ": " + e.getMessage(), e);
    }
}
