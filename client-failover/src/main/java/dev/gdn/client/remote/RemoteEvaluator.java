package dev.gdn.client.remote;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.gdn.client.Endpoint;
import dev.gdn.client.Evaluations;
import dev.gdn.client.TierKind;
import dev.gdn.client.policy.AllTiersFailed;
import dev.gdn.client.policy.CallTrace;
import dev.gdn.client.policy.DeadlinePassed;
import dev.gdn.client.policy.AttemptFailure;
import dev.gdn.client.policy.FailoverPolicy;
import dev.gdn.client.tracing.ClientTracing;
import dev.gdn.client.policy.LaggingAnswer;
import dev.gdn.ruleset.json.JsonWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Remote evaluation through the chain: the cacheable GET on CDN tiers (client key in the URL, never
 * pinned, so CDN caches stay whole), OFREP POST on origin tiers (pinned with GDN-Ruleset-Version),
 * If-None-Match with each context's last ETag everywhere. Every good answer is kept per context
 * (bounded); it is what a 304 means and what is served, marked stale, when nothing answers.
 */
public final class RemoteEvaluator {
    /** Set in an answer's metadata when the server advertised an OFREP event stream (ADR-0008). */
    public static final String EVENT_STREAMS = "$eventStreams";
    private final HttpClient http;
    private final java.util.concurrent.ExecutorService threads;
    private final String clientKey;
    private final FailoverPolicy policy;
    private final Cache<String, Evaluations> answers;
    private final AtomicLong pinnedVersion = new AtomicLong();
    /** The highest version the event stream announced: answers older than it come from lagging tiers. */
    private final AtomicLong notifiedVersion = new AtomicLong();
    private volatile String notifiedEtag;
    private volatile String lastServedBy;
    private volatile String lastTier;
    private final ClientTracing tracing;

    /** @param threads where exchanges run (see {@link HttpExchange}) */
    public RemoteEvaluator(HttpClient http, java.util.concurrent.ExecutorService threads, String clientKey, FailoverPolicy policy,
                           long lastKnownGoodContexts) {
        this(http, threads, clientKey, policy, lastKnownGoodContexts, ClientTracing.NONE);
    }

    /** @param tracing spans for each evaluation and each endpoint asked, and trace headers to send */
    public RemoteEvaluator(HttpClient http, java.util.concurrent.ExecutorService threads, String clientKey, FailoverPolicy policy,
                           long lastKnownGoodContexts, ClientTracing tracing) {
        this.tracing = tracing;
        this.http = http;
        this.threads = threads;
        this.clientKey = clientKey;
        this.policy = policy;
        this.answers = Caffeine.newBuilder().maximumSize(lastKnownGoodContexts).build();
    }

    /** Never fails for an outage: a fresh answer, else the last good one (stale), else none (with why). */
    public CompletableFuture<Evaluations> evaluate(Map<String, Object> context) {
        String canonical = JsonWriter.toCanonicalJson(context);
        Evaluations cached = answers.getIfPresent(canonical);
        ClientTracing.Call call = tracing.startCall("gdn.client.evaluate");
        long min = notifiedVersion.get();
        java.util.concurrent.atomic.AtomicReference<Evaluations> lagging = new java.util.concurrent.atomic.AtomicReference<>();
        // (the attempt's own future goes to the policy: cancelling it must reach the exchange)
        return policy.execute(e -> ask(e, canonical, cached, call, min, lagging))
                .thenApply(result -> {
                    Evaluations fresh = result.value();
                    lastTier = result.servedBy().label();
                    lastServedBy = fresh.servedBy();
                    call.end(result.servedBy().label(), false);
                    // (the cache keeps answers; the trace is this call's only)
                    return remember(canonical, fresh).withTrace(result.trace());
                })
                .exceptionally(err -> {
                    call.end(String.valueOf(err.getMessage()), true);
                    Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                    if (cause instanceof AttemptFailure.RejectedCredentials rejected) {
                        // Configuration, not an outage: loud, and no stale answer hides it.
                        return Evaluations.none("API key rejected (HTTP " + rejected.status() + "): " + rejected.getMessage());
                    }
                    String why = cause instanceof TimeoutException
                            ? "no tier answered within " + policy.deadline().toMillis() + " ms"
                            : cause instanceof AllTiersFailed ? cause.getMessage() : String.valueOf(cause);
                    CallTrace trace = cause instanceof DeadlinePassed d ? d.trace()
                            : cause instanceof AllTiersFailed f ? f.trace() : CallTrace.NONE;
                    Evaluations last = answers.getIfPresent(canonical);
                    Evaluations older = lagging.get();
                    if (older != null && (last == null || older.version() > last.version())) {
                        // only lagging tiers answered: a real answer, if not the newest
                        return remember(canonical, older).withTrace(trace);
                    }
                    return (last != null ? stale(last, why) : Evaluations.none(why)).withTrace(trace);
                });
    }

