package dev.gdn.classic.eval;

import dev.gdn.classic.db.Database;
import dev.gdn.classic.db.RulesetReads;
import dev.gdn.node.source.LoadedRuleset;
import dev.gdn.node.source.RulesetRegistry;
import dev.gdn.ruleset.eval.CompiledRuleset;
import dev.gdn.ruleset.proto.Ruleset;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Keeps the classic API's rulesets current from PostgreSQL: everything at start, then each new
 * version as its NOTIFY arrives (within milliseconds of the commit), with a periodic check behind it
 * for notifications lost while disconnected. When the database is down the loaded rulesets keep
 * serving and {@link #degradedReason()} says since when.
 */
public final class DatabaseLoader implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DatabaseLoader.class.getName());

    private final Database db;
    private final RulesetReads reads;
    private final RulesetRegistry registry;
    private final Duration checkInterval;
    private final Clock clock;
    private volatile boolean running = true;
    private volatile Instant downSince;
    private volatile String lastError;
    private final Thread listener;

    public DatabaseLoader(Database db, RulesetReads reads, RulesetRegistry registry, Duration checkInterval, Clock clock) {
        this.db = db;
        this.reads = reads;
        this.registry = registry;
        this.checkInterval = checkInterval;
        this.clock = clock;
        this.listener = Thread.ofPlatform().name("gdn-db-listen").daemon().unstarted(this::listenLoop);
    }

    /** Loads every environment's current and previous version (when the database answers), then listens. */
    public void start() {
        try {
            loadAll();
        } catch (RuntimeException e) {
            markDown(e);
        }
        listener.start();
    }

    private void loadAll() {
        for (Map.Entry<String, List<Ruleset>> env : reads.latestTwoPerEnvironment().entrySet()) {
            for (Ruleset r : env.getValue()) {
                install(r);
            }
        }
        markUp();
    }

    /** Installs a committed version now (the admin API calls this right after its commit: "at once"). */
    public void install(Ruleset r) {
        registry.install(LoadedRuleset.of(CompiledRuleset.of(r), null, "database", clock.instant()));
    }

    /** Catches up with whatever is newer in the database than what is served. */
    private void check() {
        for (Map.Entry<String, Long> e : reads.latestVersions().entrySet()) {
            long have = registry.current(e.getKey()).map(LoadedRuleset::version).orElse(0L);
            if (e.getValue() > have) {
                reads.version(e.getKey(), e.getValue()).ifPresent(s -> install(s.ruleset()));
            }
        }
        markUp();
    }

    private void listenLoop() {
        while (running) {
            try (Connection c = db.dedicatedConnection()) {
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + Database.VERSIONS_CHANNEL);
                }
                check(); // whatever was committed while we were not listening
                PGConnection pg = c.unwrap(PGConnection.class);
                long nextCheck = System.nanoTime() + checkInterval.toNanos();
                while (running) {
                    PGNotification[] notes = pg.getNotifications((int) Math.max(1, checkInterval.toMillis()));
                    if (notes != null) {
                        for (PGNotification n : notes) {
                            onNotification(n.getParameter());
                        }
                    }
                    if (System.nanoTime() >= nextCheck) {
                        check();
                        nextCheck = System.nanoTime() + checkInterval.toNanos();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                markDown(e);
                sleep(Math.min(1000, checkInterval.toMillis()));
            }
        }
    }

    private void onNotification(String payload) {
        int colon = payload.lastIndexOf(':');
        if (colon <= 0) {
            return;
        }
        String env = payload.substring(0, colon);
        long version = Long.parseLong(payload.substring(colon + 1));
        if (registry.current(env).map(LoadedRuleset::version).orElse(0L) < version) {
            reads.version(env, version).ifPresent(s -> install(s.ruleset()));
        }
    }

    private void markDown(Exception e) {
        if (downSince == null) {
            downSince = clock.instant();
            LOG.log(Level.WARNING, "database unavailable ({0}); serving the loaded rulesets until it returns", e.getMessage());
        }
        lastError = e.getMessage();
    }

    private void markUp() {
        if (downSince != null) {
            LOG.log(Level.INFO, "database reachable again after {0} s", Duration.between(downSince, clock.instant()).toSeconds());
        }
        downSince = null;
        lastError = null;
    }

    /** Why evaluation is degraded (the database is down, since when), or null. */
    public String degradedReason() {
        Instant since = downSince;
        return since == null ? null : "database unavailable for " + Duration.between(since, clock.instant()).toSeconds()
                + " s (" + lastError + "); serving the versions loaded before";
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        listener.interrupt();
    }

}
