package dev.gdn.bench;

import java.io.IOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What idle OFREP event streams cost a node: opens N streams to a running node (one NIO selector
 * thread here, so this side stays cheap), samples the node's RSS and CPU from /proc while they are
 * open and idle (heartbeats only), then changes the flag file the node serves and measures how fast
 * every stream hears of it. Writes {@code OUT.json} and {@code OUT.svg}. Run with
 * bench/event-streams-bench.sh, which starts the node.
 *
 * <p>Arguments: host port clientKey nodePid flagsFile streams idleSeconds outPrefix
 */
public final class EventStreamLoad {
    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

    private final String host;
    private final int port;
    private final String key;
    private final long pid;

    private EventStreamLoad(String host, int port, String key, long pid) {
        this.host = host;
        this.port = port;
        this.key = key;
        this.pid = pid;
    }

    /** One stream's progress. */
    private static final class Conn {
        final SocketChannel ch;
        final StringBuilder seen = new StringBuilder();
        boolean headersOk;
        boolean failed;
        long eventAtNanos;

        Conn(SocketChannel ch) {
            this.ch = ch;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 8) {
            System.err.println("usage: EventStreamLoad host port clientKey nodePid flagsFile streams idleSeconds outPrefix");
            System.exit(2);
        }
        EventStreamLoad load = new EventStreamLoad(args[0], Integer.parseInt(args[1]), args[2], Long.parseLong(args[3]));
        load.run(Path.of(args[4]), Integer.parseInt(args[5]), Integer.parseInt(args[6]), args[7]);
    }

