package dev.gdn.sync.publish;

import dev.gdn.ruleset.envelope.EnvelopeException;
import dev.gdn.ruleset.envelope.SigningKey;
import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.ruleset.proto.IndexEntry;
import dev.gdn.ruleset.proto.StoreIndex;
import dev.gdn.sync.layout.ArtifactVerifier;
import dev.gdn.sync.layout.SignedIndex;
import dev.gdn.sync.layout.StoreLayout;
import dev.gdn.sync.store.GetResult;
import dev.gdn.sync.store.ObjectStore;
import dev.gdn.sync.store.StoreException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Makes every store hold the newest verified state found among them: per environment the newest
 * version whose artifact verifies somewhere, plus its previous version when one exists (for
 * pinning). Missing artifacts are copied first, then each lagging store's index is merged (never
 * backwards). A store that was down converges on the first pass after it returns.
 */
public final class Reconciler implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Reconciler.class.getName());

    private final List<StoreGuard> guards;
    private final TrustedKeys trusted;
    private final StoreWriter writer;
    private final Clock clock;
    private final MeterRegistry registry;
    private final WritePolicy policy;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private ScheduledExecutorService schedule;
    private long passes;

    /** Scheduled passes read every store's copy of every wanted artifact on every DEEP_EVERY-th pass. */
    static final int DEEP_EVERY = 10;

    public Reconciler(List<ObjectStore> stores, SigningKey signingKey, TrustedKeys trusted, WritePolicy policy,
                      Clock clock, MeterRegistry registry) {
        this.guards = stores.stream().map(s -> new StoreGuard(s, policy)).toList();
        this.trusted = Publisher.withOwnKey(trusted, signingKey);
        this.writer = new StoreWriter(signingKey, this.trusted, clock);
        this.clock = clock;
        this.registry = registry;
        this.policy = policy;
    }

    /** What one pass did. */
    public record Report(Map<String, StoreReport> stores, Map<String, Long> newest) {
        public boolean converged() {
            return stores.values().stream().allMatch(s -> s.error() == null);
        }
    }

    /**
     * One store's part in a pass.
     *
     * @param copied artifacts written to this store ("env vN")
     * @param error  why the store could not be read or repaired, or null
     */
    public record StoreReport(List<String> copied, boolean indexUpdated, String error) {
    }

    /** A store's readable state at the start of a pass. */
    private record View(StoreGuard guard, StoreIndex index, String error) {
    }

    /** Runs a pass every {@code period} until closed. */
    public synchronized void start(Duration period) {
        if (schedule != null) {
            return;
        }
        schedule = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("gdn-reconciler").daemon().factory());
        schedule.scheduleWithFixedDelay(() -> {
            try {
                reconcileOnce(passes++ % DEEP_EVERY == 0);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "reconcile pass failed", e);
            }
        }, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A deep pass. */
    public Report reconcileOnce() {
        return reconcileOnce(true);
    }

    /**
     * One pass over every store.
     *
     * @param deep also read each store's copy of the newest artifacts and replace copies that differ
     *             and do not verify (a shallow pass trusts a store whose index is current)
     */
    public Report reconcileOnce(boolean deep) {
        List<View> views = readAll();
        // Newest verified version per environment, with the bytes to copy and where they came from.
        Map<String, List<Source>> wanted = chooseSources(views);
        Map<String, StoreReport> reports = new LinkedHashMap<>();
        List<CompletableFuture<StoreReport>> futures = new ArrayList<>();
        for (View v : views) {
            futures.add(CompletableFuture.supplyAsync(() -> repair(v, wanted, deep), executor));
        }
        for (int i = 0; i < views.size(); i++) {
            StoreReport r;
            try {
                r = futures.get(i).get(policy.deadline().toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                futures.get(i).cancel(true);
                r = new StoreReport(List.of(), false, "no answer within " + policy.deadline().toMillis() + " ms");
            }
            reports.put(views.get(i).guard().store().name(), r);
            registry.counter("gdn.reconcile.passes", "store", views.get(i).guard().store().name(),
                    "result", r.error() == null ? "ok" : "error").increment();
        }
        Map<String, Long> newest = new TreeMap<>();
        wanted.forEach((env, sources) -> newest.put(env, sources.get(0).entry().getVersion()));
        return new Report(reports, newest);
    }

    /** A verified artifact to copy: its index entry and bytes. */
    private record Source(IndexEntry entry, byte[] bytes, String from) {
    }

    private List<View> readAll() {
        List<CompletableFuture<View>> futures = new ArrayList<>();
        for (StoreGuard g : guards) {
            futures.add(CompletableFuture.supplyAsync(() -> read(g), executor));
        }
        List<View> views = new ArrayList<>();
        for (int i = 0; i < guards.size(); i++) {
            try {
                views.add(futures.get(i).get(policy.deadline().toMillis(), TimeUnit.MILLISECONDS));
            } catch (Exception e) {
                futures.get(i).cancel(true);
                views.add(new View(guards.get(i), null, "no answer within " + policy.deadline().toMillis() + " ms"));
            }
        }
        return views;
    }

    private View read(StoreGuard g) {
        ObjectStore store = g.store();
        try {
            StoreIndex index = g.call(() -> {
                GetResult got = store.get(StoreLayout.INDEX_KEY, null);
                if (got instanceof GetResult.Found f) {
                    try {
                        return SignedIndex.read(f.data(), trusted);
                    } catch (EnvelopeException e) {
                        LOG.log(Level.WARNING, "{0}: {1} rejected ({2}); using the artifacts it holds",
                                store.name(), StoreLayout.INDEX_KEY, e.getMessage());
                    }
                }
                return writer.scan(store);
            });
            return new View(g, index, null);
        } catch (CallNotPermittedException e) {
            return new View(g, null, "circuit open: the store failed repeatedly");
        } catch (Exception e) {
            return new View(g, null, Publisher.describe(e));
        }
    }

    /**
     * Per environment, the newest version whose artifact verifies in some store, then its previous
     * version when some store has it verified too. Older candidates are tried when the newest is bad
     * everywhere.
     */
    private Map<String, List<Source>> chooseSources(List<View> views) {
        Map<String, TreeMap<Long, List<View>>> byEnv = new TreeMap<>();
        Map<String, Map<Long, Long>> previousOf = new HashMap<>();
        for (View v : views) {
            if (v.index() == null) {
                continue;
            }
            for (IndexEntry e : v.index().getEntriesList()) {
                byEnv.computeIfAbsent(e.getEnvironmentId(), k -> new TreeMap<>())
                        .computeIfAbsent(e.getVersion(), k -> new ArrayList<>()).add(v);
                if (e.getPreviousVersion() > 0) {
                    previousOf.computeIfAbsent(e.getEnvironmentId(), k -> new HashMap<>()).put(e.getVersion(), e.getPreviousVersion());
                }
            }
        }
        Map<String, List<Source>> chosen = new TreeMap<>();
        for (Map.Entry<String, TreeMap<Long, List<View>>> env : byEnv.entrySet()) {
            for (Map.Entry<Long, List<View>> candidate : env.getValue().descendingMap().entrySet()) {
                Source newest = fetchVerified(env.getKey(), candidate.getKey(), candidate.getValue());
                if (newest == null) {
                    continue;
                }
                List<Source> sources = new ArrayList<>();
                sources.add(newest);
                Long prev = previousOf.getOrDefault(env.getKey(), Map.of()).get(candidate.getKey());
                if (prev != null) {
                    Source previous = fetchVerified(env.getKey(), prev, views.stream().filter(v -> v.index() != null).toList());
                    if (previous != null) {
                        sources.add(previous);
                    }
                }
                chosen.put(env.getKey(), sources);
                break;
            }
        }
        return chosen;
    }

    private Source fetchVerified(String env, long version, List<View> holders) {
        String key = StoreLayout.artifactKey(env, version);
        for (View v : holders) {
            ObjectStore store = v.guard().store();
            try {
                if (store.get(key, null) instanceof GetResult.Found f) {
                    ArtifactVerifier.verify(f.data(), env, version, trusted);
                    IndexEntry entry = SignedIndex.entry(v.index(), env)
                            .filter(e -> e.getVersion() == version)
                            .map(e -> e.toBuilder().setArtifactSha256(com.google.protobuf.ByteString.copyFrom(ArtifactVerifier.sha256(f.data())))
                                    .setArtifactSize(f.data().length).build())
                            .orElse(StoreWriter.entryFor(env, version, f.data(), 0, clock.millis()));
                    return new Source(entry, f.data(), store.name());
                }
            } catch (ArtifactVerifier.RejectedArtifact e) {
                registry.counter("gdn.reconcile.rejected", "store", store.name(), "reason", e.reason()).increment();
                LOG.log(Level.WARNING, "{0}: {1} rejected: {2}", store.name(), key, e.getMessage());
            } catch (StoreException e) {
                // the store's own row of the report says when it is failing; here it was only one possible source
                LOG.log(Level.DEBUG, "{0}", e.getMessage());
            }
        }
        return null;
    }

    private StoreReport repair(View v, Map<String, List<Source>> wanted, boolean deep) {
        if (v.error() != null) {
            return new StoreReport(List.of(), false, v.error());
        }
        ObjectStore store = v.guard().store();
        List<String> copied = new ArrayList<>();
        List<IndexEntry> entries = new ArrayList<>();
        try {
            boolean indexUpdated = v.guard().call(() -> {
                for (Map.Entry<String, List<Source>> env : wanted.entrySet()) {
                    Source newest = env.getValue().get(0);
                    long have = SignedIndex.entry(v.index(), env.getKey()).map(IndexEntry::getVersion).orElse(0L);
                    if (have > newest.entry().getVersion()) {
                        continue;
                    }
                    if (have == newest.entry().getVersion()) {
                        if (deep && !sameBytes(store, newest)) {
                            writer.putArtifact(store, newest.entry().getArtifactKey(), newest.bytes());
                            copied.add(env.getKey() + " v" + have + " (replaced a bad copy, from " + newest.from() + ")");
                        }
                        continue;
                    }
                    // previous first, so the store never names a version it cannot serve with its predecessor
                    for (int i = env.getValue().size() - 1; i >= 0; i--) {
                        Source s = env.getValue().get(i);
                        writer.putArtifact(store, s.entry().getArtifactKey(), s.bytes());
                        copied.add(env.getKey() + " v" + s.entry().getVersion() + " (from " + s.from() + ")");
                    }
                    IndexEntry e = newest.entry().toBuilder().setPublishedAtMillis(clock.millis()).build();
                    if (env.getValue().size() > 1) {
                        e = e.toBuilder().setPreviousVersion(env.getValue().get(1).entry().getVersion()).build();
                    }
                    entries.add(e);
                }
                if (entries.isEmpty()) {
                    // nothing missing; still rewrite an index that had to be rebuilt from artifacts
                    return store.get(StoreLayout.INDEX_KEY, null) instanceof GetResult.Found f && indexVerifies(f.data())
                            ? false : writer.mergeIndex(store, List.of()) == StoreWriter.IndexOutcome.UPDATED;
                }
                return writer.mergeIndex(store, entries) == StoreWriter.IndexOutcome.UPDATED;
            });
            if (!copied.isEmpty()) {
                LOG.log(Level.INFO, "{0}: repaired: copied {1}", store.name(), String.join(", ", copied));
            }
            return new StoreReport(copied, indexUpdated, null);
        } catch (CallNotPermittedException e) {
            return new StoreReport(copied, false, "circuit open: the store failed repeatedly");
        } catch (Exception e) {
            return new StoreReport(copied, false, Publisher.describe(e));
        }
    }

    private static boolean sameBytes(ObjectStore store, Source source) throws StoreException {
        return store.get(source.entry().getArtifactKey(), null) instanceof GetResult.Found f
                && java.util.Arrays.equals(f.data(), source.bytes());
    }

    private boolean indexVerifies(byte[] bytes) {
        try {
            SignedIndex.read(bytes, trusted);
            return true;
        } catch (EnvelopeException e) {
            return false;
        }
    }

    @Override
    public synchronized void close() {
        if (schedule != null) {
            schedule.shutdownNow();
        }
        executor.shutdownNow();
    }
}
