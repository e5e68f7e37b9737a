package dev.gdn.node.http;

import dev.gdn.node.events.EventStreamService;
import dev.gdn.node.source.Caller;
import dev.gdn.node.source.LoadedRuleset;
import dev.gdn.node.source.RulesetSource;
import dev.gdn.node.tracing.EvaluationSpans;
import dev.gdn.ruleset.eval.ErrorCode;
import dev.gdn.ruleset.eval.EvaluationContext;
import dev.gdn.ruleset.eval.FlagResult;
import dev.gdn.ruleset.ofrep.BulkEtag;
import dev.gdn.ruleset.ofrep.BulkResponseWriter;
import dev.gdn.ruleset.ofrep.InvalidContextException;
import dev.gdn.ruleset.ofrep.OfrepJson;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The evaluation routes every GDN server serves (SPEC §3), over any {@link RulesetSource}:
 * OFREP single and bulk (with ETag / 304), the CDN-cacheable GET, the signed ruleset download, and
 * CORS for browsers on other origins. gdn-node mounts it over stores, the classic API over PostgreSQL.
 */
public final class EvaluationService implements HttpService {
    private static final System.Logger LOG = System.getLogger(EvaluationService.class.getName());
    /** Request bodies are small JSON contexts; anything larger is refused before it is parsed. */
    static final int MAX_BODY_BYTES = 64 * 1024;
    private static final String JSON = "application/json";
    /** The latency objective of deploy/observability: requests answered within 100 ms. */
    static final Duration LATENCY_SLO = Duration.ofMillis(100);