    private static Evaluations stale(Evaluations last, String why) {
        return new Evaluations(last.flags(), last.metadata(), last.version(), last.servedBy(), "last-known-good",
                Evaluations.Freshness.STALE, why, last.receivedAt());
    }

    /**
     * Keeps the answer, but never steps a session backwards: when a lagging tier answers with an older
     * version than the one already held for this context, the newer one is kept and returned.
     */
    private Evaluations remember(String canonical, Evaluations fresh) {
        Evaluations kept = answers.asMap().merge(canonical, fresh,
                (old, neu) -> neu.version() != 0 && old.version() > neu.version() ? old : neu);
        long v = kept.version();
        if (v > 0) {
            // Pin the first version seen; move the pin up only when the server no longer has it (it answered newer).
            pinnedVersion.accumulateAndGet(v, (pin, got) -> pin == 0 || got > pin ? got : pin);
        }
        return kept;
    }

    private CompletableFuture<Evaluations> ask(Endpoint e, String canonical, Evaluations cached, ClientTracing.Call call, long min,
                                               java.util.concurrent.atomic.AtomicReference<Evaluations> lagging) {
        HttpRequest.Builder b;
        // ADR-0008: a re-fetch after a notification names the configuration it was told of; servers wait
        // briefly for it, and on the CDN GET it is also a cache key of its own.
        String told = notifiedEtag;
        String query = told != null && min > 0 && (cached == null || cached.version() < min)
                ? "?flagConfigEtag=" + java.net.URLEncoder.encode(told, StandardCharsets.UTF_8) : "";
        if (e.tier().kind() == TierKind.CDN) {
            String ctx = Base64.getUrlEncoder().withoutPadding().encodeToString(canonical.getBytes(StandardCharsets.UTF_8));
            b = HttpRequest.newBuilder(resolve(e.baseUrl(), "gdn/v1/evaluate/" + clientKey + "/" + ctx + query)).GET();
        } else {
            b = HttpRequest.newBuilder(resolve(e.baseUrl(), "ofrep/v1/evaluate/flags" + query))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"context\":" + canonical + "}", StandardCharsets.UTF_8))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + clientKey);
            long pin = pinnedVersion.get();
            if (pin > 0) {
                b.header("GDN-Ruleset-Version", Long.toString(pin));
            }
        }
        String etag = cached == null ? null : (String) cached.metadata().get("$etag");
        if (etag != null) {
            b.header("If-None-Match", etag);
        }
        b.timeout(e.tier().timeout()).header("Accept", "application/json");
        ClientTracing.Attempt attempt = call.startAttempt(e.tier().name(), e.label(), b::header);
        CompletableFuture<Evaluations> answer = HttpExchange.send(http, b.build(), threads, res -> {
            attempt.status(res.statusCode());
            Evaluations got = interpret(e, res, cached);
            if (got.version() > 0 && got.version() < min) {
                lagging.accumulateAndGet(got, (held, neu) -> held == null || neu.version() > held.version() ? neu : held);
                throw new LaggingAnswer(got, e.label() + ": ruleset version " + got.version() + ", behind the notified " + min);
            }
            return got;
        });
        // (the exchange's own future goes back: the policy cancels it when another endpoint wins)
        answer.whenComplete((v, err) -> attempt.end(err));
        return answer;
    }

    private static URI resolve(URI base, String path) {
        String s = base.toString();
        return URI.create(s.endsWith("/") ? s + path : s + "/" + path);
    }

    private static Evaluations interpret(Endpoint e, HttpResponse<byte[]> res, Evaluations cached) {
        int status = res.statusCode();
        String where = e.label() + ": HTTP " + status;
        if (status == 401 || status == 403) {
            throw new AttemptFailure.RejectedCredentials(status, where + " " + new String(res.body(), StandardCharsets.UTF_8));
        }
        if (status == 429) {
            long seconds = res.headers().firstValue("Retry-After").map(RemoteEvaluator::seconds).orElse(1L);
            throw new AttemptFailure.RateLimited(Duration.ofSeconds(seconds), where + " (retry after " + seconds + " s)");
        }
        if (status == 304) {
            if (cached == null) {
                throw new AttemptFailure(where + " without a cached answer for this context");
            }
            return new Evaluations(cached.flags(), cached.metadata(), cached.version(),
                    res.headers().firstValue("GDN-Served-By").orElse(cached.servedBy()), e.tier().name(),
                    Evaluations.Freshness.FRESH, null, Instant.now());
        }
        if (status != 200) {
            throw new AttemptFailure(where);
        }
        String type = res.headers().firstValue("Content-Type").orElse("");
        if (!type.toLowerCase().startsWith("application/json")) {
            throw new AttemptFailure(where + " with Content-Type '" + type + "', not application/json");
        }
        OfrepBulkParser.Parsed parsed;
        try {
            parsed = OfrepBulkParser.parse(res.body());
        } catch (OfrepBulkParser.Malformed m) {
            throw new AttemptFailure(where + " with a malformed body: " + m.getMessage());
        }
        long version = res.headers().firstValue("GDN-Ruleset-Version").map(RemoteEvaluator::parseLong)
                .orElseGet(() -> parsed.metadata().get("rulesetVersion") instanceof Number n ? n.longValue() : 0L);
        Map<String, Object> metadata = new java.util.LinkedHashMap<>(parsed.metadata());
        res.headers().firstValue("ETag").ifPresent(tag -> metadata.put("$etag", tag));
        if (parsed.sseAdvertised()) {
            metadata.put(EVENT_STREAMS, Boolean.TRUE);
        }
        return new Evaluations(parsed.flags(), java.util.Collections.unmodifiableMap(metadata), version,
                res.headers().firstValue("GDN-Served-By").orElse(null), e.tier().name(), Evaluations.Freshness.FRESH, null,
                Instant.now());
    }

    private static long seconds(String retryAfter) {
        try {
            return Math.max(0, Long.parseLong(retryAfter.trim()));
        } catch (NumberFormatException notSeconds) {
            return 1; // an HTTP date: back off briefly rather than parse clocks
        }
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public long pinnedVersion() {
        return pinnedVersion.get();
    }

    /** The highest version the event stream announced (0 before any). */
    public long notifiedVersion() {
        return notifiedVersion.get();
    }

    /**
     * The event stream announced a version: from now on answers older than it are lagging tiers (the next
     * tier is asked), and origin tiers are pinned to it.
     */
    public void notified(long version, String etag) {
        if (version <= 0) {
            return;
        }
        if (notifiedVersion.getAndAccumulate(version, Math::max) < version) {
            notifiedEtag = etag;
        }
        pinnedVersion.accumulateAndGet(version, Math::max);
    }

    /** Starts a new session: the next answer sets a new pin. */
    public void unpin() {
        pinnedVersion.set(0);
    }

    public String lastTier() {
        return lastTier;
    }

    public String lastServedBy() {
        return lastServedBy;
    }
}
