package dev.gdn.node.http;

import io.helidon.common.buffers.DataReader;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Reads a request body, telling the client's faults from the server's: a client gone before its body ended is no
 * error (the connection just ends, nothing logged), and a chunked body Helidon cannot parse (a chunk size that is not
 * hexadecimal, negative or over 2^31, or a chunk extension such as {@code 2;e=1}, which Helidon 4.5 does not accept)
 * is a {@link MalformedBody}: a 400 that closes the connection.
 */
public final class RequestBodies {
    private RequestBodies() {
    }

    /** @param max read at most this many bytes (the caller compares with its limit) */
    public static byte[] read(ServerRequest req, int max) {
        try (InputStream in = req.content().inputStream()) {
            return in.readNBytes(max);
        } catch (IOException | UncheckedIOException e) {
            throw new CloseConnectionException("client gone while sending its body", e);
        } catch (RuntimeException e) {
            if (clientGone(e)) {
                throw new CloseConnectionException("client gone while sending its body", e);
            }
            throw new MalformedBody();
        }
    }

    /** The body's framing is broken: answer 400 and close the connection (it is out of step). */
    public static final class MalformedBody extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedBody() {
            super("malformed chunked request body: each chunk size must be hexadecimal digits below 2^31, with no chunk"
                    + " extension; or send a Content-Length", null, false, false);
        }
    }

    private static boolean clientGone(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DataReader.InsufficientDataAvailableException || t instanceof CloseConnectionException) {
                return true;
            }
        }
        return false;
    }
}