    // Constant headers are validated and encoded once, not on every response.
    private static final Header CONTENT_TYPE_JSON = HeaderValues.createCached(HeaderNames.CONTENT_TYPE, JSON);
    private static final Header NO_STORE = HeaderValues.createCached(HeaderNames.CACHE_CONTROL, "no-store");
    private static final Header ANY_ORIGIN = HeaderValues.createCached(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    private static final Header EXPOSE = HeaderValues.createCached(HeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, GdnHeaders.EXPOSE_HEADERS);
    private static final Header VARY_ORIGIN = HeaderValues.createCached(HeaderNames.VARY, "Origin");

    private final RulesetSource source;
    private final Header servedByHeader;
    private final Header cdnCacheControl;
    private final CdnPolicy cdn;
    private final MeterRegistry meters;
    private final Map<String, Counter> evaluations = new ConcurrentHashMap<>();
    private final EvaluationSpans spans;
    private final EventStreamService streams;

    /** @param servedBy the GDN-Served-By value: node id and region, or "classic" */
    public EvaluationService(RulesetSource source, String servedBy, CdnPolicy cdn, MeterRegistry meters) {
        this(source, servedBy, cdn, meters, OpenTelemetry.noop(), null);
    }

    /**
     * @param otel    where {@code gdn.evaluate} spans go (inside the request spans of {@link dev.gdn.node.tracing.RequestTracing})
     * @param streams the server's event streams, advertised in bulk bodies (null: none)
     */
    public EvaluationService(RulesetSource source, String servedBy, CdnPolicy cdn, MeterRegistry meters, OpenTelemetry otel,
                             EventStreamService streams) {
        this.spans = new EvaluationSpans(otel);
        this.streams = streams;
        this.source = source;
        this.servedByHeader = HeaderValues.createCached(GdnHeaders.SERVED_BY, servedBy);
        this.cdn = cdn;
        this.cdnCacheControl = HeaderValues.createCached(HeaderNames.CACHE_CONTROL, cdn.cacheControl());
        this.meters = meters;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.options("/ofrep/v1/evaluate/flags", this::preflight)
                .options("/ofrep/v1/evaluate/flags/{key}", this::preflight)
                .options("/gdn/v1/evaluate/{clientKey}/{context}", this::preflight)
                .options("/gdn/v1/ruleset", this::preflight)
                .post("/ofrep/v1/evaluate/flags", instrumented("ofrep_bulk", this::bulk))
                .post("/ofrep/v1/evaluate/flags/{key}", instrumented("ofrep_single", this::single))
                .get("/gdn/v1/evaluate/{clientKey}/{context}", instrumented("cdn_get", this::cacheableGet))
                .get("/gdn/v1/ruleset", instrumented("ruleset_download", this::rulesetDownload));
    }

    private interface Route {
        void handle(ServerRequest req, ServerResponse res) throws Exception;
    }

    /** Times every request by route and status, and turns failures into OFREP-shaped error responses. */
    private Handler instrumented(String route, Route handler) {
        // One timer per status, found by index: no key string built per request.
        AtomicReferenceArray<Timer> byStatus = new AtomicReferenceArray<>(600);
        return (req, res) -> {
            long start = System.nanoTime();
            try {
                handler.handle(req, res);
            } catch (HttpFailure f) {
                sendFailure(req, res, f);
                if (f.closeConnection) {
                    throw new CloseConnectionException("request body framing broken: the connection cannot carry another request");
                }
            } catch (CloseConnectionException e) {
                throw e; // the client is gone (or its framing broke): nothing to answer, nothing to log
            } catch (Exception | StackOverflowError e) {
                LOG.log(Level.ERROR, "request failed: " + req.prologue(), e);
                sendFailure(req, res, new HttpFailure(500, OfrepJson.errorDetails("internal error: " + e.getClass().getSimpleName())));
            } finally {
                int status = Math.min(Math.max(res.status().code(), 0), 599);
                Timer timer = byStatus.get(status);
                if (timer == null) {
                    // (the registry hands back the same timer for the same name and tags)
                    timer = Timer.builder("gdn.http.server.requests")
                            .description("evaluation requests by route and status")
                            .tag("route", route).tag("status", Integer.toString(status))
                            .publishPercentileHistogram()
                            .serviceLevelObjectives(LATENCY_SLO) // an exact bucket for the latency SLO alerts
                            .minimumExpectedValue(Duration.ofMillis(1).dividedBy(20))
                            .maximumExpectedValue(Duration.ofSeconds(5))
                            .register(meters);
                    byStatus.set(status, timer);
                }
                timer.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
            }
        };
    }

    private void sendFailure(ServerRequest req, ServerResponse res, HttpFailure f) {
        if (res.isSent()) {
            return;
        }
        res.status(f.status);
        res.header(CONTENT_TYPE_JSON);
        res.header(NO_STORE);
        res.header(servedByHeader);
        if (f.retryAfterSeconds != null) {
            res.header(HeaderNames.RETRY_AFTER, f.retryAfterSeconds);
        }
        // Browsers may read error bodies too: allow any origin (nothing environment-specific is in them).
        res.header(ANY_ORIGIN);
        res.header(EXPOSE);
        res.send(f.body);
    }

    // ---------------------------------------------------------------- routes

    private void single(ServerRequest req, ServerResponse res) {
        String flagKey = req.path().pathParameters().get("key");
        Caller caller = authenticate(req, keyFromHeaders(req));
        LoadedRuleset rs = ruleset(caller, req);
        EvaluationContext ctx = context(req);
        FlagResult r = spans.evaluate(rs.environmentId(), rs.version(), 1, flagKey, () -> rs.compiled().evaluate(flagKey, ctx));
        countEvaluations(rs, 1);
        commonHeaders(req, res, rs, false);
        res.status(OfrepJson.httpStatus(r));
        res.header(CONTENT_TYPE_JSON);
        res.send(OfrepJson.single(r));
    }

    private void bulk(ServerRequest req, ServerResponse res) {
        String key = keyFromHeaders(req);
        Caller caller = authenticate(req, key);
        LoadedRuleset rs = ruleset(caller, req);
        if (streams != null) {
            rs = streams.atLeastNotified(req, rs, () -> ruleset(caller, req));
        }
        sendAll(req, res, rs, context(req), false, streams == null ? null : streams.eventStreamsFor(caller, key));
    }

    /**
     * All flags for a context, with the ETag; a 304 when the caller already has this answer.
     *
     * @param eventStreams the body's {@code eventStreams} member (null: none)
     */
    private void sendAll(ServerRequest req, ServerResponse res, LoadedRuleset rs, EvaluationContext ctx, boolean shared,
                         byte[] eventStreams) {
        BulkResponseWriter.Body body = spans.evaluate(rs.environmentId(), rs.version(), rs.compiled().flagCount(), null,
                () -> evaluateAll(rs, ctx, eventStreams));
        // When a rule may read $flagd.timestamp, the same version and context can answer differently
        // later, so the answer itself counts; otherwise it follows from them and hashing it is waste.
        String etag = BulkEtag.of(rs.environmentId(), rs.version(), ctx.attributes(),
                rs.compiled().mayReadTime() ? body.buffer() : null, body.length());
        commonHeaders(req, res, rs, shared);
        res.header(HeaderNames.ETAG, etag);
        if (matches(req, etag)) {
            res.status(Status.NOT_MODIFIED_304).send();
            return;
        }
        res.header(CONTENT_TYPE_JSON);
        res.send(body.buffer(), 0, body.length());
    }

    private void cacheableGet(ServerRequest req, ServerResponse res) {
        String key = req.path().pathParameters().get("clientKey");
        Caller caller = authenticate(req, key);
        if (caller.isServer()) {
            throw new HttpFailure(403, OfrepJson.errorDetails("server keys must never appear in URLs: use a client key here,"
                    + " and rotate this server key, which has now been exposed"));
        }
        // Pinning would fragment CDN caches: this route always answers with the current version.
        LoadedRuleset rs = source.current(caller.environmentId()).orElseThrow(() -> notLoaded(caller));
        if (streams != null) {
            rs = streams.atLeastNotified(req, rs, () -> source.current(caller.environmentId()).orElseThrow(() -> notLoaded(caller)));
        }
        EvaluationContext ctx = contextFromUrl(req.path().pathParameters().get("context"));
        res.header(cdnCacheControl);
        res.header(GdnHeaders.SURROGATE_KEY, CdnPolicy.surrogateKey(rs.environmentId()));
        sendAll(req, res, rs, ctx, true, streams == null ? null : streams.eventStreamsFor(caller, key));
    }

    private void rulesetDownload(ServerRequest req, ServerResponse res) {
        Caller caller = authenticate(req, keyFromHeaders(req));
        if (!caller.isServer()) {
            throw new HttpFailure(403, OfrepJson.errorDetails("downloading the ruleset needs a server key; client keys may only evaluate"));
        }
        LoadedRuleset rs = source.current(caller.environmentId()).orElseThrow(() -> notLoaded(caller));
        if (rs.envelope() == null) {
            throw new HttpFailure(404, OfrepJson.errorDetails("this server evaluates an unsigned development flag file;"
                    + " there is no signed ruleset to download"));
        }
        String etag = "\"" + rs.environmentId() + "-" + rs.version() + "\"";
        commonHeaders(req, res, rs, false);
        res.header(HeaderNames.ETAG, etag);
        res.header(HeaderNames.CACHE_CONTROL, "private, no-cache");
        if (matches(req, etag)) {
            res.status(Status.NOT_MODIFIED_304).send();
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, "application/x-protobuf");
        res.send(rs.envelope());
    }

    private void preflight(ServerRequest req, ServerResponse res) {
        // A preflight carries no API key, so it cannot know the environment's allow-list; the real
        // response enforces it (the browser withholds it unless its Allow-Origin matches).
        res.status(Status.NO_CONTENT_204);
        res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, req.headers().first(HeaderNames.ORIGIN).orElse("*"));
        res.header(HeaderNames.VARY, "Origin");
        res.header(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, GdnHeaders.ALLOW_METHODS);
        res.header(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, GdnHeaders.ALLOW_HEADERS);
        res.header(HeaderNames.ACCESS_CONTROL_MAX_AGE, GdnHeaders.PREFLIGHT_MAX_AGE);
        res.send();
    }

