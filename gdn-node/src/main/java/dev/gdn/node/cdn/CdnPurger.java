package dev.gdn.node.cdn;

import dev.gdn.node.http.CdnPolicy;
import dev.gdn.node.source.LoadedRuleset;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * Purges CDN POPs when this server swaps to a new version of an environment, so a POP never keeps
 * serving answers older than what its origin serves. Each POP gets {@code PURGE /} with
 * {@code xkey: env-<id>} and {@code GDN-Ruleset-Version: N}: the VCL in {@code regions/} soft-purges the
 * environment's answers and from then on refuses to cache any answer older than N (one from a node in
 * another region that has not swapped yet). Registered as a listener on the server's rulesets; the first
 * version a process loads is not a swap and purges nothing.
 *
 * <p>Asynchronous, on one daemon thread: a slow or dead POP never delays a swap. Each purge is retried
 * (4 attempts over ~2 s) while the POP is unreachable or answers 5xx; a refusal (4xx) is final.
 */
public final class CdnPurger implements Consumer<LoadedRuleset>, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CdnPurger.class.getName());
    /** The request header naming the surrogate keys to purge (the xkey VMOD's convention). */
    public static final String XKEY = "xkey";
    public static final String VERSION = "GDN-Ruleset-Version";
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    /** What a POP answered to a purge. */
    public record PurgeResult(int status, String body) {
        public boolean ok() {
            return status / 100 == 2;
        }
    }

    /** A purge the POP answered with an error status. */
    private static final class PurgeRefused extends IOException {
        private static final long serialVersionUID = 1L;
        final transient PurgeResult result;

        PurgeRefused(URI pop, PurgeResult result) {
            super(pop + " answered " + result.status() + ": " + result.body().strip());
            this.result = result;
        }
    }

    private final List<URI> pops;
    private final ScheduledExecutorService worker;
    private final HttpClient http;
    private final Retry retry;
    private final Map<String, Long> versions = new ConcurrentHashMap<>();
    private final Counter purged;
    private final Counter failed;

    public CdnPurger(List<URI> pops, MeterRegistry meters) {
        this.pops = List.copyOf(pops);
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("gdn-cdn-purge").daemon().unstarted(r));
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).executor(worker).build();
        this.retry = Retry.of("cdn-purge", RetryConfig.custom()
                .maxAttempts(4)
                .intervalFunction(IntervalFunction.ofExponentialBackoff(Duration.ofMillis(250), 2))
                .retryOnException(e -> !(unwrap(e) instanceof PurgeRefused refused) || refused.result.status() >= 500)
                .build());
        this.purged = Counter.builder("gdn.cdn.purges").tag("outcome", "ok").description("CDN POP purges after a new version")
                .register(meters);
        this.failed = Counter.builder("gdn.cdn.purges").tag("outcome", "failed").description("CDN POP purges after a new version")
                .register(meters);
    }

    /**
     * Checks purge URLs given by a user: absolute {@code http(s)://host[:port]/…} URLs.
     *
     * @throws IllegalArgumentException naming the bad URL and why
     */
    public static List<URI> parse(List<String> urls) {
        List<URI> out = new ArrayList<>();
        for (String u : urls) {
            URI uri;
            try {
                uri = new URI(u.strip());
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("'" + u + "' is not a URL: " + e.getReason());
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw new IllegalArgumentException("'" + u + "' is not an http:// or https:// URL with a host");
            }
            out.add(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? uri.resolve("/") : uri);
        }
        return List.copyOf(out);
    }

    /** Remembers a version loaded before this purger listened: the next one is a swap. */
    public void loaded(LoadedRuleset r) {
        versions.merge(r.environmentId(), r.version(), Math::max);
    }

    @Override
    public void accept(LoadedRuleset r) {
        long[] before = {0};
        versions.compute(r.environmentId(), (env, v) -> {
            before[0] = v == null ? 0 : v;
            return Math.max(before[0], r.version());
        });
        if (before[0] == 0 || before[0] >= r.version()) {
            return; // the first version this process loads replaces nothing a POP got from it
        }
        String key = CdnPolicy.surrogateKey(r.environmentId());
        long t0 = System.nanoTime();
        for (URI pop : pops) {
            retry.executeCompletionStage(worker, () -> send(http, pop, key, r.version()).thenCompose(result -> result.ok()
                    ? CompletableFuture.completedFuture(result)
                    : CompletableFuture.failedFuture(new PurgeRefused(pop, result)))).whenComplete((result, e) -> {
                if (e == null) {
                    purged.increment();
                    LOG.log(Level.INFO, "purged {0} v{1,number,#} at {2} in {3,number,#} ms", key, r.version(), pop, (System.nanoTime() - t0) / 1_000_000);
                } else {
                    failed.increment();
                    LOG.log(Level.WARNING, "CDN purge of {0} v{1} at {2} failed: {3}; that POP serves its cached answers"
                            + " of older versions until they expire", key, r.version(), pop, describe(unwrap(e)));
                }
            });
        }
    }

    /**
     * Warms the purge client in the background with one GET of {@code local}, a URL of this process's own
     * server (no POP sees it; the answer is ignored). A JDK HTTP client's first request loads and links a few
     * hundred classes: measured in {@code gdn world} (C1-only JVMs, loaded 2-core machine), the first purge
     * after a start took 330–420 ms against 3–50 ms for later ones, all of it on the first publish's path.
     */
    public void warmUp(URI local) {
        retry.executeCompletionStage(worker, () -> http.sendAsync(HttpRequest.newBuilder(local).timeout(TIMEOUT).GET().build(),
                        HttpResponse.BodyHandlers.ofString()).thenApply(res -> new PurgeResult(res.statusCode(), res.body())))
                .whenComplete((result, e) -> LOG.log(Level.DEBUG, "purge client warmed up: {0}", e == null ? result.status() : e));
    }

    /**
     * One purge, without retries: answers of {@code surrogateKey}, and with {@code version > 0} also raises
     * that key's version floor (a soft purge); without a version the POP drops them outright. Completes
     * with the POP's answer, whatever its status, or fails with the I/O error.
     */
    public static CompletableFuture<PurgeResult> send(HttpClient http, URI pop, String surrogateKey, long version) {
        HttpRequest.Builder b = HttpRequest.newBuilder(pop).timeout(TIMEOUT).header(XKEY, surrogateKey)
                .method("PURGE", HttpRequest.BodyPublishers.noBody());
        if (version > 0) {
            b.header(VERSION, Long.toString(version));
        }
        return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(res -> new PurgeResult(res.statusCode(), res.body()));
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    private static String describe(Throwable e) {
        return e instanceof PurgeRefused ? e.getMessage() : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    @Override
    public void close() {
        worker.shutdownNow();
        http.shutdownNow();
    }
}
