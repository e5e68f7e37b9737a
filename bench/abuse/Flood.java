import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connection abuse against one GDN node (bench/abuse-bench.sh): opens IDLE connections that never send a byte
 * and SLOW slowloris connections that send one header byte a second, while two probes measure the node every
 * 100 ms over connections opened before the attack (as a load balancer's health check and a CDN's OFREP fetch
 * keep theirs): GET /health/ready and POST /ofrep/v1/evaluate/flags, plus a fresh-connection /health/ready.
 * Writes one CSV line per second (timeline) and a summary of p50/p99 per phase and RSS.
 *
 * usage: java Flood.java PORT NODE_PID IDLE SLOW HOLD_SECONDS AFTER_SECONDS OUT_DIR [attack-only]
 * ("attack-only": no probes, for a second process when one process may not hold all the descriptors)
 */
public class Flood {
    static final List<long[]> samples = new ArrayList<>(); // {tMillis, phase, healthNanos, ofrepNanos, freshNanos}

    public static void main(String[] a) throws Exception {
        int port = Integer.parseInt(a[0]);
        long pid = Long.parseLong(a[1]);
        int idle = Integer.parseInt(a[2]);
        int slow = Integer.parseInt(a[3]);
        int hold = Integer.parseInt(a[4]);
        int after = Integer.parseInt(a[5]);
        Path out = Path.of(a[6]);
        boolean probing = a.length < 8 || !"attack-only".equals(a[7]);
        InetSocketAddress addr = new InetSocketAddress("127.0.0.1", port);

        HttpClient health = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpClient ofrep = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                .timeout(Duration.ofSeconds(10)).build();
        HttpRequest bulk = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ofrep/v1/evaluate/flags"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString("{\"context\":{\"targetingKey\":\"user-1\",\"plan\":\"pro\"}}")).build();
        long t0 = System.currentTimeMillis();
        int[] phase = {0}; // 0 before, 1 flood, 2 after
        AtomicInteger failures = new AtomicInteger();
        Thread probes = Thread.ofPlatform().daemon().start(() -> {
            while (probing) {
                long h = time(() -> health.send(ready, HttpResponse.BodyHandlers.discarding()), failures);
                long o = time(() -> ofrep.send(bulk, HttpResponse.BodyHandlers.discarding()), failures);
                long f = time(() -> {
                    try (HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                        return fresh.send(ready, HttpResponse.BodyHandlers.discarding());
                    }
                }, failures);
                synchronized (samples) {
                    samples.add(new long[] {System.currentTimeMillis() - t0, phase[0], h, o, f});
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });

        PrintWriter csv = new PrintWriter(Files.newBufferedWriter(out.resolve("timeline.csv")));
        csv.println("seconds,phase,attack_open,closed_by_server,rss_mib,health_p99_ms,ofrep_p99_ms,fresh_p99_ms");
        long rssStart = rssKib(pid);
        Selector selector = Selector.open();
        List<SocketChannel> idleChannels = new ArrayList<>();
        List<SocketChannel> slowChannels = new ArrayList<>();
        int[] closed = {0};
        long rssPeak = rssStart;
        System.err.printf("flood: node RSS at start %d MiB; baseline 5 s%n", rssStart / 1024);
        long end = System.currentTimeMillis() + 5_000;
        int second = 0;
        while (System.currentTimeMillis() < end) {
            Thread.sleep(1000);
            rssPeak = Math.max(rssPeak, row(csv, ++second, 0, 0, closed[0], pid));
        }
        phase[0] = 1;
        System.err.printf("flood: opening %d idle and %d slowloris connections, holding %d s%n", idle, slow, hold);
        int opened = 0;
        long holdEnd = System.currentTimeMillis() + hold * 1000L;
        long nextTick = System.currentTimeMillis() + 1000;
        ByteBuffer oneByte = ByteBuffer.wrap(new byte[] {'X'});
        boolean slowStarted = false;
        while (System.currentTimeMillis() < holdEnd) {
            // open in bursts of 500 so the kernel and the node see a ramp, not one instant
            for (int i = 0; i < 500 && opened < idle + slow; i++, opened++) {
                try {
                    SocketChannel ch = SocketChannel.open();
                    ch.configureBlocking(false);
                    ch.setOption(StandardSocketOptions.SO_LINGER, 0);
                    ch.connect(addr);
                    ch.register(selector, SelectionKey.OP_CONNECT | SelectionKey.OP_READ);
                    (opened < idle ? idleChannels : slowChannels).add(ch);
                } catch (IOException e) {
                    failures.incrementAndGet();
                    break;
                }
            }
            selector.selectNow();
            for (SelectionKey k : selector.selectedKeys()) {
                SocketChannel ch = (SocketChannel) k.channel();
                try {
                    if (k.isConnectable() && ch.finishConnect()) {
                        k.interestOps(SelectionKey.OP_READ);
                        if (slowChannels.contains(ch)) {
                            ch.write(ByteBuffer.wrap("GET /health/live HTTP/1.1\r\n".getBytes()));
                        }
                    } else if (k.isReadable() && ch.read(ByteBuffer.allocate(4096)) < 0) {
                        closed[0]++;
                        k.cancel();
                        ch.close();
                    }
                } catch (IOException e) {
                    closed[0]++;
                    k.cancel();
                    ch.close();
                }
            }
            selector.selectedKeys().clear();
            if (System.currentTimeMillis() >= nextTick) {
                nextTick += 1000;
                for (SocketChannel ch : slowChannels) {
                    if (ch.isOpen() && ch.isConnected()) {
                        try {
                            ch.write(oneByte.rewind());
                        } catch (IOException e) {
                            // counted when the read sees it
                        }
                    }
                }
                int open = (int) (idleChannels.stream().filter(SocketChannel::isOpen).count() + slowChannels.stream().filter(SocketChannel::isOpen).count());
                rssPeak = Math.max(rssPeak, row(csv, ++second, 1, open, closed[0], pid));
            }
            Thread.sleep(5);
        }
        long rssFlood = rssKib(pid);
        System.err.printf("flood: releasing what is still open (%d closed by the node so far); %d s after%n", closed[0], after);
        for (SocketChannel ch : idleChannels) {
            ch.close();
        }
        for (SocketChannel ch : slowChannels) {
            ch.close();
        }
        phase[0] = 2;
        end = System.currentTimeMillis() + after * 1000L;
        while (System.currentTimeMillis() < end) {
            Thread.sleep(1000);
            rssPeak = Math.max(rssPeak, row(csv, ++second, 2, 0, closed[0], pid));
        }
        long rssEnd = rssKib(pid);
        probes.interrupt();
        csv.close();

        try (PrintWriter s = new PrintWriter(Files.newBufferedWriter(out.resolve("summary.txt")))) {
            s.printf("attack: %d idle + %d slowloris connections opened (%d), %d closed by the node during %d s%n",
                    idle, slow, opened, closed[0], hold);
            for (int p = 0; p < 3; p++) {
                s.printf("%-6s health(kept-alive) %s | ofrep bulk(kept-alive) %s | health(new connection) %s%n",
                        new String[] {"before", "flood", "after"}[p], pct(p, 2), pct(p, 3), pct(p, 4));
            }
            s.printf("probe failures (timeouts, refused): %d%n", failures.get());
            s.printf("RSS MiB: start %d, end of flood %d, peak %d, %d s after %d (end - start: %+d MiB)%n",
                    rssStart / 1024, rssFlood / 1024, rssPeak / 1024, after, rssEnd / 1024, (rssEnd - rssStart) / 1024);
        }
        System.out.print(Files.readString(out.resolve("summary.txt")));
        System.exit(0);
    }

    interface Call {
        Object call() throws Exception;
    }

    static long time(Call c, AtomicInteger failures) {
        long s = System.nanoTime();
        try {
            c.call();
            return System.nanoTime() - s;
        } catch (Exception e) {
            failures.incrementAndGet();
            return -1;
        }
    }

    static String pct(int phase, int col) {
        long[] v;
        synchronized (samples) {
            v = samples.stream().filter(x -> x[1] == phase && x[col] >= 0).mapToLong(x -> x[col]).sorted().toArray();
        }
        if (v.length == 0) {
            return "n=0";
        }
        return String.format("n=%d p50 %.1f ms p99 %.1f ms max %.1f ms", v.length, v[v.length / 2] / 1e6,
                v[Math.min(v.length - 1, (int) Math.ceil(v.length * 0.99) - 1)] / 1e6, v[v.length - 1] / 1e6);
    }

    /** One timeline row: the last second's probe p99s; returns the RSS read. */
    static long row(PrintWriter csv, int second, int phase, int open, int closed, long pid) {
        long rss = rssKib(pid);
        long since = second * 1000L - 1000;
        double[] p99 = new double[3];
        synchronized (samples) {
            for (int c = 0; c < 3; c++) {
                int col = c + 2;
                long[] v = samples.stream().filter(x -> x[0] >= since - 5000 && x[col] >= 0).mapToLong(x -> x[col]).sorted().toArray();
                p99[c] = v.length == 0 ? -1 : v[Math.min(v.length - 1, (int) Math.ceil(v.length * 0.99) - 1)] / 1e6;
            }
        }
        csv.printf("%d,%d,%d,%d,%d,%.2f,%.2f,%.2f%n", second, phase, open, closed, rss / 1024, p99[0], p99[1], p99[2]);
        csv.flush();
        return rss;
    }

    static long rssKib(long pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }
}
