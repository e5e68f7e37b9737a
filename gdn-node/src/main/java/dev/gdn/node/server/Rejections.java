package dev.gdn.node.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Requests and connections a server turned away, by cause: a counter each ({@code gdn.http.rejected}) and at most
 * one log line per cause every ten seconds, never a stack trace. A hostile client can make any number of bad
 * requests; it must not be able to fill the log or page anyone with them.
 */
public final class Rejections {
    private static final System.Logger LOG = System.getLogger(Rejections.class.getName());
    private static final long LOG_EVERY_NANOS = 10_000_000_000L;

    private final String server;
    private final MeterRegistry meters;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lastLogged = new ConcurrentHashMap<>();

    public Rejections(String server, MeterRegistry meters) {
        this.server = server;
        this.meters = meters;
    }

    /**
     * @param cause  a short stable name (the metric tag): {@code bad-framing}, {@code header-timeout}, …
     * @param detail what was wrong, in a client's words, for the log line
     */
    public void record(String cause, String detail) {
        counters.computeIfAbsent(cause, c -> Counter.builder("gdn.http.rejected")
                .description("requests and connections refused or closed for malformed input or abuse, by cause")
                .tag("server", server).tag("cause", c).register(meters)).increment();
        AtomicLong last = lastLogged.computeIfAbsent(cause, c -> new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS));
        long now = System.nanoTime();
        long previous = last.get();
        if (now - previous >= LOG_EVERY_NANOS && last.compareAndSet(previous, now)) {
            LOG.log(Level.INFO, "{0}: rejected ({1}): {2} (further ones counted in gdn_http_rejected_total, logged at most every 10 s)",
                    server, cause, detail);
        }
    }

    /** How many were rejected for this cause (tests, and the bench's summary). */
    public long count(String cause) {
        Counter c = counters.get(cause);
        return c == null ? 0 : (long) c.count();
    }
}
