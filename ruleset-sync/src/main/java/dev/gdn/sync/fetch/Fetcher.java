package dev.gdn.sync.fetch;

import dev.gdn.ruleset.envelope.EnvelopeException;
import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.ruleset.hedge.HedgedRace;
import dev.gdn.ruleset.hedge.InterruptibleTask;
import dev.gdn.ruleset.proto.IndexEntry;
import dev.gdn.ruleset.proto.Ruleset;
import dev.gdn.ruleset.proto.StoreIndex;
import dev.gdn.sync.layout.ArtifactVerifier;
import dev.gdn.sync.layout.SignedIndex;
import dev.gdn.sync.layout.StoreLayout;
import dev.gdn.sync.store.GetResult;
import dev.gdn.sync.store.ObjectStore;
import dev.gdn.sync.store.StoreException;
import io.micrometer.core.instrument.Gauge;
import dev.gdn.sync.tracing.StoreSpans;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Reads rulesets from redundant stores the way a GDN node (or a server SDK) must: poll each store's
 * signed index with a conditional GET, take the highest verified version per environment across
 * stores, read the artifact from whichever store answers first (hedging to the next after a short
 * delay), verify before parsing, and never go back to a lower version. A bad object in one store is
 * rejected with one log line and a metric, and never blocks good data in another.
 */
