package dev.gdn.regions.link;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The links of one process, on one set of Netty event loops, by name. Names are selected exactly or
 * with {@code *} wildcards ({@code ams.*}, {@code *.node}, {@code *}).
 */
public final class Links implements AutoCloseable {
    private final EventLoopGroup group;
    private final Transport transport;
    private final Map<String, Link> links = new LinkedHashMap<>();

    /** The socket implementation: epoll where Netty's native library loads (Linux), else NIO. */
    record Transport(String name, Class<? extends ServerChannel> server, Class<? extends Channel> client) {
    }

    /** @param threads event-loop threads shared by every link (one per core is plenty) */
    public Links(int threads) {
        DefaultThreadFactory threadFactory = new DefaultThreadFactory("gdn-link", true);
        if (Epoll.isAvailable()) {
            this.group = new MultiThreadIoEventLoopGroup(threads, threadFactory, EpollIoHandler.newFactory());
            this.transport = new Transport("epoll", EpollServerSocketChannel.class, EpollSocketChannel.class);
        } else {
            this.group = new MultiThreadIoEventLoopGroup(threads, threadFactory, NioIoHandler.newFactory());
            this.transport = new Transport("nio", NioServerSocketChannel.class, NioSocketChannel.class);
        }
    }

    /** epoll or nio. */
    public String transport() {
        return transport.name();
    }

    /** Starts a link on its path; its listen address must be free. */
    public synchronized Link add(LinkPath path) throws IOException {
        if (links.containsKey(path.name())) {
            throw new IllegalArgumentException("link " + path.name() + " exists already");
        }
        Link link = new Link(path, group, transport);
        link.start();
        links.put(path.name(), link);
        return link;
    }

    public synchronized Link get(String name) {
        Link link = links.get(name);
        if (link == null) {
            throw new IllegalArgumentException("no link named '" + name + "' (links: " + String.join(", ", links.keySet()) + ")");
        }
        return link;
    }

    public synchronized List<Link> all() {
        return new ArrayList<>(links.values());
    }

    /** The links whose names match {@code pattern} ({@code *} matches any run of characters); none is an error. */
    public synchronized List<Link> select(String pattern) {
        Pattern regex = Pattern.compile(Pattern.quote(pattern).replace("*", "\\E.*\\Q"));
        List<Link> out = new ArrayList<>();
        for (Link link : links.values()) {
            if (regex.matcher(link.path().name()).matches()) {
                out.add(link);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no link matches '" + pattern + "' (links: " + String.join(", ", links.keySet()) + ")");
        }
        return out;
    }

    /** Sets the state of every link matching {@code pattern}; returns them. */
    public List<Link> set(String pattern, LinkState state) throws IOException {
        List<Link> selected = select(pattern);
        for (Link link : selected) {
            link.set(state);
        }
        return selected;
    }

    @Override
    public synchronized void close() {
        links.values().forEach(Link::close);
        links.clear();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
