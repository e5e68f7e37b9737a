package dev.gdn.regions.link;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import java.io.IOException;
import java.net.BindException;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A user-space TCP proxy for one {@link LinkPath}: every byte, each way, arrives the modelled one-way
 * delay (plus jitter) after it was sent, in order; its {@link LinkState} can be switched at run time,
 * for open and new connections alike. At zero delay bytes are written straight through (no timer).
 *
 * <p>Each accepted connection and its connection to the target share one Netty event loop, so a
 * connection's state is only touched by that thread. Connection set-up itself is not delayed (the
 * kernel completes the handshake on accept); every byte after it is.
 */
public final class Link implements AutoCloseable {
    /** Per direction: above this many bytes in flight (delayed), stop reading from the sender. */
    private static final long MAX_IN_FLIGHT = 1 << 20;

    private final LinkPath path;
    private final EventLoopGroup group;
    private final Links.Transport transport;
    private final Set<Pipe> pipes = ConcurrentHashMap.newKeySet();
    /** Bandwidth limit: when each direction's bottleneck is next free (System.nanoTime()). */
    private final AtomicLong upFreeAt = new AtomicLong();
    private final AtomicLong downFreeAt = new AtomicLong();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder bytesUp = new LongAdder();
    private final LongAdder bytesDown = new LongAdder();
    private volatile LinkState state = new LinkState.Up();
    private Channel listener; // guarded by this
    private boolean closed; // guarded by this

    Link(LinkPath path, EventLoopGroup group, Links.Transport transport) {
        this.path = path;
        this.group = group;
        this.transport = transport;
    }

    public LinkPath path() {
        return path;
    }

    public LinkState state() {
        return state;
    }

    public LinkStats stats() {
        return new LinkStats(path.name(), state, accepted.sum(), pipes.size(), bytesUp.sum(), bytesDown.sum());
    }

    /** Starts listening; a taken address is an {@link IOException} that names it. */
    synchronized void start() throws IOException {
        listen();
    }

    /** Switches the state: takes effect at once for open connections and new ones. */
    public synchronized void set(LinkState next) throws IOException {
        if (closed) {
            throw new IllegalStateException("link " + path.name() + " is closed");
        }
        state = next;
        if (next instanceof LinkState.Down) {
            if (listener != null) {
                listener.close().syncUninterruptibly();
                listener = null;
            }
            pipes.forEach(Pipe::reset);
            return;
        }
        if (listener == null) {
            listen();
        }
        if (next instanceof LinkState.Reset) {
            pipes.forEach(Pipe::reset);
        } else {
            pipes.forEach(Pipe::stateChanged);
        }
    }

