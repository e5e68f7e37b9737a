package dev.gdn.node.source;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether the last reload of a source (flag file, store poll) applied, and if not when and why: for
 * {@code /health/ready} (which stays 200, still serving the last good version, but says DEGRADED) and for
 * {@code /metrics} ({@code gdn_reload_failed}, {@code gdn_reload_failures_total}, {@code gdn_reload_last_failure_seconds}).
 */
public final class ReloadStatus {
    /** The last failure: when, and what was wrong. */
    public record Failure(Instant at, String reason) {
    }

    private final Clock clock;
    private final AtomicReference<Failure> lastFailure = new AtomicReference<>();
    private volatile boolean failing;
    private final Counter failures;

    public ReloadStatus(String source, MeterRegistry meters, Clock clock) {
        this.clock = clock;
        this.failures = Counter.builder("gdn.reload.failures").tag("source", source)
                .description("reloads that were rejected or failed; the last good version kept serving").register(meters);
        Gauge.builder("gdn.reload.failed", this, s -> s.failing ? 1 : 0).tag("source", source)
                .description("1 while the most recent reload failed (the node serves an older version than it was given)")
                .register(meters);
        Gauge.builder("gdn.reload.last.failure", this, s -> {
                    Failure f = s.lastFailure.get();
                    return f == null ? 0 : f.at().getEpochSecond();
                }).tag("source", source).baseUnit("seconds")
                .description("Unix time of the last failed reload (0: none)").register(meters);
    }

    public void failed(String reason) {
        lastFailure.set(new Failure(clock.instant(), reason));
        failing = true;
        failures.increment();
    }

    public void applied() {
        failing = false;
    }

    /** Why the most recent reload failed, or null when it applied. */
    public String problem() {
        Failure f = lastFailure.get();
        return failing && f != null ? "last reload failed at " + f.at() + ": " + f.reason() : null;
    }
}
