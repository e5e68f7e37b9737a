package dev.gdn.client;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.gdn.client.local.LocalRulesets;
import dev.gdn.client.metrics.ClientMetrics;
import dev.gdn.client.metrics.MicrometerClientMetrics;
import dev.gdn.client.policy.FailoverPolicy;
import dev.gdn.client.remote.ChangeStream;
import dev.gdn.client.remote.RemoteEvaluator;
import dev.gdn.client.tracing.ClientTracing;
import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.ruleset.json.JsonWriter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The GDN failover client: asks the chain (by default belt CDN → GDN nodes → suspenders CDN →
 * classic API → GDN nodes directly) for all flags of a context, with hedging, per-endpoint circuit
 * breakers, session pinning and last-known-good answers. Thread-safe; one per application.
 *
 * <pre>{@code
 * GdnClient client = GdnClient.builder()
 *     .clientKey(System.getenv("GDN_CLIENT_KEY"))
 *     .tier(Tier.of("belt-cdn", TierKind.CDN, "https://flags-cdn.example.com"))
 *     .tier(Tier.of("gdn", TierKind.GDN, "https://iad.gdn.example.com", "https://fra.gdn.example.com"))
 *     .tier(Tier.of("suspenders-cdn", TierKind.CDN, "https://classic-cdn.example.com"))
 *     .tier(Tier.of("classic", TierKind.CLASSIC, "https://classic.example.com"))
 *     .tier(Tier.of("gdn-direct", TierKind.GDN, "https://iad-direct.gdn.example.com"))
 *     .build();
 * Evaluations all = client.evaluate(Map.of("targetingKey", "user-42"));
 * }</pre>
 *
 * <p>Local mode ({@link Builder#localEvaluation}): instead of asking for answers, the client downloads
 * the environment's signed ruleset through the origin tiers (GDN, CLASSIC) with a server key, verifies
 * it and evaluates in-process ({@link LocalRulesets}). {@link #resolve} is the typed evaluation both
 * modes share (the OpenFeature provider's).
 */
public final class GdnClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(GdnClient.class.getName());

    private final FailoverPolicy policy;
    private final ClientMetrics metrics;
    /** Held here because a Micrometer gauge holds its source weakly: the gauges live as long as the client. */
    private final java.util.function.Supplier<ServingStatus> servingForMetrics;
    private final RemoteEvaluator remote;
    private final LocalRulesets local;
    private final HttpClient http;
    private final ExecutorService httpExecutor;
    /** Remote mode: bulk answers per context (canonical JSON) for {@link #resolve}, for a short TTL. */
    private final Cache<String, Evaluations> recentAnswers;
    private final Duration remoteAnswerTtl;
    private final Duration streamingAnswerTtl;
    private final ChangeStream stream;
    private final List<java.util.function.Consumer<Evaluations>> answerListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Map<String, Object> lastContext;
    private final java.util.concurrent.atomic.AtomicBoolean streamStarted = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile Evaluations lastAnswer;

    private GdnClient(Builder b) {
        List<Tier> chain = b.local == null ? b.tiers
                : b.tiers.stream().filter(t -> t.kind() != TierKind.CDN).toList(); // server keys never go to CDN URLs
        this.metrics = b.meterRegistry == null ? ClientMetrics.NONE : new MicrometerClientMetrics(b.meterRegistry);
        this.policy = new FailoverPolicy(chain, b.deadline, b.breaker, metrics);
        AtomicInteger n = new AtomicInteger();
        this.httpExecutor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "gdn-client-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        Duration connect = b.tiers.stream().map(Tier::timeout).min(Duration::compareTo).orElse(Tier.DEFAULT_TIMEOUT);
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connect)
                .executor(httpExecutor).build();
        this.remote = b.local == null ? new RemoteEvaluator(http, httpExecutor, b.clientKey, policy, b.lastKnownGoodContexts, b.tracing) : null;
        this.remoteAnswerTtl = b.remoteAnswerTtl;
        this.streamingAnswerTtl = b.streamingAnswerTtl.compareTo(b.remoteAnswerTtl) > 0 ? b.streamingAnswerTtl : b.remoteAnswerTtl;
        this.recentAnswers = b.local == null && !b.remoteAnswerTtl.isZero()
                ? Caffeine.newBuilder().expireAfterWrite(streamingAnswerTtl).maximumSize(b.lastKnownGoodContexts).build() : null;
        List<dev.gdn.client.Endpoint> origins = policy.endpoints().stream().filter(e -> e.tier().kind() != TierKind.CDN).toList();
        if (b.local == null && b.eventStreams && !origins.isEmpty()) {
            this.stream = new ChangeStream(http, origins, b.clientKey, b.streamStall, new ChangeStream.Listener() {
                @Override
                public void changed(long version, String etag) {
                    remote.notified(version, etag);
                    refetch();
                }

                @Override
                public void reconnected() {
                    refetch();
                }

                @Override
                public void up(boolean up) {
                    // while the stream is down, answers are reused for remoteAnswerTtl only: polling
                }
            });
        } else {
            this.stream = null;
        }
        if (b.local != null) {
            this.local = new LocalRulesets(http, httpExecutor, policy, b.local.serverKey, b.local.trusted, b.local.cacheDir, b.local.refreshInterval);
            this.local.start();
        } else {
            this.local = null;
        }
        this.servingForMetrics = this::servingStatus;
        metrics.serving(servingForMetrics);
    }

    /** After a notification or a reconnect: forget reused answers and ask again for the last context at once. */
    private void refetch() {
        if (recentAnswers != null) {
            recentAnswers.invalidateAll();
        }
        Map<String, Object> ctx = lastContext;
        if (ctx != null) {
            evaluateAsync(ctx);
        }
    }

    /** Remote mode: called with every answer the chain gives (also those the event stream triggers). */
    public void addAnswerListener(java.util.function.Consumer<Evaluations> listener) {
        answerListeners.add(listener);
    }

    public void removeAnswerListener(java.util.function.Consumer<Evaluations> listener) {
        answerListeners.remove(listener);
    }

    /** Whether the event stream is connected (remote mode with event streams on). */
    public boolean streaming() {
        return stream != null && stream.isConnected();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** All flags for a context. Never throws for an outage: see {@link Evaluations#freshness()}. */
    public Evaluations evaluate(Map<String, Object> context) {
        try {
            Evaluations e = evaluateAsync(context).get();
            if (e.freshness() == Evaluations.Freshness.NONE && e.error() != null && e.error().startsWith("API key rejected")) {
                LOG.log(Level.ERROR, "GDN client misconfigured: {0}", e.error());
            }
            return e;
        } catch (ExecutionException e) {
            return Evaluations.none(String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Evaluations.none("interrupted");
        }
    }

    public CompletableFuture<Evaluations> evaluateAsync(Map<String, Object> context) {
        if (local != null) {
            return CompletableFuture.completedFuture(local.evaluateAll(context));
        }
        long t0 = System.nanoTime();
        lastContext = context;
        return remote.evaluate(context).whenComplete((e, err) -> {
            if (e != null) {
                lastAnswer = e;
                metrics.evaluated(e, System.nanoTime() - t0);
                // ADR-0008: connect once a server has advertised a stream (servers without one are never asked)
                if (stream != null && e.metadata().containsKey(RemoteEvaluator.EVENT_STREAMS) && streamStarted.compareAndSet(false, true)) {
                    stream.start();
                }
                for (java.util.function.Consumer<Evaluations> l : answerListeners) {
                    try {
                        l.accept(e);
                    } catch (RuntimeException ex) {
                        LOG.log(Level.WARNING, "answer listener failed", ex);
                    }
                }
            }
        });
    }

    /**
     * One flag, typed (what the OpenFeature provider calls). Remote mode: from the context's bulk
     * answer, fetched at most once per {@link Builder#remoteAnswerTtl} per context; local mode: evaluated
     * in-process. Never throws for an outage: see {@link FlagResolution}.
     */
    public FlagResolution resolve(String key, FlagType type, Map<String, Object> context) {
        if (local != null) {
            return local.resolve(key, type, context);
        }
        Evaluations all;
        if (recentAnswers != null) {
            String canonical = JsonWriter.toCanonicalJson(context);
            all = recentAnswers.getIfPresent(canonical);
            // With the event stream up, changes are pushed: an answer is reused longer. Without it, poll.
            Duration ttl = streaming() ? streamingAnswerTtl : remoteAnswerTtl;
            // An answer older than a notified version (one that was in flight when the notification came) is not reused.
            if (all != null && (all.receivedAt().plus(ttl).isBefore(Instant.now()) || all.version() < remote.notifiedVersion())) {
                all = null;
            }
            if (all == null) {
                all = evaluate(context);
                recentAnswers.put(canonical, all);
            }
        } else {
            all = evaluate(context);
        }
        return FlagResolution.of(key, type, all);
    }

    /** REMOTE or LOCAL. */
    public ServingStatus.Mode mode() {
        return local != null ? ServingStatus.Mode.LOCAL : ServingStatus.Mode.REMOTE;
    }

    /** Local mode's ruleset holder (null in remote mode). */
    public LocalRulesets localRulesets() {
        return local;
    }

    /** The last bulk answer in remote mode (null before the first, and in local mode). */
    public Evaluations lastAnswer() {
        return lastAnswer;
    }

    public ClientStatus status() {
        if (local != null) {
            LocalRulesets.Loaded l = local.current();
            return new ClientStatus(l == null ? null : l.tier(), l == null ? null : l.servedBy(), l == null ? 0 : l.version(),
                    policy.status());
        }
        return new ClientStatus(remote.lastTier(), remote.lastServedBy(), remote.pinnedVersion(), policy.status());
    }

    /** Which tier served the data in use, the version, its age and freshness, and every breaker. */
    public ServingStatus servingStatus() {
        if (local != null) {
            LocalRulesets.Loaded l = local.current();
            Evaluations.Freshness f = l == null ? Evaluations.Freshness.NONE
                    : local.isFresh() ? Evaluations.Freshness.FRESH : Evaluations.Freshness.STALE;
            return new ServingStatus(ServingStatus.Mode.LOCAL, l == null ? null : l.tier(), l == null ? null : l.servedBy(),
                    l == null ? 0 : l.version(),
                    l == null ? null : Instant.ofEpochMilli(l.ruleset().ruleset().getCreatedAtMillis()),
                    local.confirmedAt(), f, local.lastError(), policy.status());
        }
        Evaluations e = lastAnswer;
        if (e == null) {
            return new ServingStatus(ServingStatus.Mode.REMOTE, null, null, 0, null, null, Evaluations.Freshness.NONE, null,
                    policy.status());
        }
        return new ServingStatus(ServingStatus.Mode.REMOTE, e.tier(), e.servedBy(), e.version(), null,
                e.freshness() == Evaluations.Freshness.NONE ? null : e.receivedAt(), e.freshness(), e.error(), policy.status());
    }

    /** Ends the session: the next answer sets a new pinned version. */
    public void newSession() {
        if (remote != null) {
            remote.unpin();
        }
    }

    /** Frees every thread and connection the client made. */
    @Override
    public void close() {
        if (stream != null && streamStarted.get()) {
            stream.close();
        }
        if (local != null) {
            local.close();
        }
        policy.close();
        if (http instanceof AutoCloseable closeable) { // Java 21+: closes the client's selector and connections
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.log(Level.DEBUG, "closing the HTTP client", e);
            }
        }
        httpExecutor.shutdownNow();
    }

    public static final class Builder {
        private final List<Tier> tiers = new ArrayList<>();
        private String clientKey;
        private Duration deadline = Duration.ofSeconds(2);
        private long lastKnownGoodContexts = 10_000;
        private FailoverPolicy.BreakerSettings breaker = FailoverPolicy.BreakerSettings.DEFAULT;
        private Duration remoteAnswerTtl = Duration.ofSeconds(1);
        private boolean eventStreams = true;
        private Duration streamingAnswerTtl = Duration.ofSeconds(30);
        private Duration streamStall = Duration.ofSeconds(45);
        private LocalSettings local;
        private MeterRegistry meterRegistry;
        private ClientTracing tracing = ClientTracing.NONE;

        private record LocalSettings(String serverKey, TrustedKeys trusted, Path cacheDir, Duration refreshInterval) {
        }

        public Builder clientKey(String key) {
            this.clientKey = key;
            return this;
        }

        public Builder tier(Tier tier) {
            tiers.add(tier);
            return this;
        }

        /** The most one evaluation waits for any tier before serving last-known-good. */
        public Builder deadline(Duration d) {
            this.deadline = d;
            return this;
        }

        public Builder lastKnownGoodContexts(long n) {
            this.lastKnownGoodContexts = n;
            return this;
        }

        /**
         * Reports the client's metrics to this registry ({@link MicrometerClientMetrics} lists them):
         * answers and latency by tier, attempts by outcome, failovers, breaker states, the data's age.
         * Micrometer is an optional dependency: without this call none of its classes is loaded.
         */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        public Builder breaker(FailoverPolicy.BreakerSettings settings) {
            this.breaker = settings;
            return this;
        }

        /**
         * Remote mode: how long {@link GdnClient#resolve} reuses one context's bulk answer (default 1 s;
         * zero asks the chain on every call).
         */
        /**
         * Traces remote evaluations and sends their trace context ({@code traceparent}) to the servers, e.g.
         * {@code OpenTelemetryTracing.of(openTelemetry)}. Default: none.
         */
        public Builder tracing(ClientTracing tracing) {
            this.tracing = java.util.Objects.requireNonNull(tracing);
            return this;
        }

        public Builder remoteAnswerTtl(Duration ttl) {
            if (ttl.isNegative()) {
                throw new IllegalArgumentException("the TTL must not be negative");
            }
            this.remoteAnswerTtl = ttl;
            return this;
        }

        /**
         * Remote mode: listen to the environment's OFREP event stream on the origin tiers (default on). A
         * notification re-fetches at once (the last context asked) and makes answers of older versions
         * count as lagging tiers; after a reconnect the client always re-fetches; while the stream is down
         * it polls (answers reused for {@link #remoteAnswerTtl} only).
         */
        public Builder eventStreams(boolean on) {
            this.eventStreams = on;
            return this;
        }

        /**
         * Remote mode, while the event stream is up: how long {@link GdnClient#resolve} reuses one
         * context's answer (default 30 s; never less than {@link #remoteAnswerTtl}). Changes arrive by
         * notification, so this only bounds how long a missed one could go unnoticed.
         */
        public Builder streamingAnswerTtl(Duration ttl) {
            if (ttl.isNegative()) {
                throw new IllegalArgumentException("the TTL must not be negative");
            }
            this.streamingAnswerTtl = ttl;
            return this;
        }

        /**
         * A stream that sends nothing, heartbeats included (servers send one every 15 s by default), for
         * this long is treated as dead and replaced by one to the next origin (default 45 s).
         */
        public Builder streamStallTimeout(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("the stall timeout must be positive");
            }
            this.streamStall = d;
            return this;
        }

        /**
         * Local mode: download the signed ruleset with a server key through the GDN and CLASSIC tiers
         * (CDN tiers are left out of this chain), verify it with these keys, evaluate in-process,
         * refresh every {@code refreshInterval}, and keep the last good envelope in {@code cacheDir}
         * (null: no disk cache) for cold starts with every tier down.
         */
        public Builder localEvaluation(String serverKey, TrustedKeys trusted, Path cacheDir, Duration refreshInterval) {
            this.local = new LocalSettings(Objects.requireNonNull(serverKey, "serverKey"), Objects.requireNonNull(trusted, "trusted"),
                    cacheDir, Objects.requireNonNull(refreshInterval, "refreshInterval"));
            return this;
        }

        /**
         * Reads {@code GDN_CLIENT_KEY}, {@code GDN_DEADLINE_MS}, {@code GDN_EVENT_STREAMS} (0 turns them off) and {@code GDN_TIERS}: tiers separated by
         * spaces, each {@code name=kind:url[,url…]}, e.g.
         * {@code belt-cdn=cdn:https://a gdn=gdn:https://iad,https://fra classic=classic:https://c}.
         * Local mode when {@code GDN_SERVER_KEY} and {@code GDN_TRUSTED_KEYS} (public key files, comma
         * separated) are set, with {@code GDN_CACHE_DIR} and {@code GDN_REFRESH_MS} (default 30000).
         */
        public Builder fromEnvironment(Map<String, String> env) {
            if (env.get("GDN_CLIENT_KEY") != null) {
                clientKey(env.get("GDN_CLIENT_KEY"));
            }
            if ("0".equals(env.get("GDN_EVENT_STREAMS")) || "false".equalsIgnoreCase(env.get("GDN_EVENT_STREAMS"))) {
                eventStreams(false);
            }
            if (env.get("GDN_DEADLINE_MS") != null) {
                deadline(Duration.ofMillis(Long.parseLong(env.get("GDN_DEADLINE_MS").trim())));
            }
            String spec = env.get("GDN_TIERS");
            if (spec != null) {
                for (String t : spec.trim().split("\\s+")) {
                    int eq = t.indexOf('=');
                    int colon = t.indexOf(':', eq + 1);
                    if (eq <= 0 || colon < 0) {
                        throw new IllegalArgumentException("GDN_TIERS entry '" + t + "' is not name=kind:url[,url...]");
                    }
                    TierKind kind = TierKind.valueOf(t.substring(eq + 1, colon).toUpperCase());
                    tier(Tier.of(t.substring(0, eq), kind, t.substring(colon + 1).split(",")));
                }
            }
            String serverKey = env.get("GDN_SERVER_KEY");
            String trust = env.get("GDN_TRUSTED_KEYS");
            if (serverKey != null && trust != null) {
                TrustedKeys keys;
                try {
                    keys = TrustedKeys.load(Arrays.stream(trust.split(",")).map(String::trim).map(Path::of).toList());
                } catch (IOException e) {
                    throw new UncheckedIOException("GDN_TRUSTED_KEYS: " + e.getMessage(), e);
                }
                String cache = env.get("GDN_CACHE_DIR");
                String refresh = env.get("GDN_REFRESH_MS");
                localEvaluation(serverKey.trim(), keys, cache == null ? null : Path.of(cache.trim()),
                        Duration.ofMillis(refresh == null ? 30_000 : Long.parseLong(refresh.trim())));
            }
            return this;
        }

        public GdnClient build() {
            if (local != null) {
                if (tiers.stream().noneMatch(t -> t.kind() != TierKind.CDN)) {
                    throw new IllegalStateException("local evaluation needs at least one GDN or CLASSIC tier (the server key never goes to a CDN)");
                }
                return new GdnClient(this);
            }
            if (clientKey == null || clientKey.isBlank()) {
                throw new IllegalStateException("a client key is required (builder.clientKey or GDN_CLIENT_KEY)");
            }
            if (tiers.isEmpty()) {
                throw new IllegalStateException("at least one tier is required (builder.tier or GDN_TIERS)");
            }
            return new GdnClient(this);
        }
    }
}
