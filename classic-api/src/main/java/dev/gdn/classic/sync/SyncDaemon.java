package dev.gdn.classic.sync;

import dev.gdn.classic.db.Database;
import dev.gdn.classic.db.SyncLedger;
import dev.gdn.ruleset.envelope.SigningKey;
import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.sync.publish.PublishResult;
import dev.gdn.sync.publish.Publisher;
import dev.gdn.sync.publish.Reconciler;
import dev.gdn.sync.publish.StoreOutcome;
import dev.gdn.sync.publish.WritePolicy;
import dev.gdn.sync.store.ObjectStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * Carries every committed version from PostgreSQL to every store, signed: on NOTIFY (with a polling
 * fallback) it publishes, in version order, whatever is not recorded as published everywhere, then
 * records each store that took it. Crash-safe by construction: killed at any point, the next run
 * finds the same unrecorded work, and re-publishing writes identical bytes (signed once, kept in the
 * database). Two daemons may run: a session advisory lock makes one the leader, and when its
 * connection dies the other takes over within a second.
 */
public final class SyncDaemon implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SyncDaemon.class.getName());

    private final Database db;
    private final SyncLedger ledger;
    private final List<ObjectStore> stores;
    private final List<String> storeNames;
    private final SigningKey key;
    private final Publisher publisher;
    private final Reconciler reconciler;
    private final Duration pollInterval;
    private final Duration reconcileInterval;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean leader;
    private final StoreFailureLog storeFailures = new StoreFailureLog();
    private final SyncMetrics metrics;
    private final Tracer tracer;

    public SyncDaemon(Database db, SyncLedger ledger, List<ObjectStore> stores, SigningKey key, TrustedKeys trusted,
                      WritePolicy policy, Duration pollInterval, Duration reconcileInterval, Clock clock, MeterRegistry meters) {
        this(db, ledger, stores, key, trusted, policy, pollInterval, reconcileInterval, clock, meters, OpenTelemetry.noop());
    }

    /** @param otel spans: a {@code gdn.publish} trace per version published, a {@code gdn.sync.reconcile} per repair pass */
    public SyncDaemon(Database db, SyncLedger ledger, List<ObjectStore> stores, SigningKey key, TrustedKeys trusted,
                      WritePolicy policy, Duration pollInterval, Duration reconcileInterval, Clock clock, MeterRegistry meters,
                      OpenTelemetry otel) {
        this.tracer = otel.getTracer("dev.gdn.sync");
        this.db = db;
        this.ledger = ledger;
        this.stores = List.copyOf(stores);
        this.storeNames = stores.stream().map(ObjectStore::name).toList();
        this.key = key;
        this.publisher = new Publisher(stores, key, trusted, policy, clock, meters, otel);
        this.reconciler = new Reconciler(stores, key, trusted, policy, clock, meters);
        this.pollInterval = pollInterval;
        this.reconcileInterval = reconcileInterval;
        this.thread = Thread.ofPlatform().name("gdn-sync").daemon().unstarted(this::run);
        this.metrics = new SyncMetrics(meters, storeNames, this::isLeader, storeFailures, clock);
    }

    public void start() {
        thread.start();
    }

    public boolean isLeader() {
        return leader;
    }

    private void run() {
        while (running) {
            try (Connection c = db.dedicatedConnection()) {
                if (!ledger.tryLead(c)) {
                    leader = false;
                    refreshLag(); // a standby tells the same lag, so dashboards do not depend on which one leads
                    sleep(Math.min(1000, pollInterval.toMillis()));
                    continue;
                }
                leader = true;
                LOG.log(Level.INFO, "sync daemon is the leader; publishing to {0}", storeNames);
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + Database.VERSIONS_CHANNEL);
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                long nextReconcile = 0;
                while (running) {
                    publishPending();
                    refreshLag();
                    if (System.nanoTime() >= nextReconcile) {
                        reconcile();
                        nextReconcile = System.nanoTime() + reconcileInterval.toNanos();
                    }
                    // Returns early when a version is committed; the timeout is the polling fallback.
                    pg.getNotifications((int) pollInterval.toMillis());
                    try (Statement st = c.createStatement()) {
                        st.execute("select 1"); // notices a lost connection (and with it, the lock)
                    }
                }
            } catch (SQLException | RuntimeException e) {
                metrics.databaseError();
                if (leader) {
                    LOG.log(Level.WARNING, "sync daemon lost its database connection ({0}); leadership released", e.getMessage());
                }
                leader = false;
                sleep(Math.min(1000, pollInterval.toMillis()));
            }
        }
        leader = false;
    }

    private void refreshLag() {
        metrics.lag(ledger.storeLag(storeNames));
        metrics.latest(ledger.latestVersions());
    }

    /** Publishes every version not yet recorded in every store, in order; returns how many it finished. */
    public int publishPending() {
        int done = 0;
        for (SyncLedger.VersionRef v : ledger.unpublished(storeNames)) {
            long tSign = System.nanoTime();
            SyncLedger.SignedVersion signed = ledger.signedVersion(v.environmentId(), v.version(), key);
            long t0 = System.nanoTime();
            PublishResult result = publisher.publish(signed.ruleset(), signed.envelope());
            metrics.published(System.nanoTime() - t0);
            // one line per version, with where its time went: what a slow publish is read from
            LOG.log(Level.INFO, "published {0} v{1,number,#}: read and signed in {2,number,#} ms, stores {3}", v.environmentId(), v.version(),
                    (t0 - tSign) / 1_000_000, result.outcomes().stream()
                            .map(o -> o.store() + " " + o.status() + " " + o.took().toMillis() + " ms").toList());
            for (StoreOutcome o : result.outcomes()) {
                if (o.status().stored()) {
                    storeFailures.succeeded(o.store());
                } else {
                    storeFailures.failed(o.store(), "publish " + v.environmentId() + " v" + v.version(), o.status() + ": " + o.detail());
                }
            }
            List<String> stored = result.outcomes().stream().filter(o -> o.status().stored()).map(StoreOutcome::store).toList();
            ledger.recordPublication(v.environmentId(), v.version(), stored);
            if (stored.size() == storeNames.size()) {
                done++;
            }
        }
        return done;
    }

    private void reconcile() {
        Span span = tracer.spanBuilder("gdn.sync.reconcile").setNoParent().startSpan();
        Reconciler.Report report;
        try (Scope ignored = span.makeCurrent()) {
            report = reconciler.reconcileOnce(false);
            span.setAttribute("gdn.converged", report.converged());
        } finally {
            span.end();
        }
        report.stores().forEach((store, r) -> {
            if (r.error() != null) {
                storeFailures.failed(store, "reconcile", r.error());
            }
        });
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What {@code /health/*} tells: the role, and whether the loop and the database work. */
    public record Health(boolean alive, boolean leader, String databaseError, java.util.Map<String, String> failingStores) {
        /** Ready: the loop runs and the database answers; a standby is as ready as the leader. */
        public boolean ready() {
            return alive && databaseError == null;
        }
    }

    /** Checks the database now (a {@code select 1} through the pool, bounded by its 2 s connection timeout). */
    public Health health() {
        String dbError = null;
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.setQueryTimeout(2);
            st.execute("select 1");
        } catch (SQLException | RuntimeException e) {
            dbError = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        return new Health(running && thread.isAlive(), leader, dbError, storeFailures.failing());
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        publisher.close();
        reconciler.close();
        stores.forEach(ObjectStore::close);
    }
}
