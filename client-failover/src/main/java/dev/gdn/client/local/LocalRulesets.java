package dev.gdn.client.local;

import dev.gdn.client.Endpoint;
import dev.gdn.client.Evaluations;
import dev.gdn.client.FlagEvaluation;
import dev.gdn.client.FlagResolution;
import dev.gdn.client.FlagType;
import dev.gdn.client.TierKind;
import dev.gdn.client.policy.AllTiersFailed;
import dev.gdn.client.policy.AttemptFailure;
import dev.gdn.client.policy.FailoverPolicy;
import dev.gdn.ruleset.envelope.EnvelopeException;
import dev.gdn.ruleset.envelope.Envelopes;
import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.ruleset.eval.CompiledRuleset;
import dev.gdn.ruleset.eval.EvaluationContext;
import dev.gdn.ruleset.eval.FlagResult;
import dev.gdn.ruleset.files.AtomicFile;
import dev.gdn.ruleset.proto.Flag;
import dev.gdn.ruleset.proto.Ruleset;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Local evaluation for server SDKs: the environment's signed ruleset envelope, downloaded through
 * the origin tiers of the chain ({@code GET /gdn/v1/ruleset} with the server key, never via a CDN),
 * verified against the trusted keys before anything parses it, and evaluated in-process with
 * ruleset-core.
 *
 * <ul>
 *   <li>Refreshed in the background on one daemon thread ({@code gdn-client-refresh}), with
 *       If-None-Match on the last ETag (a 304 costs no download and no verification).</li>
 *   <li>A tier whose envelope does not verify is a failed attempt: the chain moves on to the next.</li>
 *   <li>Never goes back to a lower version of the same environment (a lagging node is ignored).</li>
 *   <li>Every new verified envelope is written atomically to {@code cacheDir/ruleset.pb}; on a cold
 *       start with every tier down it is read back (and verified again) and served, marked stale.</li>
 * </ul>
 * Thread-safe: evaluations read one immutable snapshot; only the refresh thread writes.
 */
