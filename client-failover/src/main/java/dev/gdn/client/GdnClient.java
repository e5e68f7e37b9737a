package dev.gdn.client;

import dev.gdn.client.policy.FailoverPolicy;
import dev.gdn.client.remote.RemoteEvaluator;
import java.lang.System.Logger.Level;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 */
public final class GdnClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(GdnClient.class.getName());

    private final FailoverPolicy policy;
    private final RemoteEvaluator remote;
    private final HttpClient http;
    private final ExecutorService httpExecutor;

    private GdnClient(Builder b) {
        this.policy = new FailoverPolicy(b.tiers, b.deadline, b.breaker);
        AtomicInteger n = new AtomicInteger();
        this.httpExecutor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "gdn-client-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        Duration connect = b.tiers.stream().map(Tier::timeout).min(Duration::compareTo).orElse(Tier.DEFAULT_TIMEOUT);
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connect)
                .executor(httpExecutor).build();
        this.remote = new RemoteEvaluator(http, b.clientKey, policy, b.lastKnownGoodContexts);
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
        return remote.evaluate(context);
    }

    public ClientStatus status() {
        return new ClientStatus(remote.lastTier(), remote.lastServedBy(), remote.pinnedVersion(), policy.status());
    }

    /** Ends the session: the next answer sets a new pinned version. */
    public void newSession() {
        remote.unpin();
    }

    /** Frees every thread and connection the client made. */
    @Override
    public void close() {
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

        public Builder breaker(FailoverPolicy.BreakerSettings settings) {
            this.breaker = settings;
            return this;
        }

        /**
         * Reads {@code GDN_CLIENT_KEY}, {@code GDN_DEADLINE_MS} and {@code GDN_TIERS}: tiers separated by
         * spaces, each {@code name=kind:url[,url…]}, e.g.
         * {@code belt-cdn=cdn:https://a gdn=gdn:https://iad,https://fra classic=classic:https://c}.
         */
        public Builder fromEnvironment(Map<String, String> env) {
            if (env.get("GDN_CLIENT_KEY") != null) {
                clientKey(env.get("GDN_CLIENT_KEY"));
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
            return this;
        }

        public GdnClient build() {
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