    private void listen() throws IOException {
        ChannelFuture bound = new ServerBootstrap()
                .group(group)
                .channel(transport.server())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted.increment();
                        new Pipe(ch).accepted();
                    }
                })
                .bind(path.listen())
                .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            Throwable cause = bound.cause();
            String why = cause instanceof BindException ? "address in use" : String.valueOf(cause);
            throw new IOException("link " + path.name() + ": cannot listen on " + path.listen().getAddress().getHostAddress()
                    + ":" + path.listen().getPort() + " (" + why + ")", cause);
        }
        listener = bound.channel();
    }

    /** Stops listening and resets every connection. */
    @Override
    public synchronized void close() {
        closed = true;
        if (listener != null) {
            listener.close().syncUninterruptibly();
            listener = null;
        }
        pipes.forEach(Pipe::reset);
    }

    /** Nanoseconds a chunk of {@code size} bytes waits on this path now: delay, jitter, slow state, bandwidth. */
    private long delayNanos(boolean upstream, int size) {
        LinkState s = state;
        long delay = path.oneWayDelay().toNanos();
        long jitter = path.jitter().toNanos();
        if (jitter > 0) {
            delay += ThreadLocalRandom.current().nextLong(jitter + 1);
        }
        if (s instanceof LinkState.Slow slow) {
            delay += slow.added().toNanos() / 2;
        } else if (s instanceof LinkState.Limited limited) {
            long now = System.nanoTime();
            long transmit = size * 1_000_000_000L / limited.bytesPerSecond();
            AtomicLong freeAt = upstream ? upFreeAt : downFreeAt;
            long done = freeAt.updateAndGet(f -> Math.max(f, now) + transmit);
            delay += done - now;
        }
        return delay;
    }

    /** One client connection and its connection to the target. Touched only on its event loop. */
    private final class Pipe {
        private final Channel client;
        private Channel server;
        private boolean connecting;
        private boolean closed;
        private final Direction up = new Direction(true);
        private final Direction down = new Direction(false);

        Pipe(Channel client) {
            this.client = client;
            client.pipeline().addLast(new Side(up));
        }

        void accepted() {
            pipes.add(this);
            client.closeFuture().addListener(f -> pipes.remove(this));
            LinkState s = state;
            if (s instanceof LinkState.Reset || s instanceof LinkState.Down) {
                reset();
            } else if (!(s instanceof LinkState.Blackhole)) {
                connect();
            } // blackhole: accepted, held; connects when the link heals
        }

        private void connect() {
            connecting = true;
            new Bootstrap()
                    .group(client.eventLoop())
                    .channel(transport.client())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                    .handler(new Side(down))
                    .connect(path.target())
                    .addListener((ChannelFuture f) -> {
                        connecting = false;
                        if (!f.isSuccess()) {
                            reset(); // the tier behind the link is down: the client sees its connection fail
                            return;
                        }
                        server = f.channel();
                        if (closed) {
                            server.close();
                            return;
                        }
                        updateReading();
                    });
        }

        Channel peer(Direction d) {
            return d.upstream ? server : client;
        }

        Channel source(Direction d) {
            return d.upstream ? client : server;
        }

        void stateChanged() {
            client.eventLoop().execute(() -> {
                if (closed) {
                    return;
                }
                if (!(state instanceof LinkState.Blackhole)) {
                    if (server == null && !connecting) {
                        connect();
                    }
                    up.releaseHeld();
                    down.releaseHeld();
                }
                updateReading();
            });
        }

        void updateReading() {
            if (closed) {
                return;
            }
            boolean open = !(state instanceof LinkState.Blackhole);
            boolean serverUp = server != null && server.isActive();
            // a side that has closed (or shut its output) sends nothing more: asking it to read again fails
            // (its descriptor may have left epoll) and would reset the other side with data still on its way
            if (client.isActive() && !up.ended) {
                client.config().setAutoRead(open && serverUp && up.inFlight < MAX_IN_FLIGHT && server.isWritable());
            }
            if (serverUp && !down.ended) {
                server.config().setAutoRead(open && down.inFlight < MAX_IN_FLIGHT && client.isWritable());
            }
        }

        private static void flushThenClose(Channel ch) {
            if (ch != null && ch.isActive()) {
                ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            } else if (ch != null) {
                ch.close();
            }
        }

        /** Closes both sides with an RST (SO_LINGER 0), dropping whatever is in flight. */
        void reset() {
            client.eventLoop().execute(() -> {
                if (closed) {
                    return;
                }
                closed = true;
                up.dropHeld();
                down.dropHeld();
                abort(client);
                if (server != null) {
                    abort(server);
                }
            });
        }

        private static void abort(Channel ch) {
            if (ch.isOpen()) {
                ch.config().setOption(ChannelOption.SO_LINGER, 0);
                ch.close();
            }
        }

        /**
         * One side closed (or shut down its output): once everything it sent has arrived, the other side
         * sees the same, a FIN after the last byte; when both directions have ended, both close. "Arrived"
         * is counted, not timed: a timer for the end could fire before the last chunk's (both are due at
         * about the same nanosecond), and a server that answers and closes at once lost its answer's tail.
         */
        void sideEnded(Direction fromEndedSide, boolean fullyClosed) {
            if (closed) {
                return;
            }
            fromEndedSide.ended = true;
            fromEndedSide.afterLastDelivery(() -> {
                if (closed) {
                    return;
                }
                Channel to = peer(fromEndedSide);
                if (fullyClosed || to == null || (up.ended && down.ended)) {
                    closed = true;
                    flushThenClose(client);
                    flushThenClose(server);
                } else {
                    // after what is already written: a shutdown fails the writes still queued
                    to.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> ((DuplexChannel) to).shutdownOutput());
                }
            });
        }

        /** Bytes going one way: straight through at zero delay, else each chunk at its delivery time. */
        private final class Direction {
            final boolean upstream;
            long lastDelivery;
            long inFlight;
            /**
             * Chunks waiting for their delivery time, in order, with one timer for the head: a timer per chunk
             * could fire out of order (two chunks due at the same nanosecond, scheduled a few µs apart).
             */
            final ArrayDeque<Delayed> scheduled = new ArrayDeque<>();
            /** What runs once nothing is scheduled or held any more (the sender's end), or null. */
            Runnable afterDrained;
            boolean unflushed;
            boolean ended;
            final ArrayDeque<ByteBuf> held = new ArrayDeque<>();

            Direction(boolean upstream) {
                this.upstream = upstream;
            }

            void receive(ByteBuf buf) {
                int size = buf.readableBytes();
                (upstream ? bytesUp : bytesDown).add(size);
                Channel to = peer(this);
                if (closed || to == null) {
                    buf.release();
                    return;
                }
                if (state instanceof LinkState.Blackhole) {
                    held.add(buf); // read before reading stopped: kept for when the link heals
                    return;
                }
                long delay = delayNanos(upstream, size);
                long now = System.nanoTime();
                if (delay == 0 && lastDelivery <= now && held.isEmpty()) {
                    to.write(buf);
                    unflushed = true;
                    return;
                }
                long at = Math.max(lastDelivery, now + delay);
                lastDelivery = at;
                inFlight += size;
                if (inFlight >= MAX_IN_FLIGHT) {
                    updateReading();
                }
                scheduled.add(new Delayed(buf, size, at));
                if (scheduled.size() == 1) {
                    client.eventLoop().schedule(this::deliverDue, at - now, TimeUnit.NANOSECONDS);
                }
            }

            /** Runs {@code r} now if every chunk received so far has been passed on, else once the last one is. */
            void afterLastDelivery(Runnable r) {
                afterDrained = r;
                runIfDrained();
            }

            private void runIfDrained() {
                if (scheduled.isEmpty() && held.isEmpty() && afterDrained != null) {
                    Runnable r = afterDrained;
                    afterDrained = null;
                    r.run();
                }
            }

            void flush() {
                if (unflushed) {
                    unflushed = false;
                    Channel to = peer(this);
                    to.flush();
                    if (!to.isWritable()) {
                        updateReading();
                    }
                }
            }

            /** Passes on every chunk whose time has come, in order, and sets the timer for the next one. */
            private void deliverDue() {
                long now = System.nanoTime();
                boolean wrote = false;
                while (!scheduled.isEmpty() && scheduled.peek().at() <= now) {
                    Delayed d = scheduled.poll();
                    inFlight -= d.size();
                    if (closed) {
                        d.buf().release();
                    } else if (state instanceof LinkState.Blackhole || !held.isEmpty()) {
                        held.add(d.buf());
                    } else {
                        peer(this).write(d.buf());
                        wrote = true;
                    }
                }
                if (!scheduled.isEmpty()) {
                    client.eventLoop().schedule(this::deliverDue, scheduled.peek().at() - now, TimeUnit.NANOSECONDS);
                }
                if (closed) {
                    return;
                }
                if (wrote) {
                    peer(this).flush();
                }
                updateReading();
                runIfDrained();
            }

            void releaseHeld() {
                Channel to = peer(this);
                if (held.isEmpty() || to == null) {
                    return;
                }
                while (!held.isEmpty()) {
                    to.write(held.poll());
                }
                to.flush();
                runIfDrained();
            }

            void dropHeld() {
                while (!held.isEmpty()) {
                    held.poll().release();
                }
                while (!scheduled.isEmpty()) {
                    scheduled.poll().buf().release();
                }
            }
        }

        /** A chunk on its way, due at {@code at} (System.nanoTime()). */
        private record Delayed(ByteBuf buf, int size, long at) {
        }

        /** The Netty handler on one side's channel: what it reads goes the given direction. */
        private final class Side extends ChannelInboundHandlerAdapter {
            private final Direction outgoing;

            Side(Direction outgoing) {
                this.outgoing = outgoing;
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                outgoing.receive((ByteBuf) msg);
            }

            @Override
            public void channelReadComplete(ChannelHandlerContext ctx) {
                outgoing.flush();
            }

            @Override
            public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                updateReading();
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof ChannelInputShutdownEvent) {
                    sideEnded(outgoing, false);
                }
                ctx.fireUserEventTriggered(evt);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                sideEnded(outgoing, true);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                reset();
            }
        }
    }
}
