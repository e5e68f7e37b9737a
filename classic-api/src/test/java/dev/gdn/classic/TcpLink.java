package dev.gdn.classic;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One client→tier path for the browser test: a TCP proxy on 127.0.0.1 in front of a server that can
 * be cut like a killed process (connections refused, open ones reset) or black-holed (connections
 * accepted, nothing ever answered, open ones silent). The world's links (`gdn world`) do the same
 * per region; this one is the minimum the test needs until it runs against a world.
 */
final class TcpLink implements AutoCloseable {
    enum Mode { UP, KILLED, BLACK_HOLE }

    private final InetSocketAddress target;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile Mode mode = Mode.UP;
    private volatile ServerSocket listener;

    TcpLink(int targetPort) throws IOException {
        this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
        ServerSocket s = bind(0);
        this.port = s.getLocalPort();
        listen(s);
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    private static ServerSocket bind(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
        return s;
    }

    private void listen(ServerSocket s) {
        listener = s;
        Thread.ofVirtual().start(() -> {
            while (!s.isClosed()) {
                try {
                    Socket in = s.accept();
                    open.add(in);
                    Thread.ofVirtual().start(() -> serve(in));
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    private void serve(Socket in) {
        if (mode == Mode.BLACK_HOLE) {
            return; // accepted, never answered: the client waits for its own timeout
        }
        try {
            Socket out = new Socket();
            out.connect(target, 2000);
            open.add(out);
            Thread.ofVirtual().start(() -> pump(in, out));
            pump(out, in);
        } catch (IOException e) {
            closeQuietly(in);
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buf = new byte[16 * 1024];
        try (InputStream i = from.getInputStream(); OutputStream o = to.getOutputStream()) {
            for (int n; (n = i.read(buf)) >= 0; ) {
                if (mode == Mode.BLACK_HOLE) {
                    continue; // silently dropped: the connection stays open and says nothing
                }
                o.write(buf, 0, n);
                o.flush();
            }
        } catch (IOException e) {
            // one side went away
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    synchronized void set(Mode m) throws IOException {
        if (m == mode) {
            return;
        }
        Mode was = mode;
        mode = m;
        if (m == Mode.KILLED) {
            listener.close(); // new connections refused
            resetAll();
        } else if (m == Mode.UP) {
            if (was == Mode.KILLED) {
                listen(bind(port));
            }
            resetAll(); // black-holed connections never recover: clients reconnect
        }
    }

    private void resetAll() {
        for (Socket s : open) {
            try {
                s.setSoLinger(true, 0); // a reset, as when the process behind died
            } catch (IOException ignored) {
                // already closed
            }
            closeQuietly(s);
        }
        open.clear();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        resetAll();
    }
}
