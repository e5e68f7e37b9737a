package dev.gdn.chaos.world;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which sync daemon leads: the one whose database session holds the sync advisory lock. PostgreSQL
 * says which client port that session uses; {@code /proc} says which process owns that socket.
 */
public final class SyncLeader {
    /** The daemon's advisory lock key, "gdn-sync" as a bigint, split the way pg_locks shows it. */
    private static final long LOCK_HIGH = 0x67646e2dL;
    private static final long LOCK_LOW = 0x73796e63L;

    private SyncLeader() {
    }

    /** The pid among {@code candidates} that holds the lock, if world.json names its database and the lock is held. */
    public static Optional<Long> find(World world, List<Long> candidates) throws IOException {
        if (!(world.extra().get("postgres") instanceof Map<?, ?> pg) || !(pg.get("jdbc_url") instanceof String url)) {
            return Optional.empty();
        }
        String user = pg.get("user") instanceof String u ? u : "postgres";
        int port;
        try (Connection c = DriverManager.getConnection(url, user, pg.get("password") instanceof String p ? p : null);
             PreparedStatement s = c.prepareStatement("SELECT a.client_port FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                     + " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = ?::oid AND l.objid = ?::oid")) {
            s.setLong(1, LOCK_HIGH);
            s.setLong(2, LOCK_LOW);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                port = r.getInt(1);
            }
        } catch (SQLException e) {
            throw new IOException("asking PostgreSQL which sync daemon leads: " + e.getMessage(), e);
        }
        Optional<String> inode = socketInode(port);
        if (inode.isEmpty()) {
            return Optional.empty();
        }
        for (long pid : candidates) {
            if (ownsSocket(pid, inode.get())) {
                return Optional.of(pid);
            }
        }
        return Optional.empty();
    }

    /** The inode of the local TCP socket on this port (from /proc/net/tcp and tcp6). */
    static Optional<String> socketInode(int localPort) throws IOException {
        String hexPort = String.format(":%04X", localPort);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(table);
            if (!Files.exists(p)) {
                continue;
            }
            for (String line : Files.readAllLines(p)) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && f[1].endsWith(hexPort)) {
                    return Optional.of(f[9]);
                }
            }
        }
        return Optional.empty();
    }

    private static boolean ownsSocket(long pid, String inode) {
        String target = "socket:[" + inode + "]";
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().equals(target);
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (IOException e) {
            return false;
        }
    }
}
