package dev.gdn.node.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * A client that writes exactly the bytes given, as a hostile one would: for framing the JDK's HTTP client refuses
 * to send. Reads one response; {@link #closedWithin} tells how long the server takes to close on its own.
 */
public final class RawHttp implements AutoCloseable {
    /** One parsed response: status line, raw head, body as far as it came. */
    public record Response(int status, String head, String body) {
        public Optional<String> header(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            return head.lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith(prefix))
                    .map(l -> l.substring(prefix.length()).strip()).findFirst();
        }

        @Override
        public String toString() {
            return head + "\n" + body;
        }
    }

    private final Socket socket;

    public RawHttp(int port) {
        try {
            socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(10_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public RawHttp send(String ascii) {
        return send(ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    public RawHttp send(byte[] bytes) {
        try {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Reads one response (head, then the body its Content-Length announces). */
    public Response response() {
        try {
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new IllegalStateException("connection closed before a full response head: " + head);
                }
                head.write(b);
                matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            String h = head.toString(StandardCharsets.ISO_8859_1);
            int status = Integer.parseInt(h.substring(9, 12));
            Response partial = new Response(status, h, "");
            int length = partial.header("Content-Length").map(Integer::parseInt).orElse(0);
            byte[] body = in.readNBytes(length);
            return new Response(status, h, new String(body, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the server closed the connection (end of stream, or reset) within the given time; bytes are skipped. */
    public boolean closedWithin(long millis) {
        long end = System.currentTimeMillis() + millis;
        try {
            while (System.currentTimeMillis() < end) {
                socket.setSoTimeout((int) Math.max(1, end - System.currentTimeMillis()));
                if (socket.getInputStream().read() < 0) {
                    return true;
                }
            }
            return false;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by the server: closed too
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing a socket the server already closed
        }
    }
}
