package dev.gdn.node.server;

import io.helidon.common.socket.SocketOptions;
import io.helidon.http.DirectHandler;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.Routing;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The one way GDN builds a Helidon web server (node, classic API, sync daemon, the world's status and control
 * servers): TCP_NODELAY, JSON errors for what Helidon answers before routing, the {@link ServerLimits} applied through
 * Helidon's own settings where they exist ({@code maxTcpConnections}, {@code idleConnectionTimeout}, HTTP/1
 * {@code maxPrologueLength} and {@code maxHeadersSize}, {@code maxPayloadSize}) and through the {@link ConnectionGuard}
 * and {@link FrontDoor} where they do not (read deadlines, a refusal over the cap, 505), a file-descriptor check at
 * start, and a watchdog that notices a listener that stopped accepting ({@link ListenerDeath}).
 */
public final class GdnServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(GdnServer.class.getName());
    /** Accepted beyond the cap so that the 503 refusal can be written; more wait in the kernel's backlog. */
    private static final int REFUSAL_SLOTS = 256;

    private final String name;
    private final WebServer server;
    private final ConnectionGuard guard;
    private final Rejections rejections;
    private final ScheduledExecutorService watchdog;
    private volatile boolean listening = true;

    private GdnServer(String name, WebServer server, ConnectionGuard guard, Rejections rejections, InetAddress probeHost) {
        this.name = name;
        this.server = server;
        this.guard = guard;
        this.rejections = rejections;
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gdn-listener-watchdog-" + name);
            t.setDaemon(true);
            return t;
        });
        int[] refused = new int[1];
        watchdog.scheduleWithFixedDelay(() -> probe(probeHost, refused), 2, 2, TimeUnit.SECONDS);
    }

    /**
     * Connects to its own port: a refused connection means the listening socket is closed while the server was not
     * stopped. A timeout (backlog full) or no descriptor for the probe itself proves nothing and is not counted.
     */
    private void probe(InetAddress host, int[] refused) {
        if (!server.isRunning()) {
            return;
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, server.port()), 1000);
            refused[0] = 0;
        } catch (ConnectException e) {
            if (++refused[0] >= 2 && server.isRunning() && listening) {
                listening = false;
                ListenerDeath.died(name + ": the listener on port " + server.port() + " stopped accepting connections ("
                        + e.getMessage() + ") while the server runs; this process cannot serve any more");
            }
        } catch (SocketTimeoutException e) {
            refused[0] = 0;
        } catch (IOException | RuntimeException e) {
            // e.g. "Too many open files" for the probe: inconclusive
        }
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public int port() {
        return server.port();
    }

    /** False once the watchdog found the listener dead (for {@code /health/live} of a process with several). */
    public boolean listening() {
        return listening;
    }

    public Rejections rejections() {
        return rejections;
    }

    /** Connections accepted and not yet closed. */
    public int openConnections() {
        return guard.open();
    }

    public void stop() {
        watchdog.shutdownNow();
        server.stop();
        guard.close();
    }

    @Override
    public void close() {
        stop();
    }

    /** A server not yet started: where it listens, its limits, its routes. */
    public static final class Builder {
        private final String name;
        private String host = "0.0.0.0";
        private int port;
        private ServerLimits limits = ServerLimits.DEFAULT;
        private Duration drain = Duration.ofMillis(500);
        private MeterRegistry meters;
        private final List<Filter> filters = new ArrayList<>();
        private final List<HttpService> services = new ArrayList<>();
        private final List<io.helidon.common.Builder<?, ? extends Routing>> otherRoutings = new ArrayList<>();

        private Builder(String name) {
            this.name = name;
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder limits(ServerLimits limits) {
            this.limits = Objects.requireNonNull(limits);
            return this;
        }

        /** How long in-flight requests may finish once stopping (Helidon {@code shutdownGracePeriod}). */
        public Builder drain(Duration drain) {
            this.drain = drain;
            return this;
        }

        /** Where the connection and rejection metrics go (default: nowhere read). */
        public Builder meters(MeterRegistry meters) {
            this.meters = meters;
            return this;
        }

        /** Runs before every route, in the order added. */
        public Builder filter(Filter filter) {
            filters.add(filter);
            return this;
        }

        /** Routes, in the order added; their methods per path also answer HEAD and 405 ({@link RouteCatalog}). */
        public Builder service(HttpService... service) {
            services.addAll(List.of(service));
            return this;
        }

        /** Another protocol's routing on the same port (gRPC). */
        public Builder addRouting(io.helidon.common.Builder<?, ? extends Routing> routing) {
            otherRoutings.add(routing);
            return this;
        }

        /** Binds and starts; a port that cannot be bound fails with one line ({@link PortUnavailableException}). */
        public GdnServer start() {
            MeterRegistry registry = meters == null ? new SimpleMeterRegistry() : meters;
            Rejections rejections = new Rejections(name, registry);
            checkBindable();
            long wanted = (long) limits.maxConnections() + REFUSAL_SLOTS;
            int budget = ConnectionBudget.of(name, (int) Math.min(Integer.MAX_VALUE, wanted));
            ServerLimits effective = budget < wanted
                    ? limits.withMaxConnections(Math.max(1, budget - Math.min(REFUSAL_SLOTS, budget / 4))) : limits;
            ConnectionGuard guard = new ConnectionGuard(name, effective, rejections, registry);
            JsonDirectHandler errors = new JsonDirectHandler(effective, rejections);
            WebServerConfig.Builder b = WebServer.builder()
                    .host(host)
                    .port(port)
                    // Without TCP_NODELAY every HTTP/2 and gRPC exchange stalls ~40 ms (Nagle + delayed ACK).
                    .connectionOptions(new GuardedSocketOptions(SocketOptions.builder().tcpNoDelay(true).build(), guard))
                    .shutdownGracePeriod(drain)
                    .maxPayloadSize(effective.maxPayload())
                    .maxTcpConnections(budget)
                    .idleConnectionTimeout(effective.idleTimeout())
                    // Helidon checks idleness on this period; a tenth of the timeout keeps the overshoot small
                    .idleConnectionPeriod(effective.idleTimeout().dividedBy(10))
                    .addConnectionSelector(new FrontDoor(effective, guard, rejections))
                    .addProtocol(Http1Config.builder()
                            .maxPrologueLength(effective.maxPrologueLength())
                            .maxHeadersSize(effective.maxHeadersSize())
                            .addReceiveListener(guard)
                            .addSendListener(guard)
                            .build())
                    .errorHandling(e -> e.includeEntity(true))
                    .directHandlers(d -> {
                        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
                            d.addHandler(type, errors);
                        }
                    });
            RouteCatalog catalog = new RouteCatalog();
            services.forEach(catalog::register);
            b.routing(r -> {
                r.addFilter(catalog::headAsGet);
                filters.forEach(r::addFilter);
                services.forEach(r::register);
                r.any((req, res) -> catalog.unmatched(req, res, rejections));
            });
            otherRoutings.forEach(b::addRouting);
            WebServer server = b.build().start();
            InetAddress bound = new InetSocketAddress(host, 0).getAddress();
            InetAddress probe = bound == null || bound.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : bound;
            // whether the configured cap applied, or the lower one the heap and descriptors allow (logged above by the budget)
            String cap = effective.maxConnections() == limits.maxConnections() ? "as asked"
                    : limits.maxConnections() + " asked: lowered to fit the heap and file descriptors";
            LOG.log(Level.INFO, "{0}: at most {1,number,#} open connections ({2}); request head within {3}, body within {4},"
                    + " idle connections closed after {5}", name, effective.maxConnections(), cap,
                    ServerLimits.text(effective.headerTimeout()), ServerLimits.text(effective.bodyTimeout()),
                    ServerLimits.text(effective.idleTimeout()));
            return new GdnServer(name, server, guard, rejections, probe);
        }

        private void checkBindable() {
            if (port == 0) {
                return;
            }
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(host, port));
            } catch (BindException e) {
                throw new PortUnavailableException(name + ": cannot listen on " + host + ":" + port + ": " + e.getMessage());
            } catch (IOException e) {
                throw new PortUnavailableException(name + ": cannot listen on " + host + ":" + port + ": " + e);
            }
        }
    }

    /** The listen address cannot be bound (in use, not local, no permission). */
    public static final class PortUnavailableException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        PortUnavailableException(String message) {
            super(message);
        }
    }
}
