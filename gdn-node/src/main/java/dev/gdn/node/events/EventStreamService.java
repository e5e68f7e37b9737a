package dev.gdn.node.events;

import dev.gdn.node.http.GdnHeaders;
import dev.gdn.node.source.Caller;
import dev.gdn.node.source.LoadedRuleset;
import dev.gdn.node.source.RulesetSource;
import dev.gdn.ruleset.ofrep.EventStream;
import dev.gdn.ruleset.ofrep.OfrepJson;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.http.sse.SseEvent;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.sse.SseSink;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * OFREP event streams (SPEC §5, OFREP ADR-0008) over any {@link RulesetSource}: one SSE stream per
 * environment that sends {@code refetchEvaluation} on every new version, a {@code heartbeat} event while
 * idle, and nothing else (clients re-fetch the bulk evaluation; the stream carries no answers).
 *
 * <ul>
 *   <li>{@code GET /gdn/v1/events/{clientKey}}: for browsers, whose {@code EventSource} cannot send
 *       headers; client keys only (server keys never appear in URLs), like the CDN GET.</li>
 *   <li>{@code GET /gdn/v1/events}: the key in {@code Authorization: Bearer} or {@code X-API-Key}.</li>
 * </ul>
 * Event ids are ruleset versions: a client reconnecting with an older {@code Last-Event-ID} gets the
 * current version's notification at once. The streams end when the server drains, so a stopping
 * server never waits on them. It also tells bulk responses where the stream is
 * ({@link #eventStreamsFor}) and lets an SSE-triggered re-fetch wait for the version it was told of
 * ({@link #atLeastNotified}).
 */
public final class EventStreamService implements HttpService, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EventStreamService.class.getName());
    static final String PATH = "/gdn/v1/events";
    private static final HeaderName LAST_EVENT_ID = HeaderNames.create("Last-Event-ID");
    private static final Header ANY_ORIGIN = HeaderValues.createCached(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    private static final Header EXPOSE = HeaderValues.createCached(HeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, "GDN-Served-By");
    private static final Header NO_BUFFERING = HeaderValues.createCached(HeaderNames.create("X-Accel-Buffering"), "no");
    private static final String ALLOW_HEADERS = "Authorization, X-API-Key, Last-Event-ID";
    /**
     * A typed event rather than a comment line: browsers' EventSource hides comments from page code, and
     * a client can only tell a silently dead (black-holed) stream from an idle one by seeing heartbeats.
     * OFREP clients ignore event types they do not know. No id, so Last-Event-ID keeps naming a version.
     */
    private static final SseEvent HEARTBEAT = SseEvent.builder().name("message")
            .data("{\"type\":\"heartbeat\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)).build();

    private final RulesetSource source;
    private final EventStreamConfig config;
    private final ChangeFeed feed;
    private final Header servedBy;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Counter notifications;
    private final int maxStreams;
    /** The eventStreams JSON per presented key: as many entries as keys that authenticated (bounded). */
    private final Map<String, byte[]> linksByKey = new ConcurrentHashMap<>();

    public EventStreamService(RulesetSource source, EventStreamConfig config, String servedBy, MeterRegistry meters) {
        this.source = source;
        this.config = config;
        this.feed = new ChangeFeed(source);
        this.servedBy = HeaderValues.createCached(GdnHeaders.SERVED_BY, servedBy);
        this.maxStreams = config.effectiveMaxStreams();
        LOG.log(Level.INFO, "event streams: at most {0,number,#} open (heartbeat {1} s)", maxStreams, config.heartbeat().toSeconds());
        Gauge.builder("gdn.event_streams.open", open, AtomicInteger::get).description("open OFREP event streams").register(meters);
        this.notifications = Counter.builder("gdn.event_streams.notifications")
                .description("refetchEvaluation notifications sent").register(meters);
    }

    public EventStreamConfig config() {
        return config;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.options(PATH, this::preflight)
                .options(PATH + "/{clientKey}", this::preflight)
                .get(PATH, (req, res) -> stream(req, res, GdnHeaders.apiKey(req), false))
                .get(PATH + "/{clientKey}", (req, res) -> stream(req, res, req.path().pathParameters().get("clientKey"), true));
    }

    // ---------------------------------------------------------------- for the bulk routes

    /**
     * The bulk body's {@code eventStreams} JSON for this caller: their stream, with the client key in the
     * path for client keys (what a browser's EventSource needs) and the header route for server keys.
     * Absolute at {@link EventStreamConfig#publicUrl} when one is configured, else the endpoint form.
     */
    public byte[] eventStreamsFor(Caller caller, String presentedKey) {
        String requestUri = caller.isServer() || presentedKey == null || presentedKey.isEmpty()
                ? PATH : PATH + "/" + URLEncoder.encode(presentedKey, StandardCharsets.UTF_8);
        String cacheKey = requestUri;
        byte[] known = linksByKey.get(cacheKey);
        if (known != null) {
            return known;
        }
        int inactivity = (int) Math.min(Integer.MAX_VALUE, config.inactivityDelay().toSeconds());
        String base = config.publicUrl() == null ? null : config.publicUrl().toString().replaceAll("/+$", "");
        byte[] json = EventStream.toJsonArray(List.of(base == null ? EventStream.sseRelative(requestUri, inactivity)
                : EventStream.sseAt(base + requestUri, inactivity)));
        if (linksByKey.size() > 4096) {
            linksByKey.clear(); // keys come and go with versions; a rebuild is a few microseconds
        }
        linksByKey.put(cacheKey, json);
        return json;
    }

    /**
     * For a re-fetch an event triggered: when its {@code flagConfigEtag} query parameter names a newer
     * version of the caller's environment than {@code rs}, waits (at most
     * {@link EventStreamConfig#refetchWait}) for this server to install it and resolves the ruleset
     * again; otherwise returns {@code rs}. So a client told of version N by one node does not get N-1
     * from another node (or a CDN in front of it) that polls its stores a moment later.
     */
    public LoadedRuleset atLeastNotified(ServerRequest req, LoadedRuleset rs, Supplier<LoadedRuleset> resolveAgain) {
        Optional<String> tag = req.query().first("flagConfigEtag").asOptional();
        if (tag.isEmpty()) {
            return rs;
        }
        long wanted = EventStream.versionOf(tag.get(), rs.environmentId());
        if (wanted <= rs.version()) {
            return rs;
        }
        try {
            if (feed.awaitVersion(rs.environmentId(), wanted, config.refetchWait())) {
                return resolveAgain.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return rs;
    }

    // ---------------------------------------------------------------- the stream

    private void stream(ServerRequest req, ServerResponse res, String key, boolean keyInUrl) {
        Optional<Caller> caller = source.authenticate(key);
        if (caller.isEmpty()) {
            fail(res, 401, key == null || key.isEmpty()
                    ? "missing API key: send Authorization: Bearer <key> or X-API-Key: <key>, or use " + PATH + "/<client key>"
                    : "unknown API key", null);
            return;
        }
        if (keyInUrl && caller.get().isServer()) {
            fail(res, 403, "server keys must never appear in URLs: use a client key here, or send the server key in a header to "
                    + PATH + ", and rotate this server key, which has now been exposed", null);
            return;
        }
        if (closed.get()) {
            fail(res, 503, "this server is shutting down", "1");
            return;
        }
        if (!req.headers().isAccepted(MediaTypes.TEXT_EVENT_STREAM)) {
            fail(res, 406, "this route answers text/event-stream only", null);
            return;
        }
        if (open.incrementAndGet() > maxStreams) {
            open.decrementAndGet();
            fail(res, 503, "too many open event streams on this server; poll or try another server", "5");
            return;
        }
        String env = caller.get().environmentId();
        ChangeFeed.Subscription sub = null;
        try {
            long lastSeen = req.headers().first(LAST_EVENT_ID).map(EventStreamService::parseVersion).orElse(0L);
            // Without Last-Event-ID the client has just fetched: tell it only of versions after the current one.
            long delivered = lastSeen > 0 ? lastSeen : feed.current(env).map(ChangeFeed.Change::version).orElse(0L);
            sub = feed.subscribe(env, delivered);
            if (closed.get()) {
                sub.close(); // close() ran between the check above and the subscription
            }
            res.header(servedBy);
            res.header(NO_BUFFERING);
            cors(req, res, env);
            SseSink sink = res.sink(SseSink.TYPE); // sends the headers now
            run(sink, sub, key);
        } finally {
            open.decrementAndGet();
            if (sub != null) {
                sub.cancel();
            }
        }
    }

    /** Sends changes and heartbeats until the client goes, the server drains, the key is revoked, or the stream is old. */
    private void run(SseSink sink, ChangeFeed.Subscription sub, String key) {
        long maxAge = config.maxStreamAge().toNanos();
        long end = System.nanoTime() + maxAge + ThreadLocalRandom.current().nextLong(maxAge / 10 + 1);
        try {
            while (!sub.isClosed() && end - System.nanoTime() > 0) {
                ChangeFeed.Change c = sub.next(config.heartbeat());
                if (c != null) {
                    if (source.authenticate(key).isEmpty()) {
                        break; // revoked with this version: the stream ends with it
                    }
                    sink.emit(SseEvent.builder().id(c.id()).name("message").data(c.data()).build());
                    notifications.increment();
                } else if (!sub.isClosed()) {
                    sink.emit(HEARTBEAT);
                }
            }
        } catch (UncheckedIOException | io.helidon.webserver.ServerConnectionException gone) {
            return; // the client went away; nothing to close
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            sink.close();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "closing an event stream", e);
        }
    }

    private static long parseVersion(String v) {
        try {
            return Math.max(0, Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The same origin rule as the evaluation routes: the environment's allow-list, or any origin. */
    private void cors(ServerRequest req, ServerResponse res, String env) {
        Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
        res.header(HeaderNames.VARY, "Origin");
        if (origin.isEmpty()) {
            return;
        }
        res.header(EXPOSE);
        List<String> allowed = source.current(env).map(LoadedRuleset::allowedOrigins).orElse(List.of());
        if (allowed.isEmpty()) {
            res.header(ANY_ORIGIN);
        } else if (allowed.contains(origin.get())) {
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin.get());
        }
    }

    private void preflight(ServerRequest req, ServerResponse res) {
        res.status(Status.NO_CONTENT_204);
        res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, req.headers().first(HeaderNames.ORIGIN).orElse("*"));
        res.header(HeaderNames.VARY, "Origin");
        res.header(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, OPTIONS");
        res.header(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, ALLOW_HEADERS);
        res.header(HeaderNames.ACCESS_CONTROL_MAX_AGE, "7200");
        res.send();
    }

    private void fail(ServerResponse res, int status, String details, String retryAfter) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.header(servedBy);
        res.header(ANY_ORIGIN); // error bodies hold nothing environment-specific
        if (retryAfter != null) {
            res.header(HeaderNames.RETRY_AFTER, retryAfter);
        }
        res.send(OfrepJson.errorDetails(details));
    }

    /** Open streams now. */
    public int openStreams() {
        return open.get();
    }

    /** Ends every stream (clients reconnect elsewhere) and refuses new ones; call before stopping the server. */
    @Override
    public void close() {
        closed.set(true);
        feed.closeAll();
    }
}