    // ---------------------------------------------------------------- pieces

    private static String keyFromHeaders(ServerRequest req) {
        return GdnHeaders.apiKey(req);
    }

    private Caller authenticate(ServerRequest req, String key) {
        return source.authenticate(key).orElseThrow(() -> new HttpFailure(401, OfrepJson.errorDetails(key == null || key.isEmpty()
                ? "missing API key: send Authorization: Bearer <key> or X-API-Key: <key>"
                : "unknown API key")));
    }

    private LoadedRuleset ruleset(Caller caller, ServerRequest req) {
        long pinned = req.headers().first(GdnHeaders.RULESET_VERSION).map(EvaluationService::parseVersion).orElse(0L);
        return source.forRequest(caller.environmentId(), pinned).orElseThrow(() -> notLoaded(caller));
    }

    private static long parseVersion(String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return 0; // an unparseable pin is no pin
        }
    }

    private static HttpFailure notLoaded(Caller caller) {
        return new HttpFailure(503, OfrepJson.errorDetails("no ruleset is loaded yet for environment " + caller.environmentId()), "1");
    }

    private EvaluationContext context(ServerRequest req) {
        OptionalLong length = req.headers().contentLength();
        if (length.isPresent() && length.getAsLong() > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        byte[] body;
        if (!req.content().hasEntity()) {
            body = new byte[0];
        } else {
            try {
                body = RequestBodies.read(req, length.isPresent() ? (int) length.getAsLong() + 1 : MAX_BODY_BYTES + 1);
            } catch (RequestBodies.MalformedBody e) {
                throw new HttpFailure(400, OfrepJson.errorDetails(e.getMessage()), null, true);
            }
            if (body.length > MAX_BODY_BYTES) {
                throw tooLarge();
            }
        }
        try {
            return OfrepJson.parseRequest(body);
        } catch (InvalidContextException e) {
            throw new HttpFailure(400, OfrepJson.error(null, ErrorCode.INVALID_CONTEXT, e.getMessage()));
        }
    }

    private static HttpFailure tooLarge() {
        return new HttpFailure(413, OfrepJson.errorDetails("request body larger than " + MAX_BODY_BYTES + " bytes"));
    }

    private static EvaluationContext contextFromUrl(String encoded) {
        byte[] json;
        try {
            json = Base64.getUrlDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new HttpFailure(400, OfrepJson.error(null, ErrorCode.INVALID_CONTEXT,
                    "the context in the URL is not base64url: " + e.getMessage()));
        }
        if (json.length > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        try {
            return OfrepJson.parseContext(json);
        } catch (InvalidContextException e) {
            throw new HttpFailure(400, OfrepJson.error(null, ErrorCode.INVALID_CONTEXT, e.getMessage()));
        }
    }

    private BulkResponseWriter.Body evaluateAll(LoadedRuleset rs, EvaluationContext ctx, byte[] eventStreams) {
        FlagResult[] results = new FlagResult[rs.compiled().flagCount()];
        rs.compiled().evaluateAll(ctx, System.currentTimeMillis() / 1000, results);
        countEvaluations(rs, results.length);
        return rs.bulkWriter().encode(results, eventStreams);
    }

    private void countEvaluations(LoadedRuleset rs, int n) {
        evaluations.computeIfAbsent(rs.environmentId(), env -> Counter.builder("gdn.evaluations")
                .description("flag evaluations").tag("environment", env).register(meters)).increment(n);
    }

    /** Whether If-None-Match names this ETag (a list, weak prefixes and * allowed). */
    private static boolean matches(ServerRequest req, String etag) {
        for (String header : req.headers().values(HeaderNames.IF_NONE_MATCH)) {
            for (String candidate : header.split(",")) {
                String c = candidate.trim();
                if (c.startsWith("W/")) {
                    c = c.substring(2);
                }
                if (c.equals(etag) || c.equals("*")) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * @param shared whether a cache may serve this response to other callers (the CDN GET): then the CORS
     *               headers are always sent. Otherwise only browsers need them, and a browser always sends
     *               {@code Origin} on the requests that need them; servers and SDKs are spared ~120 bytes a
     *               response (which also keeps a bulk response's headers within the buffer Helidon
     *               reserves for them, rather than growing it by a copy of the whole response).
     */
    private void commonHeaders(ServerRequest req, ServerResponse res, LoadedRuleset rs, boolean shared) {
        res.header(rs.versionHeader());
        res.header(servedByHeader);
        List<String> allowed = rs.allowedOrigins();
        if (!shared || !allowed.isEmpty()) {
            res.header(VARY_ORIGIN); // the CORS headers below depend on the caller's Origin
        }
        if (!shared && !req.headers().contains(HeaderNames.ORIGIN)) {
            return;
        }
        res.header(EXPOSE);
        if (allowed.isEmpty()) {
            res.header(ANY_ORIGIN);
        } else {
            req.headers().first(HeaderNames.ORIGIN).filter(allowed::contains)
                    .ifPresent(origin -> res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin));
        }
    }
}
