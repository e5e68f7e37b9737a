package dev.gdn.classic.sync;

import dev.gdn.classic.db.SyncLedger;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The sync daemon's meters (Prometheus names): {@code gdn_sync_leader}, per store
 * {@code gdn_sync_store_lag_versions}, {@code gdn_sync_store_lag_seconds} (age of the oldest committed
 * version the store has not got, 0 when it has all) and {@code gdn_sync_store_up}, per environment
 * {@code gdn_sync_latest_version} (what nodes should serve), the publication
 * timer {@code gdn_sync_publish_seconds}, and {@code gdn_sync_database_errors_total}. The Publisher
 * counts each store's outcome in {@code gdn_publish_outcomes_total{store,status}}.
 */
final class SyncMetrics {
    private final Map<String, SyncLedger.StoreLag> lag = new ConcurrentHashMap<>();
    private final Map<String, Long> latest = new ConcurrentHashMap<>();
    private final MeterRegistry meters;
    private final Timer publish;
    private final Counter databaseErrors;
    private final Clock clock;

    SyncMetrics(MeterRegistry meters, List<String> stores, BooleanSupplier leader, StoreFailureLog failures, Clock clock) {
        this.clock = clock;
        this.meters = meters;
        Gauge.builder("gdn.sync.leader", leader, l -> l.getAsBoolean() ? 1 : 0).strongReference(true) // a lambda: nothing else holds it
                .description("1 while this daemon holds the leader lock and publishes").register(meters);
        for (String store : stores) {
            Gauge.builder("gdn.sync.store.lag.versions", lag, m -> m.containsKey(store) ? m.get(store).versions() : Double.NaN)
                    .tag("store", store).description("committed versions the store has not got").register(meters);
            Gauge.builder("gdn.sync.store.lag", lag, m -> seconds(m.get(store))).tag("store", store).baseUnit("seconds")
                    .description("age of the oldest committed version the store has not got (0: it has every version)")
                    .register(meters);
            Gauge.builder("gdn.sync.store.up", failures, f -> f.failing().containsKey(store) ? 0 : 1).tag("store", store)
                    .description("0 while the store's last publication or repair failed").register(meters);
        }
        publish = Timer.builder("gdn.sync.publish").description("publishing one version to every store")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(meters);
        databaseErrors = Counter.builder("gdn.sync.database.errors")
                .description("times the daemon lost its database connection (and leadership with it)").register(meters);
    }

    private double seconds(SyncLedger.StoreLag l) {
        if (l == null) {
            return Double.NaN; // not measured yet: the database has not answered
        }
        return l.oldestMissing() == null ? 0 : Math.max(0, (clock.millis() - l.oldestMissing().toEpochMilli()) / 1000.0);
    }

    void lag(Map<String, SyncLedger.StoreLag> now) {
        lag.putAll(now);
    }

    /** The newest committed version per environment: what every node should serve (gdn_sync_latest_version). */
    void latest(Map<String, Long> versions) {
        versions.forEach((env, v) -> {
            if (latest.put(env, v) == null) {
                Gauge.builder("gdn.sync.latest.version", latest, m -> m.getOrDefault(env, 0L)).tag("environment", env)
                        .description("the newest committed ruleset version of the environment").register(meters);
            }
        });
    }

    void published(long nanos) {
        publish.record(nanos, TimeUnit.NANOSECONDS);
    }

    void databaseError() {
        databaseErrors.increment();
    }
}
