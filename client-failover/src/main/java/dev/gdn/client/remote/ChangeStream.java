package dev.gdn.client.remote;

import dev.gdn.client.Endpoint;
import dev.gdn.ruleset.json.JsonReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The OFREP event stream (SPEC §5, ADR-0008) of the client's environment, on the origin tiers only
 * (GDN nodes, then the classic API: never a CDN), one connection at a time on one daemon thread
 * ({@code gdn-client-events}). It tells its {@link Listener} of each {@code refetchEvaluation}, of
 * every (re)connection after the first (anything may have been missed), and of losing the stream (the
 * client then polls). A stream that sends nothing, heartbeats included, for {@code stallAfter} is
 * treated as dead (a black-holed connection), and the next origin is tried, with backoff.
 */
public final class ChangeStream implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ChangeStream.class.getName());
    static final String PATH = "gdn/v1/events";

    /** What the client does with the stream. */
    public interface Listener {
        /** A new version (0 when the event named none) and its configuration ETag (may be null). */
        void changed(long version, String etag);

        /** Connected after a break: re-fetch, something may have changed meanwhile. */
        void reconnected();

        /** The stream is up (true) or lost (false): poll while it is lost. */
        void up(boolean up);
    }

    private final HttpClient http;
    private final List<Endpoint> origins;
    private final String clientKey;
    private final Listener listener;
    private final Duration stallAfter;
    private final Thread thread;
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gdn-client-events-watchdog");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;
    private volatile boolean connected;
    private volatile InputStream current;
    private volatile long lastSeenNanos;
    private long lastEventId;

    public ChangeStream(HttpClient http, List<Endpoint> origins, String clientKey, Duration stallAfter, Listener listener) {
        if (origins.isEmpty()) {
            throw new IllegalArgumentException("event streams need a GDN or CLASSIC tier (streams never go through a CDN)");
        }
        this.http = http;
        this.origins = List.copyOf(origins);
        this.clientKey = clientKey;
        this.stallAfter = stallAfter;
        this.listener = listener;
        this.thread = new Thread(this::run, "gdn-client-events");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
        long period = Math.max(50, stallAfter.toMillis() / 4);
        watchdog.scheduleWithFixedDelay(this::checkStall, period, period, TimeUnit.MILLISECONDS);
    }

    public boolean isConnected() {
        return connected;
    }

    private void run() {
        int at = 0;
        long backoffMs = 0;
        boolean everConnected = false;
        while (!closed) {
            Endpoint e = origins.get(at % origins.size());
            Outcome o = listen(e, everConnected);
            everConnected |= o == Outcome.CONNECTED_THEN_LOST;
            connected = false;
            listener.up(false);
            if (closed) {
                return;
            }
            if (o == Outcome.REFUSED) {
                LOG.log(Level.ERROR, "GDN refused the client key on the event stream at {0}; not retrying it", e.label());
                return;
            }
            at++;
            backoffMs = o == Outcome.CONNECTED_THEN_LOST ? 0 : Math.min(30_000, backoffMs == 0 ? 250 : backoffMs * 2);
            try {
                Thread.sleep(backoffMs / 2 + ThreadLocalRandom.current().nextLong(backoffMs / 2 + 1));
            } catch (InterruptedException ie) {
                return;
            }
        }
    }

    private enum Outcome { FAILED, CONNECTED_THEN_LOST, REFUSED }

    private Outcome listen(Endpoint e, boolean reconnect) {
        String base = e.baseUrl().toString();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base.endsWith("/") ? base + PATH : base + "/" + PATH))
                .header("Accept", "text/event-stream").header("Authorization", "Bearer " + clientKey).GET();
        if (lastEventId > 0) {
            b.header("Last-Event-ID", Long.toString(lastEventId));
        }
        HttpResponse<InputStream> res;
        try {
            // the connect timeout is the client's; the response headers must come within the tier's timeout
            res = http.send(b.timeout(e.tier().timeout()).build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException ex) {
            return Outcome.FAILED;
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return Outcome.FAILED;
        }
        if (res.statusCode() == 401 || res.statusCode() == 403) {
            close(res.body());
            return Outcome.REFUSED;
        }
        if (res.statusCode() != 200) {
            close(res.body());
            return Outcome.FAILED;
        }
        current = res.body();
        lastSeenNanos = System.nanoTime();
        connected = true;
        listener.up(true);
        if (reconnect) {
            listener.reconnected(); // ADR-0008: always re-fetch after a reconnect
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
            StringBuilder data = new StringBuilder();
            String id = null;
            for (String line; !closed && (line = r.readLine()) != null; ) {
                lastSeenNanos = System.nanoTime();
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        dispatch(id, data.toString());
                    }
                    data.setLength(0);
                    id = null;
                } else if (line.startsWith("data:")) {
                    data.append(data.length() > 0 ? "\n" : "").append(line.substring(line.startsWith("data: ") ? 6 : 5));
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                }
            }
        } catch (IOException lost) {
            // closed by the watchdog, the server or the network: reconnect
        } finally {
            current = null;
        }
        return Outcome.CONNECTED_THEN_LOST;
    }

    private void dispatch(String id, String data) {
        Map<?, ?> event;
        try {
            event = new JsonReader(16).read(data.getBytes(StandardCharsets.UTF_8)) instanceof Map<?, ?> m ? m : Map.of();
        } catch (RuntimeException | dev.gdn.ruleset.json.JsonReadException malformed) {
            return;
        }
        if (!"refetchEvaluation".equals(event.get("type"))) {
            return; // heartbeats and types this client does not know
        }
        long version = event.get("rulesetVersion") instanceof Number n ? n.longValue() : 0;
        if (id != null) {
            try {
                lastEventId = Math.max(lastEventId, Long.parseLong(id));
            } catch (NumberFormatException notOurs) {
                // ids are opaque in OFREP; ours are versions
            }
        }
        listener.changed(version, event.get("etag") instanceof String s ? s : null);
    }

    private void checkStall() {
        InputStream in = current;
        if (in != null && System.nanoTime() - lastSeenNanos > stallAfter.toNanos()) {
            LOG.log(Level.DEBUG, "event stream silent for {0} ms: reconnecting", stallAfter.toMillis());
            close(in);
        }
    }

    private static void close(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // closing a broken stream
        }
    }

    @Override
    public void close() {
        closed = true;
        watchdog.shutdownNow();
        InputStream in = current;
        if (in != null) {
            close(in);
        }
        thread.interrupt();
    }
}
