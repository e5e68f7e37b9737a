package dev.gdn.bench;

import dev.gdn.client.Evaluations;
import dev.gdn.client.GdnClient;
import dev.gdn.client.Tier;
import dev.gdn.client.policy.FailoverPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What a black-holed first tier costs over time. Three WireMock tiers ({@link WireMockTiers}); two
 * groups of clients read flags at a fixed rate through the same tiers in the same run: one with the
 * default breakers, one with breakers held closed (every call goes through the hung tier). After a
 * steady phase the belt CDN tier black-holes (accepts, never answers within the 2 s tier timeout),
 * then heals. Latency is measured from each call's scheduled start (a late call counts its wait).
 * Prints per-second p50/p99 for both groups, the added p99 in the first second of the blackhole and
 * after 5 s against the steady phase, how long until traffic is back on the healed tier, and writes
 * an SVG chart. Run with {@code bench/failover-bench.sh blackhole}.
 *
 * <p>Arguments (name=value): clients=4 (per group), rate=10 (calls per second per client),
 * steady=5, blackhole=12, heal=8 (seconds), svg=docs/benchmarks/client-blackhole.svg.
 */
public final class BlackholeTimeline {
    private record Call(long startNanos, long latencyNanos, boolean fresh, boolean firstTier) {
    }

    private record Group(String name, FailoverPolicy.BreakerSettings breakers, String colour) {
    }

