package dev.gdn.node.server;

import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Status;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Read deadlines for every connection of one listener, and its count of open connections.
 * <p>
 * Helidon 4.5 has no server-side read timeout (the socket options' {@code readTimeout} is not applied to accepted
 * channels) and its idle-connection check interrupts a connection only while it waits for a request line: a client
 * that never sends a byte, or stops half-way through its headers or body, holds a file descriptor for ever. This
 * guard learns of each accepted channel ({@link GuardedSocketOptions}), follows each HTTP/1 exchange through
 * Helidon's connection listeners, and a sweeper shuts the input of any connection still reading its request head
 * {@code headerTimeout} after accept (or after its previous response), or its body {@code bodyTimeout} after the
 * head. Connections keyed as Helidon names them: {@code 0x} + the channel's identity hash.
 */
final class ConnectionGuard implements Http1ConnectionListener, AutoCloseable {
    private enum Phase { HEAD, BODY, SERVING }

    private static final class Tracked {
        final SocketChannel channel;
        volatile Phase phase = Phase.HEAD;
        volatile long deadline;
        volatile boolean shut;

        Tracked(SocketChannel channel, long deadline) {
            this.channel = channel;
            this.deadline = deadline;
        }
    }

    private final ServerLimits limits;
    private final Rejections rejections;
    private final Map<String, Tracked> open = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper;
    private final HeapRelease.Watch bursts;

    ConnectionGuard(String server, ServerLimits limits, Rejections rejections, MeterRegistry meters) {
        this.limits = limits;
        this.rejections = rejections;
        this.bursts = HeapRelease.JVM.watch(server, limits.maxConnections(), limits.headerTimeout().dividedBy(4));
        Gauge.builder("gdn.http.connections.open", open, Map::size).tag("server", server)
                .description("connections accepted and not yet closed").register(meters);
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gdn-connection-guard-" + server);
            t.setDaemon(true);
            return t;
        });
        // a quarter of the shortest timeout: a deadline is enforced at most 25 % late
        long period = Math.max(50, Math.min(limits.headerTimeout().toMillis(), limits.bodyTimeout().toMillis()) / 4);
        sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    static String id(SocketChannel channel) {
        return "0x" + HexFormat.of().toHexDigits(System.identityHashCode(channel));
    }

    void accepted(SocketChannel channel) {
        open.put(id(channel), new Tracked(channel, System.nanoTime() + limits.headerTimeout().toNanos()));
    }

    /** Connections accepted and not yet seen closed. */
    int open() {
        return open.size();
    }

    /** The connection speaks a protocol with its own flow (HTTP/2, gRPC): no request-head deadline applies. */
    void serving(String id) {
        Tracked t = open.get(id);
        if (t != null) {
            t.phase = Phase.SERVING;
        }
    }

    @Override
    public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        Tracked t = open.get(ctx.childSocketId());
        if (t != null && t.phase == Phase.SERVING) {
            // the next request on a kept-alive connection: its head has the same budget as the first one's
            t.deadline = System.nanoTime() + limits.headerTimeout().toNanos();
            t.phase = Phase.HEAD;
        }
    }

    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
        Tracked t = open.get(ctx.childSocketId());
        if (t == null || t.phase != Phase.HEAD) {
            return; // response headers also pass here (send listener): nothing to do for those
        }
        boolean body = headers.contains(HeaderNames.TRANSFER_ENCODING)
                || headers.contentLength().orElse(0) > 0;
        if (body) {
            t.deadline = System.nanoTime() + limits.bodyTimeout().toNanos();
            t.phase = Phase.BODY;
        } else {
            t.phase = Phase.SERVING;
        }
    }

    @Override
    public void status(ConnectionContext ctx, Status status) {
        // the response has started: the request was read (or refused); Helidon's idle timeout takes over
        serving(ctx.childSocketId());
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Map.Entry<String, Tracked> e : open.entrySet()) {
            Tracked t = e.getValue();
            if (!t.channel.isOpen()) {
                open.remove(e.getKey(), t);
                continue;
            }
            Phase phase = t.phase;
            if (phase == Phase.SERVING || now - t.deadline < 0) {
                continue;
            }
            try {
                if (!t.shut) {
                    t.shut = true;
                    rejections.record(phase == Phase.HEAD ? "header-timeout" : "body-timeout",
                            (phase == Phase.HEAD ? "request head not complete within " + ServerLimits.text(limits.headerTimeout())
                                    : "request body not complete within " + ServerLimits.text(limits.bodyTimeout()))
                                    + " (slow or idle client); connection closed");
                    // the reader sees end of stream and Helidon ends the connection quietly
                    t.channel.shutdownInput();
                    t.deadline = now + TimeUnit.SECONDS.toNanos(5);
                } else {
                    t.channel.close(); // Helidon did not finish it in 5 s: close outright
                    open.remove(e.getKey(), t);
                }
            } catch (IOException ex) {
                open.remove(e.getKey(), t);
            }
        }
        // after a connection flood the sweep is what sees the count fall back: give the heap it grew back
        bursts.observe(open.size());
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