public final class Fetcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Fetcher.class.getName());
    /** A rejected artifact is not read again for this long (unless the index names other bytes). */
    private static final long REJECTION_RETRY_MILLIS = 30_000;

    private final List<StoreState> stores;
    private final TrustedKeys trusted;
    private final FetcherConfig config;
    private final MeterRegistry registry;
    private final Clock clock;
    // (tasks run in the submitter's trace context: a hedged read's spans belong to its fetch)
    private final ExecutorService executor = Context.taskWrapping(Executors.newVirtualThreadPerTaskExecutor());
    /** Hedge timers of artifact reads. */
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
            .name("gdn-fetch-hedge").factory());
    private final Tracer tracer;
    private final Map<String, VerifiedRuleset> current = new ConcurrentHashMap<>();
    private final List<Consumer<VerifiedRuleset>> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, Long> rejectedArtifacts = new ConcurrentHashMap<>(); // memo key → when
    private final Deque<Rejection> recentRejections = new ArrayDeque<>();
    private volatile boolean running;

    /** What the fetcher knows of one store; written by that store's poller, read by everyone. */
    private static final class StoreState {
        final ObjectStore store;
        volatile String indexEtag;
        volatile StoreIndex index = StoreIndex.getDefaultInstance();
        volatile boolean up;
        volatile long lastSuccessMillis;
        volatile String lastError;

        StoreState(ObjectStore store) {
            this.store = store;
        }
    }

    public Fetcher(List<ObjectStore> stores, TrustedKeys trusted, FetcherConfig config, MeterRegistry registry, Clock clock) {
        this(stores, trusted, config, registry, clock, OpenTelemetry.noop());
    }

    /** @param otel where the {@code gdn.fetch} spans (one per new version read, a child per store tried) go */
    public Fetcher(List<ObjectStore> stores, TrustedKeys trusted, FetcherConfig config, MeterRegistry registry, Clock clock,
                   OpenTelemetry otel) {
        this.tracer = otel.getTracer(StoreSpans.SCOPE);
        this.stores = stores.stream().map(StoreState::new).toList();
        this.trusted = trusted;
        this.config = config;
        this.registry = registry;
        this.clock = clock;
        for (StoreState s : this.stores) {
            Gauge.builder("gdn.store.up", s, st -> st.up ? 1 : 0).tag("store", s.store.name())
                    .description("1 when the store's last index poll succeeded and verified").register(registry);
            Gauge.builder("gdn.store.last.success.timestamp", s, st -> st.lastSuccessMillis / 1000.0).tag("store", s.store.name())
                    .baseUnit("seconds").description("when the store last answered a poll").register(registry);
            Gauge.builder("gdn.store.lag.versions", s, this::lag).tag("store", s.store.name())
                    .description("how many versions the store is behind what this reader serves (max over environments)")
                    .register(registry);
        }
    }

    /**
     * Called with every newly installed (higher) version, on a fetcher thread; keep it quick. Also
     * called once per environment with the version before the first one installed (when a store still
     * holds it), so a fresh reader can serve sessions pinned to it; listeners must accept a version
     * lower than one they already have.
     */
    public void addListener(Consumer<VerifiedRuleset> listener) {
        listeners.add(listener);
    }

    /** The version served per environment. */
    public Map<String, VerifiedRuleset> current() {
        return Collections.unmodifiableMap(current);
    }

    /**
     * Starts with a version already verified elsewhere (e.g. the node's disk cache), so the fetcher
     * only moves forward from it.
     */
    public void seed(VerifiedRuleset ruleset) {
        install(ruleset);
    }

    /** Begins polling every store in the background. */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        for (StoreState s : stores) {
            executor.submit(() -> pollLoop(s));
        }
    }

    private void pollLoop(StoreState s) {
        while (running && !Thread.currentThread().isInterrupted()) {
            pollIndex(s);
            // also when nothing changed: an artifact that failed earlier may be readable now
            refresh();
            long base = config.pollInterval().toMillis();
            long jitter = (long) (base * config.jitter());
            long sleep = base + (jitter == 0 ? 0 : ThreadLocalRandom.current().nextLong(-jitter, jitter + 1));
            try {
                Thread.sleep(Math.max(1, sleep));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Polls every store once, in parallel, then fetches whatever is newer. Returns when done. */
    public void pollOnce() {
        List<CompletableFuture<Boolean>> polls = new ArrayList<>();
        for (StoreState s : stores) {
            polls.add(CompletableFuture.supplyAsync(() -> pollIndex(s), executor));
        }
        polls.forEach(CompletableFuture::join);
        refresh();
    }

    /** Polls one store's index; true when it changed. */
    private boolean pollIndex(StoreState s) {
        String name = s.store.name();
        try {
            GetResult got = s.store.get(StoreLayout.INDEX_KEY, s.indexEtag);
            if (got instanceof GetResult.NotModified) {
                markUp(s, "not_modified");
                return false;
            }
            if (got instanceof GetResult.Missing) {
                boolean changed = s.indexEtag != null || !s.index.getEntriesList().isEmpty();
                s.indexEtag = null;
                s.index = StoreIndex.getDefaultInstance();
                markUp(s, "missing");
                return changed;
            }
            GetResult.Found f = (GetResult.Found) got;
            StoreIndex index;
            try {
                index = SignedIndex.read(f.data(), trusted);
            } catch (EnvelopeException e) {
                // Keep what this store said before; remember the ETag so the same bad bytes are not re-read each second.
                s.indexEtag = f.etag();
                s.up = false;
                s.lastError = "index rejected: " + e.getMessage();
                reject(s, StoreLayout.INDEX_KEY, e.reason().name(), e.getMessage());
                registry.counter("gdn.store.index.polls", "store", name, "result", "rejected").increment();
                return false;
            }
            s.index = index;
            s.indexEtag = f.etag();
            markUp(s, "found");
            return true;
        } catch (StoreException e) {
            if ((s.up || s.lastError == null) && config.logProblems()) {
                LOG.log(Level.WARNING, "{0}", e.getMessage());
            }
            s.up = false;
            s.lastError = e.getMessage();
            registry.counter("gdn.store.index.polls", "store", name, "result", "error").increment();
            return false;
        }
    }

    private void markUp(StoreState s, String result) {
        if (!s.up && s.lastError != null) {
            LOG.log(Level.INFO, "{0}: reachable again", s.store.name());
        }
        s.up = true;
        s.lastError = null;
        s.lastSuccessMillis = clock.millis();
        registry.counter("gdn.store.index.polls", "store", s.store.name(), "result", result).increment();
    }

    /** For each environment, moves to the highest version some store offers and can deliver verified. */
    private synchronized void refresh() {
        Map<String, TreeMap<Long, List<StoreState>>> offers = new TreeMap<>();
        for (StoreState s : stores) {
            for (IndexEntry e : s.index.getEntriesList()) {
                if (!config.environments().isEmpty() && !config.environments().contains(e.getEnvironmentId())) {
                    continue;
                }
                VerifiedRuleset have = current.get(e.getEnvironmentId());
                if (have != null && e.getVersion() <= have.version()) {
                    continue; // never backwards, and nothing to do for the version we serve
                }
                offers.computeIfAbsent(e.getEnvironmentId(), k -> new TreeMap<>())
                        .computeIfAbsent(e.getVersion(), k -> new ArrayList<>()).add(s);
            }
        }
        for (Map.Entry<String, TreeMap<Long, List<StoreState>>> env : offers.entrySet()) {
            for (Map.Entry<Long, List<StoreState>> offer : env.getValue().descendingMap().entrySet()) {
                boolean first = !current.containsKey(env.getKey());
                VerifiedRuleset got = fetchTraced(env.getKey(), offer.getKey(), offer.getValue());
                if (got != null) {
                    install(got);
                    if (first) {
                        loadPrevious(env.getKey(), offer.getKey(), offer.getValue());
                    }
                    break;
                }
            }
        }
    }

    /** The version the index says came before {@code version}, read from whichever store has it, for pinned sessions. */
    private void loadPrevious(String env, long version, List<StoreState> holders) {
        long previous = 0;
        for (StoreState s : holders) {
            previous = Math.max(previous, SignedIndex.entry(s.index, env).filter(e -> e.getVersion() == version)
                    .map(IndexEntry::getPreviousVersion).orElse(0L));
        }
        if (previous <= 0) {
            return;
        }
        String key = StoreLayout.artifactKey(env, previous);
        for (StoreState s : stores) {
            try {
                if (s.store.get(key, null) instanceof GetResult.Found f) {
                    Ruleset r = ArtifactVerifier.verify(f.data(), env, previous, trusted);
                    VerifiedRuleset older = new VerifiedRuleset(r, f.data(), s.store.name(), clock.instant());
                    for (Consumer<VerifiedRuleset> l : listeners) {
                        l.accept(older);
                    }
                    return;
                }
            } catch (ArtifactVerifier.RejectedArtifact e) {
                reject(s, key, e.reason(), e.getMessage());
            } catch (StoreException | RuntimeException e) {
                LOG.log(Level.DEBUG, "previous version {0} v{1} not read from {2}: {3}", env, previous, s.store.name(), e.toString());
            }
        }
    }

    /** {@link #fetchHedged} in a {@code gdn.fetch} span: a new version, read from whichever store answers. */
    private VerifiedRuleset fetchTraced(String env, long version, List<StoreState> holders) {
        Span span = tracer.spanBuilder("gdn.fetch").setNoParent()
                .setAttribute("gdn.environment", env).setAttribute("gdn.ruleset.version", version).startSpan();
        try (Scope ignored = span.makeCurrent()) {
            VerifiedRuleset got = fetchHedged(env, version, holders);
            if (got == null) {
                span.setStatus(StatusCode.ERROR, "no store delivered a verified artifact");
            } else {
                span.setAttribute("gdn.store", got.source());
            }
            return got;
        } finally {
            span.end();
        }
    }

    /**
     * Reads one artifact from the stores that offer it, as a {@link HedgedRace} (the client's failover
     * chain runs on the same race): first verified artifact wins, the next store is asked after the
     * hedge delay or at once on a failure.
     */
    private VerifiedRuleset fetchHedged(String env, long version, List<StoreState> holders) {
        List<StoreState> candidates = new ArrayList<>();
        for (StoreState s : holders) {
            IndexEntry e = SignedIndex.entry(s.index, env).orElse(null);
            if (e != null && e.getVersion() == version && !recentlyRejected(memoKey(s, e))) {
                candidates.add(s);
            }
        }
        // stores that answered their last poll first
        candidates.sort((a, b) -> Boolean.compare(b.up, a.up));
        if (candidates.isEmpty()) {
            return null;
        }
        CompletableFuture<HedgedRace.Win<StoreState, VerifiedRuleset>> race = HedgedRace.run(candidates,
                (StoreState s) -> InterruptibleTask.submit(executor, () -> {
                    VerifiedRuleset r = fetchOne(s, env);
                    if (r == null) {
                        throw new NotDelivered(); // fetchOne logged why
                    }
                    return r;
                }), s -> config.hedgeDelay(), timers);
        try {
            return race.get().value();
        } catch (InterruptedException e) {
            race.cancel(true); // ends the reads still out
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof HedgedRace.NoAnswer)) {
                LOG.log(Level.ERROR, "artifact fetch failed unexpectedly", e.getCause());
            }
            return null;
        }
    }

    /** One store did not deliver a verified artifact; already logged and counted. */
    private static final class NotDelivered extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotDelivered() {
            super(null, null, false, false);
        }
    }

    /** Reads and verifies one artifact from one store; null (with a log line) when it fails. */
    private VerifiedRuleset fetchOne(StoreState s, String env) {
        IndexEntry entry = SignedIndex.entry(s.index, env).orElseThrow();
        String key = entry.getArtifactKey();
        Span span = StoreSpans.start(tracer, "gdn.store.read", s.store.name(), key);
        try (Scope ignored = span.makeCurrent()) {
            GetResult got = s.store.get(key, null);
            if (!(got instanceof GetResult.Found f)) {
                reject(s, key, "MISSING", "the index names " + key + " but the store does not have it");
                rejectedArtifacts.put(memoKey(s, entry), clock.millis());
                StoreSpans.fail(span, "MISSING");
                return null;
            }
            Ruleset ruleset = ArtifactVerifier.verify(f.data(), entry, trusted);
            span.setAttribute("gdn.verified", true);
            return new VerifiedRuleset(ruleset, f.data(), s.store.name(), clock.instant());
        } catch (ArtifactVerifier.RejectedArtifact e) {
            reject(s, key, e.reason(), e.getMessage());
            rejectedArtifacts.put(memoKey(s, entry), clock.millis());
            span.setAttribute("gdn.verified", false);
            StoreSpans.fail(span, e.reason() + ": " + e.getMessage());
            return null;
        } catch (StoreException e) {
            if (config.logProblems()) {
                LOG.log(Level.WARNING, "{0}", e.getMessage());
            }
            StoreSpans.fail(span, e.withoutStore());
            return null;
        } finally {
            span.end();
        }
    }

    private static String memoKey(StoreState s, IndexEntry e) {
        return s.store.name() + "|" + e.getArtifactKey() + "|" + HexFormat.of().formatHex(e.getArtifactSha256().toByteArray());
    }

    private boolean recentlyRejected(String memoKey) {
        Long at = rejectedArtifacts.get(memoKey);
        if (at == null) {
            return false;
        }
        if (clock.millis() - at >= REJECTION_RETRY_MILLIS) {
            rejectedArtifacts.remove(memoKey);
            return false;
        }
        return true;
    }

    private void reject(StoreState s, String key, String reason, String message) {
        if (config.logProblems()) {
            LOG.log(Level.WARNING, "rejected {0} {1}: {2}", s.store.name(), key, message);
        }
        registry.counter("gdn.fetch.rejected", "store", s.store.name(), "reason", reason).increment();
        synchronized (recentRejections) {
            recentRejections.addFirst(new Rejection(s.store.name(), key, reason, message, clock.instant()));
            while (recentRejections.size() > 100) {
                recentRejections.removeLast();
            }
        }
    }

    private void install(VerifiedRuleset r) {
        VerifiedRuleset now = current.merge(r.environmentId(), r, (old, neu) -> neu.version() > old.version() ? neu : old);
        if (now == r) {
            LOG.log(Level.INFO, "{0} v{1} verified from {2}", r.environmentId(), r.version(), r.source());
            for (Consumer<VerifiedRuleset> l : listeners) {
                try {
                    l.accept(r);
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, "ruleset listener failed", e);
                }
            }
        }
    }

    private double lag(StoreState s) {
        long worst = 0;
        for (VerifiedRuleset r : current.values()) {
            long have = SignedIndex.entry(s.index, r.environmentId()).map(IndexEntry::getVersion).orElse(0L);
            worst = Math.max(worst, r.version() - have);
        }
        return worst;
    }

    /** Every store's state, in configuration order. */
    public List<StoreStatus> storeStatuses() {
        List<StoreStatus> out = new ArrayList<>();
        for (StoreState s : stores) {
            Map<String, Long> versions = new LinkedHashMap<>();
            s.index.getEntriesList().forEach(e -> versions.put(e.getEnvironmentId(), e.getVersion()));
            out.add(new StoreStatus(s.store.name(), s.up, s.lastSuccessMillis == 0 ? null : Instant.ofEpochMilli(s.lastSuccessMillis),
                    s.lastError, versions, (long) lag(s)));
        }
        return out;
    }

    /** Every environment some store offers (after the environment filter). */
    public Set<String> offeredEnvironments() {
        Set<String> envs = new TreeSet<>();
        for (StoreState s : stores) {
            s.index.getEntriesList().forEach(e -> envs.add(e.getEnvironmentId()));
        }
        if (!config.environments().isEmpty()) {
            envs.retainAll(config.environments());
        }
        return envs;
    }

    /** The most recent rejections, newest first (at most 100). */
    public List<Rejection> recentRejections() {
        synchronized (recentRejections) {
            return List.copyOf(recentRejections);
        }
    }

    @Override
    public void close() {
        running = false;
        executor.shutdownNow();
        timers.shutdownNow();
    }
}
