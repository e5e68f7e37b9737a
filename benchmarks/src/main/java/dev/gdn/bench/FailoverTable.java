package dev.gdn.bench;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.gdn.client.Evaluations;
import dev.gdn.client.GdnClient;
import dev.gdn.client.Tier;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Failover latency table: three local WireMock tiers (belt CDN → GDN → classic) serving a real OFREP
 * bulk body; for each fault on the first tier (and with the first two hung) it runs N sequential
 * evaluations with the default tier settings (timeout 2 s, hedge delay 75 ms) and prints p50/p99 and
 * the latency added over the no-fault baseline. Breakers are set never to open, so every evaluation
 * goes through the faulty tier (with the default breakers a resetting or 503ing tier is skipped
 * after 5 calls and adds nothing). Run with bench/failover-bench.sh.
 *
 * <p>Arguments: [evaluations per scenario, default 1000] [warm-up evaluations, default 200].
 */
public final class FailoverTable {
    private record Scenario(String name, StringBuilder servedBy, ResponseDefinitionBuilder first, ResponseDefinitionBuilder second) {
        Scenario(String name, ResponseDefinitionBuilder first, ResponseDefinitionBuilder second) {
            this(name, new StringBuilder(), first, second);
        }
    }

    private FailoverTable() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int warm = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        try (WireMockTiers tiers = new WireMockTiers()) {
            ResponseDefinitionBuilder hang = tiers.hang();
            List<Scenario> scenarios = List.of(
                    new Scenario("none (baseline)", null, null),
                    new Scenario("hang", hang, null),
                    new Scenario("reset", aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER), null),
                    new Scenario("503", aResponse().withStatus(503), null),
                    new Scenario("slow (300 ms)", tiers.ok("slow").withFixedDelay(300), null),
                    new Scenario("first two hung", hang, hang),
                    new Scenario("none (baseline again, last)", null, null));
            System.out.printf(Locale.ROOT, "# %d evaluations per scenario after %d warm-up; tier timeout %d ms, hedge delay %d ms, deadline 2000 ms%n",
                    n, warm, Tier.DEFAULT_TIMEOUT.toMillis(), Tier.DEFAULT_HEDGE_DELAY.toMillis());
            System.out.println("| fault on the first tier | served by | p50 ms | p99 ms | max ms | added p50 ms | added p99 ms |");
            System.out.println("|---|---|---|---|---|---|---|");
            double[] base = null;
            // A discarded pass first, so that the baseline is not measured on a colder JVM than the faults.
            run(new Scenario("JIT warm-up", null, null), tiers, warm, n);
            for (Scenario s : scenarios) {
                tiers.serveAll();
                if (s.first() != null) {
                    tiers.fault(0, s.first());
                }
                if (s.second() != null) {
                    tiers.fault(1, s.second());
                }
                double[] r = run(s, tiers, warm, n);
                if (base == null) {
                    base = r;
                }
                System.out.printf(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.1f | %+.1f | %+.1f |%n", s.name(), s.servedBy(),
                        r[0], r[1], r[2], r[0] - base[0], r[1] - base[1]);
            }
        }
    }

    /** p50, p99, max in ms. */
    private static double[] run(Scenario s, WireMockTiers tiers, int warm, int n) {
        try (GdnClient client = tiers.client(WireMockTiers.NEVER_OPEN)) {
            long[] took = new long[n];
            Map<String, Integer> servedBy = new java.util.TreeMap<>();
            for (int i = -warm; i < n; i++) {
                long t0 = System.nanoTime();
                Evaluations e = client.evaluate(WireMockTiers.CONTEXT);
                long ns = System.nanoTime() - t0;
                if (e.freshness() != Evaluations.Freshness.FRESH || e.flags().size() != WireMockTiers.FLAG_COUNT) {
                    throw new IllegalStateException(s.name() + ": expected a fresh answer, got " + e.freshness() + " from "
                            + e.tier() + ": " + e.error());
                }
                if (i >= 0) {
                    took[i] = ns;
                    servedBy.merge(e.tier(), 1, Integer::sum);
                }
            }
            Arrays.sort(took);
            // Which tier answered: the expected one, or (rarely, on a loaded machine) the next, when the expected one
            // took longer than its own hedge delay.
            StringBuilder who = new StringBuilder();
            servedBy.forEach((tier, count) -> who.append(who.length() == 0 ? "" : ", ").append(tier)
                    .append(count == n ? "" : " " + count));
            s.servedBy().setLength(0);
            s.servedBy().append(who);
            return new double[] {took[(int) Math.ceil(0.50 * n) - 1] / 1e6, took[(int) Math.ceil(0.99 * n) - 1] / 1e6, took[n - 1] / 1e6};
        }
    }
}