public final class LocalRulesets implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LocalRulesets.class.getName());

    /** The file under the cache directory that holds the last good envelope. */
    public static final String CACHE_FILE = "ruleset.pb";
    /** The tier name reported while serving what was read from the disk cache. */
    public static final String DISK_TIER = "disk-cache";
    private static final Duration FIRST_RETRY = Duration.ofMillis(250);

    /** Where the ruleset in use came from. */
    public enum Source { CHAIN, DISK }

    /** The ruleset in use: immutable. */
    public record Loaded(CompiledRuleset ruleset, String etag, Source source, String tier, String servedBy, Instant loadedAt) {
        public long version() {
            return ruleset.version();
        }
    }

    /** What changed, for listeners (the OpenFeature provider turns these into events). */
    public record Change(Kind kind, long version, long previousVersion, List<String> flagsChanged, String message) {
        public enum Kind {
            /** The first ruleset (from a tier or from disk). */
            LOADED,
            /** A newer version replaced the one in use. */
            NEW_VERSION,
            /** A tier confirmed the data in use again after failures. */
            FRESH,
            /** A refresh failed: the ruleset in use may be out of date. */
            STALE,
            /** A 401/403: the server key is wrong or revoked. */
            REJECTED
        }
    }

    private record Download(byte[] envelope, CompiledRuleset compiled, String etag, String servedBy, boolean notModified) {
    }

    private final HttpClient http;
    private final java.util.concurrent.ExecutorService threads;
    private final FailoverPolicy policy;
    private final String serverKey;
    private final TrustedKeys trusted;
    private final Path cacheDir;
    private final Duration refreshInterval;
    private final ScheduledExecutorService refresher;
    private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();
    private final CountDownLatch firstAttempt = new CountDownLatch(1);

    private volatile Loaded current;
    private volatile boolean fresh;
    private volatile boolean rejected;
    private volatile Instant confirmedAt;
    private volatile String lastError;
    private volatile boolean closed;
    /** Refresh thread only. */
    private Duration retry = FIRST_RETRY;

    /**
     * @param policy          a policy over origin tiers only (GDN, CLASSIC): the server key never goes to a CDN
     * @param cacheDir        where the last good envelope is kept, or null for none
     * @param refreshInterval how often to ask for a newer version
     */
    public LocalRulesets(HttpClient http, java.util.concurrent.ExecutorService threads, FailoverPolicy policy, String serverKey, TrustedKeys trusted, Path cacheDir,
                         Duration refreshInterval) {
        this.threads = threads;
        this.http = Objects.requireNonNull(http, "http");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.serverKey = Objects.requireNonNull(serverKey, "serverKey");
        this.trusted = Objects.requireNonNull(trusted, "trusted");
        this.cacheDir = cacheDir;
        this.refreshInterval = Objects.requireNonNull(refreshInterval, "refreshInterval");
        if (refreshInterval.isNegative() || refreshInterval.isZero()) {
            throw new IllegalArgumentException("the refresh interval must be positive");
        }
        for (Endpoint e : policy.endpoints()) {
            if (e.tier().kind() == TierKind.CDN) {
                throw new IllegalArgumentException("local evaluation downloads with the server key: CDN tier " + e.tier().name()
                        + " must not be in its chain");
            }
        }
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gdn-client-refresh");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the first download now (falling back to the disk cache), then refreshes on the interval. */
    public void start() {
        schedule(Duration.ZERO);
    }

    public void addListener(Consumer<Change> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<Change> listener) {
        listeners.remove(listener);
    }

    /**
     * Waits until a ruleset is in use (from a tier or the disk cache), the server key was rejected, or
     * the timeout passes.
     *
     * @return whether a ruleset is in use
     */
    public boolean awaitRuleset(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        firstAttempt.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        while (current == null && !rejected && !closed) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                break;
            }
            Thread.sleep(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 20));
        }
        return current != null;
    }

    /** Asks the chain now (on the refresh thread); completes when that attempt is over. */
    public CompletableFuture<Void> refreshNow() {
        return CompletableFuture.runAsync(this::refresh, refresher);
    }

    // ---------------------------------------------------------------- evaluation

    /** One typed evaluation against the ruleset in use (reason STALE while no tier confirms it). */
    public FlagResolution resolve(String key, FlagType type, Map<String, Object> context) {
        Loaded l = current;
        if (l == null) {
            return FlagResolution.none(key, "no verified ruleset yet" + (lastError == null ? "" : ": " + lastError));
        }
        FlagResult r = l.ruleset.evaluate(key, EvaluationContext.of(context), type.variantType(), System.currentTimeMillis() / 1000);
        return FlagResolution.of(key, type, r.value(), r.variant(), r.reason() == null ? null : r.reason().name(),
                r.errorCode() == null ? null : r.errorCode().name(), r.errorDetails(), r.metadata(), l.version(),
                servingTier(l), fresh ? Evaluations.Freshness.FRESH : Evaluations.Freshness.STALE);
    }

    /** Every flag for a context, in the shape of a remote bulk answer. */
    public Evaluations evaluateAll(Map<String, Object> context) {
        Loaded l = current;
        if (l == null) {
            return Evaluations.none("no verified ruleset yet" + (lastError == null ? "" : ": " + lastError));
        }
        Map<String, FlagEvaluation> flags = new LinkedHashMap<>();
        for (FlagResult r : l.ruleset.evaluateAll(EvaluationContext.of(context))) {
            flags.put(r.key(), new FlagEvaluation(r.key(), r.value(), r.variant(), r.reason() == null ? null : r.reason().name(),
                    r.errorCode() == null ? null : r.errorCode().name(), r.errorDetails(), r.metadata()));
        }
        Map<String, Object> metadata = new LinkedHashMap<>(l.ruleset.metadata());
        metadata.put("rulesetVersion", l.version());
        boolean isFresh = fresh;
        return new Evaluations(Collections.unmodifiableMap(flags), Collections.unmodifiableMap(metadata), l.version(), l.servedBy,
                servingTier(l), isFresh ? Evaluations.Freshness.FRESH : Evaluations.Freshness.STALE, isFresh ? null : lastError,
                l.loadedAt);
    }

    private String servingTier(Loaded l) {
        return l.tier;
    }

    // ---------------------------------------------------------------- status

    /** The ruleset in use, or null. */
    public Loaded current() {
        return current;
    }

    /** Whether a tier confirmed the ruleset in use on the last attempt. */
    public boolean isFresh() {
        return fresh && current != null;
    }

    /** Whether the last answer from the chain was a 401/403 (wrong or revoked server key). */
    public boolean credentialsRejected() {
        return rejected;
    }

    public Instant confirmedAt() {
        return confirmedAt;
    }

    public String lastError() {
        return lastError;
    }

    public FailoverPolicy policy() {
        return policy;
    }

    // ---------------------------------------------------------------- refresh

    private void schedule(Duration delay) {
        if (closed) {
            return;
        }
        try {
            refresher.schedule(this::tick, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException shutDown) {
            // closed meanwhile
        }
    }

    private void tick() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "ruleset refresh failed unexpectedly", e);
        } finally {
            if (current == null && !rejected) {
                // Nothing to serve yet: retry sooner than the interval, backing off up to it.
                Duration next = retry;
                retry = retry.multipliedBy(2).compareTo(refreshInterval) > 0 ? refreshInterval : retry.multipliedBy(2);
                schedule(next.compareTo(refreshInterval) > 0 ? refreshInterval : next);
            } else {
                schedule(refreshInterval);
            }
        }
    }

    private void refresh() {
        if (closed) {
            return;
        }
        try {
            Loaded before = current;
            String etag = before == null ? null : before.etag;
            FailoverPolicy.Result<Download> result;
            try {
                result = policy.execute(e -> fetch(e, etag)).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                failed(e.getCause());
                return;
            }
            accept(result.value(), result.servedBy());
        } finally {
            firstAttempt.countDown();
        }
    }

    private CompletableFuture<Download> fetch(Endpoint e, String etag) {
        HttpRequest.Builder b = HttpRequest.newBuilder(resolve(e.baseUrl(), "gdn/v1/ruleset")).GET()
                .header("Authorization", "Bearer " + serverKey)
                .header("Accept", "application/x-protobuf")
                .timeout(e.tier().timeout());
        if (etag != null) {
            b.header("If-None-Match", etag);
        }
        return dev.gdn.client.remote.HttpExchange.send(http, b.build(), threads, res -> interpret(e, res, etag));
    }

    private Download interpret(Endpoint e, HttpResponse<byte[]> res, String sentEtag) {
        int status = res.statusCode();
        String where = e.label() + ": HTTP " + status;
        if (status == 401 || status == 403) {
            throw new AttemptFailure.RejectedCredentials(status, where + " " + new String(res.body(), StandardCharsets.UTF_8));
        }
        if (status == 429) {
            long seconds = res.headers().firstValue("Retry-After").map(LocalRulesets::seconds).orElse(1L);
            throw new AttemptFailure.RateLimited(Duration.ofSeconds(seconds), where + " (retry after " + seconds + " s)");
        }
        String servedBy = res.headers().firstValue("GDN-Served-By").orElse(null);
        if (status == 304) {
            if (sentEtag == null) {
                throw new AttemptFailure(where + " without an If-None-Match");
            }
            return new Download(null, null, sentEtag, servedBy, true);
        }
        if (status != 200) {
            throw new AttemptFailure(where);
        }
        byte[] body = res.body();
        Ruleset ruleset;
        try {
            // Hash and signature first: nothing of the payload is parsed before it verifies.
            ruleset = Envelopes.verifyRuleset(body, trusted);
        } catch (EnvelopeException rejectedEnvelope) {
            throw new AttemptFailure(where + " with an envelope that does not verify: " + rejectedEnvelope.getMessage());
        }
        CompiledRuleset compiled;
        try {
            compiled = CompiledRuleset.of(ruleset);
        } catch (IllegalArgumentException invalid) {
            throw new AttemptFailure(where + " with a signed but invalid ruleset: " + invalid.getMessage());
        }
        return new Download(body, compiled, res.headers().firstValue("ETag").orElse(null), servedBy, false);
    }

    private void accept(Download d, Endpoint endpoint) {
        Loaded cur = current;
        rejected = false;
        String tier = endpoint.tier().name();
        if (d.notModified) {
            current = new Loaded(cur.ruleset, cur.etag, Source.CHAIN, tier, d.servedBy != null ? d.servedBy : cur.servedBy, cur.loadedAt);
            confirmed();
            return;
        }
        CompiledRuleset next = d.compiled;
        boolean sameEnv = cur != null && cur.ruleset.environmentId().equals(next.environmentId());
        if (sameEnv && next.version() < cur.version()) {
            // A lagging node: keep the newer version; the chain still answers, so what we hold is current.
            LOG.log(Level.DEBUG, "{0} served version {1}, older than {2} in use: ignored", endpoint.label(), next.version(),
                    cur.version());
            confirmed();
            return;
        }
        if (sameEnv && next.version() == cur.version()) {
            // The same version (e.g. first download after a cold start from disk): adopt its ETag.
            current = new Loaded(cur.ruleset, d.etag, Source.CHAIN, tier, d.servedBy, cur.loadedAt);
            confirmed();
            return;
        }
        Loaded loaded = new Loaded(next, d.etag, Source.CHAIN, tier, d.servedBy, Instant.now());
        current = loaded;
        persist(d.envelope);
        confirmed();
        if (cur == null) {
            fire(new Change(Change.Kind.LOADED, loaded.version(), 0, List.of(), "version " + loaded.version() + " from " + tier));
        } else {
            fire(new Change(Change.Kind.NEW_VERSION, loaded.version(), cur.version(), changedFlags(cur.ruleset, next),
                    "version " + loaded.version() + " from " + tier + " replaces " + cur.version()));
        }
    }

    private void confirmed() {
        confirmedAt = Instant.now();
        lastError = null;
        retry = FIRST_RETRY;
        if (!fresh) {
            fresh = true;
            Loaded l = current;
            fire(new Change(Change.Kind.FRESH, l.version(), l.version(), List.of(), "confirmed by " + l.tier));
        }
    }

    private void failed(Throwable err) {
        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        String why = cause instanceof TimeoutException
                ? "no tier answered within " + policy.deadline().toMillis() + " ms"
                : cause instanceof AllTiersFailed || cause instanceof AttemptFailure ? cause.getMessage() : String.valueOf(cause);
        lastError = why;
        if (cause instanceof AttemptFailure.RejectedCredentials) {
            rejected = true;
            LOG.log(Level.ERROR, "GDN local evaluation misconfigured: the server key was rejected: {0}", why);
            fire(new Change(Change.Kind.REJECTED, current == null ? 0 : current.version(), 0, List.of(), why));
        } else {
            LOG.log(Level.WARNING, "ruleset refresh failed: {0}", why);
        }
        if (current == null && loadFromDisk()) {
            return;
        }
        if (fresh) {
            fresh = false;
            Loaded l = current;
            fire(new Change(Change.Kind.STALE, l == null ? 0 : l.version(), 0, List.of(), why));
        }
    }

    /** Cold start with every tier down: the last good envelope from disk, verified again. */
    private boolean loadFromDisk() {
        if (cacheDir == null) {
            return false;
        }
        Path file = cacheDir.resolve(CACHE_FILE);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException none) {
            return false;
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot read the ruleset cache {0}: {1}", file, e.getMessage());
            return false;
        }
        CompiledRuleset compiled;
        try {
            compiled = CompiledRuleset.of(Envelopes.verifyRuleset(bytes, trusted));
        } catch (EnvelopeException | IllegalArgumentException e) {
            LOG.log(Level.WARNING, "the ruleset cache {0} does not verify, ignored: {1}", file, e.getMessage());
            return false;
        }
        Loaded l = new Loaded(compiled, null, Source.DISK, DISK_TIER, null, Instant.now());
        current = l;
        fresh = false;
        LOG.log(Level.WARNING, "every tier is down: serving version {0} of {1} from the disk cache {2}", l.version(),
                compiled.environmentId(), file);
        fire(new Change(Change.Kind.LOADED, l.version(), 0, List.of(), "version " + l.version() + " from the disk cache"));
        return true;
    }

    private void persist(byte[] envelope) {
        if (cacheDir == null) {
            return;
        }
        try {
            Files.createDirectories(cacheDir);
            AtomicFile.write(cacheDir.resolve(CACHE_FILE), envelope);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot write the ruleset cache in {0}: {1}", cacheDir, e.getMessage());
        }
    }

    private static List<String> changedFlags(CompiledRuleset before, CompiledRuleset after) {
        Map<String, Flag> old = new HashMap<>();
        for (Flag f : before.ruleset().getFlagsList()) {
            old.put(f.getKey(), f);
        }
        List<String> changed = new ArrayList<>();
        for (Flag f : after.ruleset().getFlagsList()) {
            Flag o = old.remove(f.getKey());
            if (o == null || !o.equals(f)) {
                changed.add(f.getKey());
            }
        }
        changed.addAll(old.keySet()); // removed flags
        Collections.sort(changed);
        return List.copyOf(changed);
    }

    private void fire(Change change) {
        for (Consumer<Change> l : listeners) {
            try {
                l.accept(change);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a ruleset listener failed", e);
            }
        }
    }

    private static URI resolve(URI base, String path) {
        String s = base.toString();
        return URI.create(s.endsWith("/") ? s + path : s + "/" + path);
    }

    private static long seconds(String retryAfter) {
        try {
            return Math.max(0, Long.parseLong(retryAfter.trim()));
        } catch (NumberFormatException notSeconds) {
            return 1;
        }
    }

    /** Stops the refresh thread (waits briefly for it to end). */
    @Override
    public void close() {
        closed = true;
        refresher.shutdownNow();
        try {
            refresher.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
