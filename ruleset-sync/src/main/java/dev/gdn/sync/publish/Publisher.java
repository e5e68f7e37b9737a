package dev.gdn.sync.publish;

import dev.gdn.ruleset.envelope.Envelopes;
import dev.gdn.ruleset.envelope.SigningKey;
import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.ruleset.proto.IndexEntry;
import dev.gdn.ruleset.proto.Ruleset;
import dev.gdn.ruleset.proto.StoreIndex;
import dev.gdn.sync.layout.SignedIndex;
import dev.gdn.sync.layout.StoreLayout;
import dev.gdn.sync.store.ObjectStore;
import dev.gdn.sync.store.StoreException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import dev.gdn.sync.tracing.StoreSpans;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes signed rulesets to every configured store in parallel (SPEC §4): in each store the
 * artifact first, then the index. Stores are isolated from each other (own retry, breaker and a shared
 * deadline), so a slow or dead store never delays the rest; the result names every store's outcome.
 */
public final class Publisher implements AutoCloseable {

    private final List<StoreGuard> guards;
    private final SigningKey signingKey;
    private final StoreWriter writer;
    private final WritePolicy policy;
    private final Clock clock;
    private final MeterRegistry registry;
    // (tasks run in the caller's trace context, so each store's span is a child of the publication's)
    private final ExecutorService executor = Context.taskWrapping(Executors.newVirtualThreadPerTaskExecutor());
    private final Tracer tracer;

    /**
     * @param trusted keys whose existing indexes this publisher accepts when merging (its own key is always trusted)
     */
    public Publisher(List<ObjectStore> stores, SigningKey signingKey, TrustedKeys trusted, WritePolicy policy,
                     Clock clock, MeterRegistry registry) {
        this(stores, signingKey, trusted, policy, clock, registry, OpenTelemetry.noop());
    }

    /** @param otel where the {@code gdn.publish} spans (a child {@code gdn.store.publish} per store) go */
    public Publisher(List<ObjectStore> stores, SigningKey signingKey, TrustedKeys trusted, WritePolicy policy,
                     Clock clock, MeterRegistry registry, OpenTelemetry otel) {
        this.tracer = otel.getTracer(StoreSpans.SCOPE);
        this.guards = stores.stream().map(s -> new StoreGuard(s, policy)).toList();
        this.signingKey = signingKey;
        this.writer = new StoreWriter(signingKey, withOwnKey(trusted, signingKey), clock);
        this.policy = policy;
        this.clock = clock;
        this.registry = registry;
    }

    /** The trusted keys plus the signing key's own public key. */
    public static TrustedKeys withOwnKey(TrustedKeys trusted, SigningKey key) {
        List<java.security.PublicKey> keys = new ArrayList<>(trusted.publicKeys());
        keys.add(key.publicKey());
        return TrustedKeys.of(keys);
    }

    /** Signs and publishes a ruleset. */
    public PublishResult publish(Ruleset ruleset) {
        return publish(ruleset, Envelopes.sign(ruleset, signingKey).toByteArray());
    }

    /** Publishes an already signed artifact (its bytes are written unchanged, so re-publishing is idempotent). */
    public PublishResult publish(Ruleset ruleset, byte[] artifact) {
        Span span = tracer.spanBuilder("gdn.publish")
                .setAttribute("gdn.environment", ruleset.getEnvironmentId())
                .setAttribute("gdn.ruleset.version", ruleset.getVersion())
                .setAttribute("gdn.stores", guards.size())
                .startSpan();
        try (Scope ignored = span.makeCurrent()) {
            PublishResult result = publishToAll(ruleset, artifact);
            long stored = result.outcomes().stream().filter(o -> o.status().stored()).count();
            span.setAttribute("gdn.stores.stored", stored);
            if (stored == 0) {
                span.setStatus(StatusCode.ERROR, "no store took it");
            }
            return result;
        } finally {
            span.end();
        }
    }

