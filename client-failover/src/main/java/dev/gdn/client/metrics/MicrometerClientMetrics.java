package dev.gdn.client.metrics;

import dev.gdn.client.Endpoint;
import dev.gdn.client.Evaluations;
import dev.gdn.client.ServingStatus;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The client's metrics in a Micrometer registry (the only class of the client that names a Micrometer
 * type). Endpoints are tagged {@code tier} (its name) and {@code endpoint} (its base URL).
 * <ul>
 *   <li>{@code gdn.client.evaluations} (timer): evaluations through the chain, by the {@code tier}
 *       whose answer was returned ({@code last-known-good} when stale, {@code none} with nothing) and
 *       {@code freshness} (fresh, stale, none); with a percentile histogram for p99;</li>
 *   <li>{@code gdn.client.attempts} (counter): each endpoint's turn in a call, by {@code outcome}
 *       (answered, failed, overdue, unneeded, skipped_open, skipped_rate_limited);</li>
 *   <li>{@code gdn.client.failovers} (counter): calls answered by an endpoint other than the chain's
 *       first, by the endpoint that answered;</li>
 *   <li>{@code gdn.client.breaker.state} (gauge, 1 for the current {@code state}: closed, open,
 *       half_open, …) and {@code gdn.client.breaker.failure.rate} (percent; -1 until enough calls);</li>
 *   <li>{@code gdn.client.ruleset.version}, {@code gdn.client.data.age} (seconds since a tier last
 *       confirmed the data in use; NaN before) and {@code gdn.client.data.fresh} (1 fresh, 0 not).</li>
 * </ul>
 */
public final class MicrometerClientMetrics implements ClientMetrics {
    private final MeterRegistry registry;
    /** Looked up once: a registry lookup per attempt would cost more than the counting. */
    private final Map<Endpoint, Counter[]> attempts = new ConcurrentHashMap<>();
    private final Map<Endpoint, Counter> failovers = new ConcurrentHashMap<>();
    private final Map<String, Timer> evaluations = new ConcurrentHashMap<>();

    public MicrometerClientMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public void breaker(Endpoint endpoint, CircuitBreaker breaker) {
        for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
            Gauge.builder("gdn.client.breaker.state", breaker, b -> b.getState() == state ? 1 : 0)
                    .tag("tier", endpoint.tier().name()).tag("endpoint", endpoint.baseUrl().toString())
                    .tag("state", state.name().toLowerCase(Locale.ROOT))
                    .description("1 for the endpoint's current circuit breaker state").register(registry);
        }
        Gauge.builder("gdn.client.breaker.failure.rate", breaker, b -> b.getMetrics().getFailureRate())
                .tag("tier", endpoint.tier().name()).tag("endpoint", endpoint.baseUrl().toString()).baseUnit("percent")
                .description("failed share of the breaker's window (-1 until it has its minimum calls)").register(registry);
    }

    @Override
    public void attempt(Endpoint endpoint, AttemptOutcome outcome) {
        attempts.computeIfAbsent(endpoint, e -> {
            Counter[] byOutcome = new Counter[AttemptOutcome.values().length];
            for (AttemptOutcome o : AttemptOutcome.values()) {
                byOutcome[o.ordinal()] = Counter.builder("gdn.client.attempts").tag("tier", e.tier().name())
                        .tag("endpoint", e.baseUrl().toString()).tag("outcome", o.name().toLowerCase(Locale.ROOT))
                        .description("each endpoint's turn in a call, by how it ended").register(registry);
            }
            return byOutcome;
        })[outcome.ordinal()].increment();
    }

    @Override
    public void failover(Endpoint servedBy) {
        failovers.computeIfAbsent(servedBy, e -> Counter.builder("gdn.client.failovers").tag("tier", e.tier().name())
                .tag("endpoint", e.baseUrl().toString())
                .description("calls answered by an endpoint other than the chain's first").register(registry)).increment();
    }

    @Override
    public void evaluated(Evaluations answer, long nanos) {
        String tier = answer.tier() == null ? "none" : answer.tier();
        String freshness = answer.freshness().name().toLowerCase(Locale.ROOT);
        evaluations.computeIfAbsent(tier + '\n' + freshness, k -> Timer.builder("gdn.client.evaluations").tag("tier", tier)
                .tag("freshness", freshness).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
                .description("evaluations through the chain, by the tier whose answer was returned").register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void serving(Supplier<ServingStatus> status) {
        Gauge.builder("gdn.client.ruleset.version", status, s -> s.get().version())
                .description("the ruleset version of the data in use (0 when none)").register(registry);
        Gauge.builder("gdn.client.data.age", status, s -> {
            Duration age = s.get().age();
            return age == null ? Double.NaN : age.toMillis() / 1000.0;
        }).baseUnit("seconds").description("time since a tier last confirmed the data in use").register(registry);
        Gauge.builder("gdn.client.data.fresh", status, s -> s.get().freshness() == Evaluations.Freshness.FRESH ? 1 : 0)
                .description("1 when the data in use is fresh, 0 when stale or none").register(registry);
    }
}
