package dev.gdn.node.server;

import java.time.Duration;

/**
 * What one client may hold of a server: the limits every GDN listener applies (README, "Operations").
 *
 * @param maxConnections     open connections served at once; the next client that speaks gets 503 and is closed
 * @param headerTimeout      from accept (or the end of the previous response) to the end of a request's headers
 * @param bodyTimeout        from the end of the headers to the start of the response (the body must arrive in it)
 * @param idleTimeout        a keep-alive connection with no request in flight is closed after this
 * @param maxPrologueLength  longest request line (Helidon {@code maxPrologueLength}); longer answers 414
 * @param maxHeadersSize     all header lines together (Helidon {@code maxHeadersSize}); more answers 431
 * @param maxPayload         largest request body (Helidon {@code maxPayloadSize}); larger answers 413
 */
public record ServerLimits(int maxConnections, Duration headerTimeout, Duration bodyTimeout, Duration idleTimeout,
                           int maxPrologueLength, int maxHeadersSize, long maxPayload) {
    public static final ServerLimits DEFAULT = new ServerLimits(10_000, Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(60), 8192, 16_384, 1024 * 1024);

    public ServerLimits {
        if (maxConnections < 1 || maxPrologueLength < 64 || maxHeadersSize < 256 || maxPayload < 0) {
            throw new IllegalArgumentException("server limits out of range: " + maxConnections + " connections, "
                    + maxPrologueLength + " B request line, " + maxHeadersSize + " B headers, " + maxPayload + " B body");
        }
    }

    public ServerLimits withMaxPayload(long bytes) {
        return new ServerLimits(maxConnections, headerTimeout, bodyTimeout, idleTimeout, maxPrologueLength, maxHeadersSize, bytes);
    }

    public ServerLimits withMaxConnections(int n) {
        return new ServerLimits(n, headerTimeout, bodyTimeout, idleTimeout, maxPrologueLength, maxHeadersSize, maxPayload);
    }

    public ServerLimits withTimeouts(Duration header, Duration body, Duration idle) {
        return new ServerLimits(maxConnections, header, body, idle, maxPrologueLength, maxHeadersSize, maxPayload);
    }

    /** A timeout as the logs give it: {@code 10 s}, or {@code 1500 ms} when not whole seconds. */
    static String text(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