    private BlackholeTimeline() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>(Map.of("clients", "4", "rate", "10", "steady", "5", "blackhole", "12",
                "heal", "8", "svg", "docs/benchmarks/client-blackhole.svg"));
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0 || !opt.containsKey(a.substring(0, eq))) {
                throw new IllegalArgumentException("unknown argument '" + a + "'; expected one of " + opt.keySet() + " as name=value");
            }
            opt.put(a.substring(0, eq), a.substring(eq + 1));
        }
        int clients = Integer.parseInt(opt.get("clients"));
        double rate = Double.parseDouble(opt.get("rate"));
        int steady = Integer.parseInt(opt.get("steady"));
        int blackhole = Integer.parseInt(opt.get("blackhole"));
        int heal = Integer.parseInt(opt.get("heal"));
        List<Group> groups = List.of(new Group("default breakers", FailoverPolicy.BreakerSettings.DEFAULT, "#1f77b4"),
                new Group("breakers held closed", WireMockTiers.NEVER_OPEN, "#d62728"));
        System.out.printf(Locale.ROOT, "# %d clients per group x %.0f calls/s each; steady %d s, blackhole %d s, healed %d s; "
                        + "tier timeout %d ms, hedge delay %d ms; breakers %s%n", clients, rate, steady, blackhole, heal,
                Tier.DEFAULT_TIMEOUT.toMillis(), Tier.DEFAULT_HEDGE_DELAY.toMillis(), FailoverPolicy.BreakerSettings.DEFAULT);

        try (WireMockTiers tiers = new WireMockTiers()) {
            List<GdnClient> all = new ArrayList<>();
            try {
                for (Group g : groups) {
                    for (int i = 0; i < clients; i++) {
                        all.add(tiers.client(g.breakers()));
                    }
                }
                for (int i = 0; i < 300; i++) { // JIT warm-up, discarded
                    all.get(i % all.size()).evaluate(WireMockTiers.CONTEXT);
                }
                long intervalNanos = (long) (1e9 / rate);
                long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
                long faultAt = t0 + TimeUnit.SECONDS.toNanos(steady);
                long healAt = faultAt + TimeUnit.SECONDS.toNanos(blackhole);
                long end = healAt + TimeUnit.SECONDS.toNanos(heal);
                List<List<Call>> calls = new ArrayList<>();
                List<Thread> threads = new ArrayList<>();
                for (int c = 0; c < all.size(); c++) {
                    GdnClient client = all.get(c);
                    List<Call> mine = new ArrayList<>();
                    calls.add(mine);
                    // Clients spread evenly over one interval, so the calls do not arrive in bursts.
                    long first = t0 + intervalNanos * (c % clients) / clients;
                    threads.add(Thread.ofPlatform().name("client-" + c).start(() -> drive(client, first, intervalNanos, end, mine)));
                }
                LockSupport.parkNanos(faultAt - System.nanoTime());
                tiers.fault(0, tiers.hang());
                System.out.println("# blackhole on belt-cdn");
                LockSupport.parkNanos(healAt - System.nanoTime());
                tiers.heal(0);
                System.out.println("# belt-cdn healed");
                for (Thread t : threads) {
                    t.join();
                }
                report(groups, clients, calls, faultAt, healAt, steady, blackhole, heal, Path.of(opt.get("svg")));
            } finally {
                all.forEach(GdnClient::close);
            }
        }
    }

    private static void drive(GdnClient client, long first, long interval, long end, List<Call> out) {
        for (long due = first; due < end; due += interval) {
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            Evaluations e = client.evaluate(WireMockTiers.CONTEXT);
            long done = System.nanoTime();
            out.add(new Call(due, done - due, e.freshness() == Evaluations.Freshness.FRESH && e.flags().size() == WireMockTiers.FLAG_COUNT,
                    "belt-cdn".equals(e.tier())));
        }
    }

    /** Per second of the run, per group: p50, p99, max (ms), the share answered by the first tier, calls, not fresh. */
    private static void report(List<Group> groups, int clients, List<List<Call>> calls, long faultAt, long healAt, int steady,
                               int blackhole, int heal, Path svg) throws IOException {
        int seconds = steady + blackhole + heal;
        double[][][] perSecond = new double[groups.size()][seconds][];
        Map<String, double[]> phases = new LinkedHashMap<>();
        System.out.println("| s since blackhole | group | calls | p50 ms | p99 ms | max ms | answered by belt-cdn | not fresh |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (int g = 0; g < groups.size(); g++) {
            List<Call> mine = new ArrayList<>();
            for (int c = g * clients; c < (g + 1) * clients; c++) {
                mine.addAll(calls.get(c));
            }
            for (int s = 0; s < seconds; s++) {
                long from = faultAt + TimeUnit.SECONDS.toNanos(s - steady);
                List<Call> in = window(mine, from, from + TimeUnit.SECONDS.toNanos(1));
                perSecond[g][s] = stats(in);
            }
            // steady: skip its first second (connections opening)
            double[] base = stats(window(mine, faultAt - TimeUnit.SECONDS.toNanos(steady - 1), faultAt));
            double[] firstSecond = stats(window(mine, faultAt, faultAt + TimeUnit.SECONDS.toNanos(1)));
            double[] after5 = stats(window(mine, faultAt + TimeUnit.SECONDS.toNanos(5), healAt));
            double[] healed = stats(window(mine, healAt, healAt + TimeUnit.SECONDS.toNanos(heal)));
            phases.put(groups.get(g).name(), new double[] {base[1], firstSecond[1] - base[1], after5[1] - base[1], healed[1] - base[1],
                    recovery(perSecond[g], steady + blackhole), base[5] + firstSecond[5] + after5[5] + healed[5],
                    base[6], firstSecond[6], after5[6]});
        }
        for (int s = 0; s < seconds; s++) {
            for (int g = 0; g < groups.size(); g++) {
                double[] r = perSecond[g][s];
                System.out.printf(Locale.ROOT, "| %+d | %s | %.0f | %.1f | %.1f | %.1f | %.0f %% | %.0f |%n", s - steady, groups.get(g).name(),
                        r[4], r[0], r[1], r[2], r[3] * 100, r[5]);
            }
        }
        System.out.println();
        long hedgeMs = Tier.DEFAULT_HEDGE_DELAY.toMillis();
        System.out.println("| group | steady p99 ms | added p99, first second of blackhole | added p99, 5 s on until heal | added p99 after heal "
                + "| calls >= " + hedgeMs + " ms: steady / first second / 5 s on | back on belt-cdn after heal | not fresh |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        phases.forEach((name, p) -> System.out.printf(Locale.ROOT, "| %s | %.1f | %+.1f ms | %+.1f ms | %+.1f ms | %.1f %% / %.1f %% / %.1f %% | %s | %.0f |%n",
                name, p[0], p[1], p[2], p[3], p[6] * 100, p[7] * 100, p[8] * 100,
                p[4] < 0 ? "not within the run" : String.format(Locale.ROOT, "%.0f s", p[4]), p[5]));
        Files.createDirectories(svg.toAbsolutePath().getParent());
        Files.writeString(svg, svg(groups, perSecond, steady, blackhole), StandardCharsets.UTF_8);
        System.out.println("# chart: " + svg);
    }

    private static List<Call> window(List<Call> calls, long from, long to) {
        return calls.stream().filter(c -> c.startNanos() >= from && c.startNanos() < to).toList();
    }

    /** p50, p99, max (ms), share by first tier, count, not fresh, share that took at least the hedge delay. */
    private static double[] stats(List<Call> calls) {
        if (calls.isEmpty()) {
            return new double[] {0, 0, 0, 0, 0, 0, 0};
        }
        long[] ns = calls.stream().mapToLong(Call::latencyNanos).toArray();
        Arrays.sort(ns);
        int n = ns.length;
        return new double[] {ns[(int) Math.ceil(0.50 * n) - 1] / 1e6, ns[(int) Math.ceil(0.99 * n) - 1] / 1e6, ns[n - 1] / 1e6,
                calls.stream().filter(Call::firstTier).count() / (double) n, n, calls.stream().filter(c -> !c.fresh()).count(),
                Arrays.stream(ns).filter(x -> x >= Tier.DEFAULT_HEDGE_DELAY.toNanos()).count() / (double) n};
    }

    /** Seconds after the heal until at least 90 % of a second's calls are answered by the healed tier; -1 if never. */
    private static double recovery(double[][] perSecond, int healIndex) {
        for (int s = healIndex; s < perSecond.length; s++) {
            if (perSecond[s][3] >= 0.9) {
                return s - healIndex + 1;
            }
        }
        return -1;
    }

    private static String svg(List<Group> groups, double[][][] perSecond, int steady, int blackhole) {
        int seconds = perSecond[0].length;
        int w = 760;
        int left = 60;
        int right = 20;
        int plotW = w - left - right;
        int top1 = 40;
        int h1 = 220;
        int top2 = top1 + h1 + 60;
        int h2 = 120;
        int top3 = top2 + h2 + 60;
        int h3 = 120;
        int h = top3 + h3 + 60;
        double yMax = 25;
        for (double[][] g : perSecond) {
            for (double[] s : g) {
                yMax = Math.max(yMax, s[1]);
            }
        }
        yMax = Math.ceil(yMax / 25) * 25;
        double dx = plotW / (double) seconds;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n", w, h));
        b.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", w, h));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"14\">Client calls while the first tier black-holes (per second; same run, same tiers)</text>%n", left));
        for (int[] panel : new int[][] {{top1, h1}, {top2, h2}, {top3, h3}}) {
            b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#eeeeee\"/>%n",
                    left + steady * dx, panel[0], blackhole * dx, panel[1]));
            b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>%n",
                    left, panel[0], plotW, panel[1]));
            for (int s = 0; s <= seconds; s += 2) {
                b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n",
                        left + s * dx, panel[0] + panel[1] + 15, s - steady));
            }
        }
        b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">blackhole on belt-cdn</text>%n",
                left + (steady + blackhole / 2.0) * dx, top1 + 15));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">seconds since the blackhole began</text>%n",
                left + plotW / 2, top3 + h3 + 35));
        for (int i = 0; i <= 4; i++) {
            double v = yMax * i / 4;
            double y = top1 + h1 - h1 * i / 4.0;
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.0f</text>%n", left - 5, y + 4, v));
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ccc\"/>%n", left, y, left + plotW, y));
            for (int top : new int[] {top2, top3}) {
                double y2 = top + h2 - h2 * i / 4.0;
                b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%d %%</text>%n", left - 5, y2 + 4, 25 * i));
            }
        }
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">p99 ms</text>%n", 8, top1 - 12));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">answered by belt-cdn</text>%n", 8, top2 - 12));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">calls that took the hedge delay (%d ms) or longer</text>%n", 8,
                top3 - 12, Tier.DEFAULT_HEDGE_DELAY.toMillis()));
        for (int g = 0; g < groups.size(); g++) {
            StringBuilder p99 = new StringBuilder();
            StringBuilder share = new StringBuilder();
            StringBuilder hedged = new StringBuilder();
            for (int s = 0; s < seconds; s++) {
                double x = left + (s + 0.5) * dx;
                p99.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, top1 + h1 - h1 * perSecond[g][s][1] / yMax));
                share.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, top2 + h2 - h2 * perSecond[g][s][3]));
                hedged.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, top3 + h3 - h3 * perSecond[g][s][6]));
            }
            String colour = groups.get(g).colour();
            b.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n", p99, colour));
            b.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n", share, colour));
            b.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n", hedged, colour));
            b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>%n", left + 10 + 220 * g, h - 12, colour, left + 28 + 220 * g, h - 7, groups.get(g).name()));
        }
        b.append("</svg>\n");
        return b.toString();
    }
}
