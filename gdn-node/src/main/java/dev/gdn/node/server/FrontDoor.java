package dev.gdn.node.server;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The first connection selector of every GDN listener: it looks at a connection's first bytes before Helidon's
 * HTTP/1.1 and HTTP/2 selectors do, and answers itself what they would drop without a status: a connection over
 * the cap (503), a request line longer than the limit (414), an HTTP version other than 1.1 (505: Helidon 4.5 speaks
 * HTTP/1.1 and HTTP/2 only) and a first line that is no HTTP at all (400). It also tells the guard that a connection
 * opened with the HTTP/2 preface needs no request-head deadline.
 */
final class FrontDoor implements ServerConnectionSelector {
    private static final Pattern VERSIONED = Pattern.compile("^\\S+ \\S+ HTTP/\\d(\\.\\d)?$");
    /** Decided by {@link #supports} and used by {@link #connection} on the same connection thread. */
    private static final ThreadLocal<Refusal> DECIDED = new ThreadLocal<>();

    private final ServerLimits limits;
    private final ConnectionGuard guard;
    private final Rejections rejections;

    FrontDoor(ServerLimits limits, ConnectionGuard guard, Rejections rejections) {
        this.limits = limits;
        this.guard = guard;
        this.rejections = rejections;
    }

    @Override
    public int bytesToIdentifyConnection() {
        return 0;
    }

    @Override
    public Support supports(BufferData data) {
        Refusal refusal = decide(data);
        if (refusal == null) {
            return Support.UNSUPPORTED;
        }
        DECIDED.set(refusal);
        return Support.SUPPORTED;
    }

    private Refusal decide(BufferData data) {
        if (guard.open() > limits.maxConnections()) {
            rejections.record("over-capacity", "more than " + limits.maxConnections() + " open connections; answered 503");
            return Refusal.overCapacity();
        }
        int lf = data.indexOf((byte) '\n');
        if (lf == -1) {
            if (data.available() > limits.maxPrologueLength()) {
                rejections.record("request-line-too-long", "request line over " + limits.maxPrologueLength() + " bytes");
                return Refusal.uriTooLong(limits.maxPrologueLength());
            }
            return null; // Helidon's HTTP/1.1 selector takes it and reads on (and answers 414 itself past the limit)
        }
        String line = data.readString(lf, StandardCharsets.ISO_8859_1).strip();
        if (line.endsWith(" HTTP/1.1")) {
            return null;
        }
        if (line.startsWith("PRI * HTTP/2.0")) {
            guard.serving(connectionId());
            return null;
        }
        if (VERSIONED.matcher(line).matches()) {
            String version = line.substring(line.lastIndexOf(' ') + 1);
            rejections.record("http-version", version + " request; answered 505");
            return Refusal.versionNotSupported(version);
        }
        rejections.record("malformed-request-line", "first line is not \"METHOD TARGET HTTP/1.1\"");
        return Refusal.badRequestLine();
    }

    /**
     * Helidon names the connection's thread {@code [serverSocketId childSocketId] WebServer socket} before it asks the
     * selectors, and the child id is the key the guard knows the connection by; selectors get no other context.
     */
    private static String connectionId() {
        String name = Thread.currentThread().getName();
        int space = name.indexOf(' ');
        int end = name.indexOf(']');
        return space > 0 && end > space ? name.substring(space + 1, end) : "";
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return Set.of();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        Refusal refusal = DECIDED.get();
        DECIDED.remove();
        return new RefusingConnection(ctx, refusal == null ? Refusal.badRequestLine() : refusal);
    }

    /** Writes the refusal and ends; Helidon then closes the socket. */
    private record RefusingConnection(ConnectionContext ctx, Refusal refusal) implements ServerConnection {
        @Override
        public void handle(Limit limit) {
            ctx.dataWriter().writeNow(BufferData.create(refusal.bytes()));
        }

        @Override
        public Duration idleTime() {
            return Duration.ZERO;
        }

        @Override
        public void close(boolean interrupt) {
            // nothing held: handle() writes once and returns
        }
    }
}