    private void run(Path flagsFile, int n, int idleSeconds, String out) throws Exception {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("when", Instant.now().toString());
        report.put("streams", n);
        long rss0 = rssKiB();
        double cpu0 = cpuPercent(idleSeconds);
        report.put("baselineRssMiB", rss0 / 1024.0);
        report.put("baselineIdleCpuPercent", cpu0);
        System.out.printf(Locale.ROOT, "no streams: RSS %.1f MiB, CPU %.2f%% over %d s%n", rss0 / 1024.0, cpu0, idleSeconds);

        Selector selector = Selector.open();
        List<Conn> conns = new ArrayList<>(n);
        byte[] request = ("GET /gdn/v1/events/" + key + " HTTP/1.1\r\nHost: " + host + ":" + port
                + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        List<double[]> ramp = new ArrayList<>(); // [open streams, RSS MiB]
        ramp.add(new double[] {0, rss0 / 1024.0});
        long t0 = System.nanoTime();
        int step = Math.max(1, n / 10);
        for (int i = 0; i < n; i++) {
            SocketChannel ch = SocketChannel.open(new InetSocketAddress(host, port));
            ch.write(ByteBuffer.wrap(request));
            ch.configureBlocking(false);
            Conn c = new Conn(ch);
            ch.register(selector, SelectionKey.OP_READ, c);
            conns.add(c);
            if (i % 200 == 199) {
                pump(selector, 0);
            }
            if ((i + 1) % step == 0) {
                pumpUntil(selector, conns, 10_000, cs -> cs.stream().allMatch(x -> x.headersOk || x.failed));
                ramp.add(new double[] {i + 1, rssKiB() / 1024.0});
            }
        }
        pumpUntil(selector, conns, 30_000, cs -> cs.stream().allMatch(x -> x.headersOk || x.failed));
        long openMs = (System.nanoTime() - t0) / 1_000_000;
        long ok = conns.stream().filter(c -> c.headersOk).count();
        report.put("opened", ok);
        report.put("openSeconds", openMs / 1000.0);
        System.out.printf(Locale.ROOT, "opened %d/%d streams in %.1f s%n", ok, n, openMs / 1000.0);

        // idle with every stream open: heartbeats only (this thread keeps reading them)
        Thread pumpThread = Thread.ofPlatform().daemon().start(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    pump(selector, 100);
                }
            } catch (IOException | java.nio.channels.ClosedSelectorException e) {
                // done
            }
        });
        Thread.sleep(5000); // let the node settle (GC after the ramp)
        // what the open streams hold on the heap: the top of a class histogram (after a full GC)
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (Files.isExecutable(jcmd)) {
            Process h = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
                    .redirectOutput(Path.of(out + "-histogram.txt").toFile()).redirectErrorStream(true).start();
            h.waitFor();
        }
        long rss1 = rssKiB();
        double cpu1 = cpuPercent(idleSeconds);
        report.put("openRssMiB", rss1 / 1024.0);
        report.put("openIdleCpuPercent", cpu1);
        report.put("rssKiBPerStream", (rss1 - rss0) / (double) Math.max(1, ok));
        System.out.printf(Locale.ROOT, "%d open streams: RSS %.1f MiB (+%.2f KiB a stream), CPU %.2f%% over %d s%n",
                ok, rss1 / 1024.0, (rss1 - rss0) / (double) Math.max(1, ok), cpu1, idleSeconds);

        // a change: every stream should hear of it
        long changeAt = System.nanoTime();
        String flags = Files.readString(flagsFile);
        Files.writeString(flagsFile, flags.contains("\"defaultVariant\":\"a\"") ? flags.replace("\"defaultVariant\":\"a\"", "\"defaultVariant\":\"b\"")
                : flags.replace("\"defaultVariant\":\"b\"", "\"defaultVariant\":\"a\""));
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            synchronized (this) {
                if (conns.stream().filter(c -> c.headersOk).allMatch(c -> c.eventAtNanos != 0)) {
                    break;
                }
            }
            Thread.sleep(20);
        }
        pumpThread.interrupt();
        pumpThread.join();
        long[] latencies = conns.stream().filter(c -> c.eventAtNanos != 0).mapToLong(c -> (c.eventAtNanos - changeAt) / 1_000_000)
                .sorted().toArray();
        report.put("notified", latencies.length);
        if (latencies.length > 0) {
            report.put("notifiedFirstMs", latencies[0]);
            report.put("notifiedP50Ms", latencies[latencies.length / 2]);
            report.put("notifiedP99Ms", latencies[(int) Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)]);
            report.put("notifiedLastMs", latencies[latencies.length - 1]);
            System.out.printf(Locale.ROOT, "flag file changed: %d streams notified, first %d ms, p50 %d ms, p99 %d ms, last %d ms"
                    + " (includes the node's file poll)%n", latencies.length, latencies[0], latencies[latencies.length / 2],
                    report.get("notifiedP99Ms"), latencies[latencies.length - 1]);
        }
        for (Conn c : conns) {
            c.ch.close();
        }
        selector.close();
        try (Writer w = Files.newBufferedWriter(Path.of(out + ".json"))) {
            w.write(dev.gdn.ruleset.json.JsonWriter.toJson(report));
            w.write("\n");
        }
        Files.writeString(Path.of(out + ".svg"), svg(ramp, report));
        System.out.println("wrote " + out + ".json and " + out + ".svg");
    }

    private interface Done {
        boolean test(List<Conn> conns);
    }

    private void pumpUntil(Selector selector, List<Conn> conns, long maxMillis, Done done) throws IOException {
        long end = System.nanoTime() + maxMillis * 1_000_000;
        while (!done.test(conns) && System.nanoTime() < end) {
            pump(selector, 50);
        }
    }

    private final ByteBuffer buf = ByteBuffer.allocate(64 * 1024);

    private void pump(Selector selector, long timeoutMillis) throws IOException {
        if (timeoutMillis == 0 ? selector.selectNow() == 0 : selector.select(timeoutMillis) == 0) {
            return;
        }
        for (SelectionKey k : selector.selectedKeys()) {
            Conn c = (Conn) k.attachment();
            buf.clear();
            int read;
            try {
                read = c.ch.read(buf);
            } catch (IOException e) {
                read = -1;
            }
            if (read < 0) {
                c.failed = !c.headersOk;
                k.cancel();
                continue;
            }
            String s = new String(buf.array(), 0, read, StandardCharsets.ISO_8859_1);
            synchronized (this) {
                if (!c.headersOk) {
                    c.seen.append(s);
                    if (c.seen.indexOf("\r\n\r\n") >= 0) {
                        c.headersOk = c.seen.toString().startsWith("HTTP/1.1 200");
                        c.failed = !c.headersOk;
                        s = c.seen.substring(c.seen.indexOf("\r\n\r\n") + 4);
                        c.seen.setLength(0);
                    } else {
                        continue;
                    }
                }
                if (c.eventAtNanos == 0 && s.contains("refetchEvaluation")) {
                    c.eventAtNanos = System.nanoTime();
                }
            }
        }
        selector.selectedKeys().clear();
    }

    private long rssKiB() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS for pid " + pid);
    }

    private long cpuTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime
    }

    /** The node's CPU use over the next {@code seconds}, in percent of one core. */
    private double cpuPercent(int seconds) throws Exception {
        long t0 = System.nanoTime();
        long c0 = cpuTicks();
        Thread.sleep(seconds * 1000L);
        long c1 = cpuTicks();
        double wall = (System.nanoTime() - t0) / 1e9;
        return (c1 - c0) * 100.0 / TICKS_PER_SECOND / wall;
    }

    private static String svg(List<double[]> ramp, Map<String, Object> r) {
        int w = 640;
        int h = 360;
        int left = 60;
        int bottom = 300;
        double maxX = ramp.get(ramp.size() - 1)[0];
        double maxY = Math.max(1, ramp.stream().mapToDouble(p -> p[1]).max().orElse(1) * 1.15);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' font-family='sans-serif' font-size='12'>%n", w, h));
        sb.append("<rect width='100%' height='100%' fill='white'/>\n");
        sb.append(String.format(Locale.ROOT, "<text x='%d' y='20' font-size='14'>gdn node RSS while opening %s OFREP event streams</text>%n", left,
                r.get("streams")));
        sb.append(String.format(Locale.ROOT, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='black'/>%n", left, bottom, w - 20, bottom));
        sb.append(String.format(Locale.ROOT, "<line x1='%d' y1='40' x2='%d' y2='%d' stroke='black'/>%n", left, left, bottom));
        StringBuilder pts = new StringBuilder();
        for (double[] p : ramp) {
            double x = left + (w - 20 - left) * p[0] / Math.max(1, maxX);
            double y = bottom - (bottom - 40) * p[1] / maxY;
            pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            sb.append(String.format(Locale.ROOT, "<circle cx='%.1f' cy='%.1f' r='3' fill='steelblue'/>%n", x, y));
        }
        sb.append("<polyline fill='none' stroke='steelblue' stroke-width='2' points='").append(pts).append("'/>\n");
        for (int i = 0; i <= 4; i++) {
            double v = maxY * i / 4;
            double y = bottom - (bottom - 40) * i / 4.0;
            sb.append(String.format(Locale.ROOT, "<text x='%d' y='%.1f' text-anchor='end'>%.0f MiB</text>%n", left - 4, y + 4, v));
            double xv = maxX * i / 4;
            double x = left + (w - 20 - left) * i / 4.0;
            sb.append(String.format(Locale.ROOT, "<text x='%.1f' y='%d' text-anchor='middle'>%.0f</text>%n", x, bottom + 16, xv));
        }
        sb.append(String.format(Locale.ROOT, "<text x='%d' y='%d' text-anchor='middle'>open streams</text>%n", (left + w) / 2, bottom + 32));
        sb.append(String.format(Locale.ROOT, "<text x='%d' y='%d'>idle CPU: %.2f%% with none, %.2f%% with all open; notified p99 %s ms</text>%n",
                left, h - 12, (Double) r.get("baselineIdleCpuPercent"), (Double) r.get("openIdleCpuPercent"), r.get("notifiedP99Ms")));
        sb.append("</svg>\n");
        return sb.toString();
    }
}