    private PublishResult publishToAll(Ruleset ruleset, byte[] artifact) {
        StoreLayout.requireValidEnvironmentId(ruleset.getEnvironmentId());
        String key = StoreLayout.artifactKey(ruleset.getEnvironmentId(), ruleset.getVersion());
        IndexEntry entry = StoreWriter.entryFor(ruleset, artifact, clock.millis());
        long started = System.nanoTime();
        List<CompletableFuture<StoreOutcome>> futures = new ArrayList<>();
        for (StoreGuard guard : guards) {
            futures.add(CompletableFuture.supplyAsync(() -> publishTo(guard, key, artifact, entry), executor));
        }
        List<StoreOutcome> outcomes = new ArrayList<>();
        long deadlineNanos = started + policy.deadline().toNanos();
        for (int i = 0; i < futures.size(); i++) {
            CompletableFuture<StoreOutcome> f = futures.get(i);
            String name = guards.get(i).store().name();
            try {
                outcomes.add(f.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                f.cancel(true);
                outcomes.add(new StoreOutcome(name, StoreOutcome.Status.TIMED_OUT,
                        "no answer within " + policy.deadline().toMillis() + " ms; the reconciler will repair it",
                        Duration.ofNanos(System.nanoTime() - started)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                outcomes.add(new StoreOutcome(name, StoreOutcome.Status.FAILED, "interrupted", Duration.ofNanos(System.nanoTime() - started)));
            } catch (ExecutionException e) {
                outcomes.add(new StoreOutcome(name, StoreOutcome.Status.FAILED, String.valueOf(e.getCause()),
                        Duration.ofNanos(System.nanoTime() - started)));
            }
        }
        // Counted here, told by the caller (the CLI's table, the sync daemon's log), so each failure is told once.
        for (StoreOutcome o : outcomes) {
            registry.counter("gdn.publish.outcomes", "store", o.store(), "status", o.status().name()).increment();
        }
        return new PublishResult(ruleset.getEnvironmentId(), ruleset.getVersion(), outcomes);
    }

    private StoreOutcome publishTo(StoreGuard guard, String key, byte[] artifact, IndexEntry entry) {
        Span span = StoreSpans.start(tracer, "gdn.store.publish", guard.store().name(), key);
        try (Scope ignored = span.makeCurrent()) {
            StoreOutcome o = publishUntraced(guard, key, artifact, entry);
            span.setAttribute("gdn.outcome", o.status().name());
            if (!o.status().stored()) {
                StoreSpans.fail(span, o.detail());
            }
            return o;
        } finally {
            span.end();
        }
    }

    private StoreOutcome publishUntraced(StoreGuard guard, String key, byte[] artifact, IndexEntry entry) {
        long t0 = System.nanoTime();
        ObjectStore store = guard.store();
        try {
            StoreWriter.IndexOutcome outcome = guard.call(() -> {
                writer.putArtifact(store, key, artifact);
                return writer.mergeIndex(store, List.of(entry));
            });
            StoreOutcome.Status status = switch (outcome) {
                case UPDATED -> StoreOutcome.Status.PUBLISHED;
                case ALREADY_CURRENT -> StoreOutcome.Status.ALREADY_CURRENT;
                case NEWER_PRESENT -> StoreOutcome.Status.NEWER_PRESENT;
            };
            return new StoreOutcome(store.name(), status, "", Duration.ofNanos(System.nanoTime() - t0));
        } catch (CallNotPermittedException e) {
            return new StoreOutcome(store.name(), StoreOutcome.Status.CIRCUIT_OPEN,
                    "skipped: the store failed repeatedly; retried after " + policy.breakerOpenFor().toSeconds() + " s",
                    Duration.ofNanos(System.nanoTime() - t0));
        } catch (Exception e) {
            return new StoreOutcome(store.name(), StoreOutcome.Status.FAILED, describe(e), Duration.ofNanos(System.nanoTime() - t0));
        }
    }

    /**
     * What the stores hold for an environment.
     *
     * @param highest     the highest version any readable store's index names (0: none)
     * @param unreadable  stores whose index could not be read or verified, with why
     */
    public record PublishedState(long highest, Map<String, String> unreadable) {
    }

    /** Reads every store's index (in parallel, within the deadline) for the highest version of an environment. */
    public PublishedState publishedState(String environmentId) {
        Map<String, String> unreadable = new LinkedHashMap<>();
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        for (StoreGuard g : guards) {
            futures.add(CompletableFuture.supplyAsync(() -> {
                try {
                    StoreIndex idx = writer.readIndex(g.store());
                    return idx == null ? 0L : SignedIndex.entry(idx, environmentId).map(IndexEntry::getVersion).orElse(0L);
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            }, executor));
        }
        long highest = 0;
        long deadline = System.nanoTime() + policy.deadline().toNanos();
        for (int i = 0; i < futures.size(); i++) {
            try {
                highest = Math.max(highest, futures.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (Exception e) {
                futures.get(i).cancel(true);
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                if (cause instanceof CompletionException && cause.getCause() != null) {
                    cause = cause.getCause();
                }
                unreadable.put(guards.get(i).store().name(), cause instanceof TimeoutException
                        ? "no answer within " + policy.deadline().toMillis() + " ms" : describe(cause == null ? e : cause));
            }
        }
        return new PublishedState(highest, unreadable);
    }

    /** A failure for a report that names the store already: without the store's name in front. */
    static String describe(Throwable e) {
        return e instanceof StoreException se ? se.withoutStore() : String.valueOf(e.getMessage() == null ? e : e.getMessage());
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
