package dev.gdn.bench;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.common.ConsoleNotifier;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.gdn.client.Evaluations;
import dev.gdn.client.GdnClient;
import dev.gdn.client.Tier;
import dev.gdn.client.TierKind;
import dev.gdn.client.policy.FailoverPolicy;
import dev.gdn.ruleset.compile.FlagdCompiler;
import dev.gdn.ruleset.eval.CompiledRuleset;
import dev.gdn.ruleset.eval.EvaluationContext;
import dev.gdn.ruleset.ofrep.OfrepJson;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
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
    private static final String KEY = "bench-client-key";
    private static final String FLAGS = """
            {"flags": {
              "dark-mode": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                "targeting": {"if": [{"ends_with": [{"var": "email"}, "@example.com"]}, "on", null]}},
              "banner-text": {"state": "ENABLED", "variants": {"welcome": "Welcome back!", "plain": "Hello"},
                "defaultVariant": "plain", "targeting": {"if": [{"==": [{"var": "plan"}, "enterprise"]}, "welcome", null]}},
              "max-items": {"state": "ENABLED", "variants": {"small": 10, "large": 250}, "defaultVariant": "small"},
              "discount-rate": {"state": "ENABLED", "variants": {"none": 0.0, "some": 0.15, "lots": 0.35},
                "defaultVariant": "none", "targeting": {"fractional": [["some", 50], ["lots", 50]]}}
            }}
            """;
    private static final Map<String, Object> CONTEXT = Map.of("targetingKey", "user-42", "email", "ann@example.com",
            "plan", "enterprise");
    private static final FailoverPolicy.BreakerSettings NEVER_OPEN =
            // Resilience4j caps the minimum calls at the window size: a window longer than the run keeps it closed.
            new FailoverPolicy.BreakerSettings(100, 100_000, 100_000, Duration.ofSeconds(5));

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
        CompiledRuleset rs = CompiledRuleset.of(FlagdCompiler.compile(FLAGS).toRuleset("default", 1, 0, List.of()));
        Map<String, Object> md = new LinkedHashMap<>(rs.metadata());
        md.put("rulesetVersion", 1L);
        byte[] body = OfrepJson.bulk(rs.evaluateAll(EvaluationContext.of(CONTEXT)), md);

        WireMockServer[] tiers = new WireMockServer[3];
        String[] servedBy = {"cdn-edge", "iad/n1", "classic"};
        for (int i = 0; i < 3; i++) {
            tiers[i] = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().containerThreads(40)
                    .asynchronousResponseEnabled(true).asynchronousResponseThreads(8).notifier(new ConsoleNotifier(false)));
            tiers[i].start();
        }
        ResponseDefinitionBuilder hang = ok(body, "hung").withFixedDelay(10_000);
        List<Scenario> scenarios = List.of(
                new Scenario("none (baseline)", null, null),
                new Scenario("hang", hang, null),
                new Scenario("reset", aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER), null),
                new Scenario("503", aResponse().withStatus(503), null),
                new Scenario("slow (300 ms)", ok(body, "slow").withFixedDelay(300), null),
                new Scenario("first two hung", hang, hang),
                new Scenario("none (baseline again, last)", null, null));
        System.out.printf(Locale.ROOT, "# %d evaluations per scenario after %d warm-up; tier timeout %d ms, hedge delay %d ms, deadline 2000 ms%n",
                n, warm, Tier.DEFAULT_TIMEOUT.toMillis(), Tier.DEFAULT_HEDGE_DELAY.toMillis());
        System.out.println("| fault on the first tier | served by | p50 ms | p99 ms | max ms | added p50 ms | added p99 ms |");
        System.out.println("|---|---|---|---|---|---|---|");
        double[] base = null;
        try {
            // A discarded pass first, so that the baseline is not measured on a colder JVM than the faults.
            serveAll(tiers, body, servedBy);
            run(new Scenario("JIT warm-up", null, null), tiers, warm, n);
            for (Scenario s : scenarios) {
                serveAll(tiers, body, servedBy);
                if (s.first() != null) {
                    tiers[0].stubFor(any(anyUrl()).atPriority(1).willReturn(s.first()));
                }
                if (s.second() != null) {
                    tiers[1].stubFor(any(anyUrl()).atPriority(1).willReturn(s.second()));
                }
                double[] r = run(s, tiers, warm, n);
                if (base == null) {
                    base = r;
                }
                System.out.printf(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.1f | %+.1f | %+.1f |%n", s.name(), s.servedBy(),
                        r[0], r[1], r[2], r[0] - base[0], r[1] - base[1]);
            }
        } finally {
            for (WireMockServer t : tiers) {
                t.stop();
            }
        }
    }

    private static void serveAll(WireMockServer[] tiers, byte[] body, String[] servedBy) {
        for (int i = 0; i < tiers.length; i++) {
            tiers[i].resetAll();
            tiers[i].stubFor(any(anyUrl()).willReturn(ok(body, servedBy[i])));
        }
    }

    private static ResponseDefinitionBuilder ok(byte[] body, String servedBy) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withHeader("ETag", "\"" + servedBy + "-v1\"")
                .withHeader("GDN-Ruleset-Version", "1").withHeader("GDN-Served-By", servedBy).withBody(body);
    }

    /** p50, p99, max in ms. */
    private static double[] run(Scenario s, WireMockServer[] tiers, int warm, int n) {
        try (GdnClient client = GdnClient.builder().clientKey(KEY).breaker(NEVER_OPEN)
                .tier(Tier.of("belt-cdn", TierKind.CDN, "http://127.0.0.1:" + tiers[0].port()))
                .tier(Tier.of("gdn", TierKind.GDN, "http://127.0.0.1:" + tiers[1].port()))
                .tier(Tier.of("classic", TierKind.CLASSIC, "http://127.0.0.1:" + tiers[2].port()))
                .build()) {
            long[] took = new long[n];
            Map<String, Integer> servedBy = new java.util.TreeMap<>();
            for (int i = -warm; i < n; i++) {
                long t0 = System.nanoTime();
                Evaluations e = client.evaluate(CONTEXT);
                long ns = System.nanoTime() - t0;
                if (e.freshness() != Evaluations.Freshness.FRESH || e.flags().size() != 4) {
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
