package dev.gdn.bench;

import dev.gdn.regions.link.LinkPath;
import dev.gdn.regions.link.Links;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * One latency link (regions/) in a process of its own, for {@code bench/link-bench.sh}: the same Netty
 * proxy a world puts on every client→tier path.
 *
 * <p>Usage: {@code LinkProxy LISTEN_PORT TARGET_PORT [ONE_WAY_MS] [THREADS]} on 127.0.0.1; prints
 * {@code link listening on port N}; runs until killed.
 */
public final class LinkProxy {
    private LinkProxy() {
    }

    public static void main(String[] args) throws Exception {
        int listen = Integer.parseInt(args[0]);
        int target = Integer.parseInt(args[1]);
        long oneWayMs = args.length > 2 ? Long.parseLong(args[2]) : 0;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        Duration oneWay = Duration.ofMillis(oneWayMs);
        Links links = new Links(threads);
        links.add(new LinkPath("bench", new InetSocketAddress("127.0.0.1", listen), new InetSocketAddress("127.0.0.1", target),
                oneWay, oneWay.dividedBy(20)));
        System.out.println("link listening on port " + listen + " (one way " + oneWayMs + " ms, " + threads + " event loop threads)");
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(links::close));
        new CountDownLatch(1).await();
    }
}
