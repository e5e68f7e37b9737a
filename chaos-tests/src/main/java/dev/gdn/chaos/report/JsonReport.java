package dev.gdn.chaos.report;

import dev.gdn.chaos.load.ClientKind;
import dev.gdn.chaos.load.ServingTier;
import dev.gdn.client.policy.CallTrace;
import dev.gdn.ruleset.json.JsonWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code report.json}: per drill the verdict, the counts, the latency figures (milliseconds; null where
 * a window had no calls), the recovery time, every check, the first bad answers, the events and the
 * per-second samples the charts are drawn from, and the failover library's slowest calls with the
 * client's trace of each (which endpoints it asked or skipped, when, how each ended).
 */
public final class JsonReport {
    private JsonReport() {
    }

    public static String render(List<DrillResult> results) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("passed", results.stream().allMatch(DrillResult::passed));
        List<Object> drills = new ArrayList<>();
        for (DrillResult r : results) {
            drills.add(drill(r));
        }
        root.put("drills", drills);
        return JsonWriter.toJson(root);
    }

    private static Map<String, Object> drill(DrillResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        Totals t = r.totals();
        Latency l = r.latency();
        m.put("name", r.name());
        m.put("title", r.title());
        m.put("passed", r.passed());
        m.put("evaluations", t.evaluations());
        m.put("answered", t.answered());
        m.put("wrong", t.wrong());
        m.put("version_regressions", t.regressions());
        m.put("unverified", t.unverified());
        m.put("stale", t.stale());
        m.put("added_p50_ms", ms(l.addedP50Ms()));
        m.put("added_p99_ms", ms(l.addedP99Ms()));
        m.put("added_p99_first_second_ms", ms(l.addedP99FirstSecondMs()));
        m.put("added_p99_after_5s_ms", ms(l.addedP99After5sMs()));
        m.put("recovery_s", r.recoverySeconds());
        m.put("error", r.error());
        m.put("started_at", r.startedAt().toString());
        m.put("fault_at_s", r.faultAtMillis() / 1000.0);
        m.put("heal_at_s", r.healAtMillis() / 1000.0);
        m.put("duration_s", r.endedAtMillis() / 1000.0);
        m.put("regions", r.regions());
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("steady_p50_ms", ms(l.steadyP50Ms()));
        latency.put("steady_p99_ms", ms(l.steadyP99Ms()));
        latency.put("fault_p50_ms", ms(l.faultP50Ms()));
        latency.put("fault_p99_ms", ms(l.faultP99Ms()));
        latency.put("after_heal_p50_ms", ms(l.verifyP50Ms()));
        latency.put("after_heal_p99_ms", ms(l.verifyP99Ms()));
        m.put("library_latency", latency);
        Map<String, Object> byClient = new LinkedHashMap<>();
        for (Map.Entry<ClientKind, Totals> e : r.byKind().entrySet()) {
            Totals k = e.getValue();
            byClient.put(e.getKey().name().toLowerCase(), new LinkedHashMap<>(Map.of("evaluations", k.evaluations(), "answered", k.answered(),
                    "wrong", k.wrong(), "version_regressions", k.regressions(), "unverified", k.unverified(), "stale", k.stale())));
        }
        m.put("by_client", byClient);
        List<Object> checks = new ArrayList<>();
        for (CheckResult c : r.checks()) {
            checks.add(new LinkedHashMap<>(Map.of("name", c.name(), "passed", c.passed(), "detail", c.detail())));
        }
        m.put("checks", checks);
        List<Object> bad = new ArrayList<>();
        for (BadAnswer b : r.firstBad()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("at_s", b.atMillis() / 1000.0);
            x.put("check", b.check());
            x.put("region", b.region());
            x.put("client", b.client());
            x.put("session", b.session());
            x.put("tier", b.tier());
            x.put("served_by", b.servedBy());
            x.put("version", b.version());
            x.put("context", b.context());
            x.put("problem", b.problem());
            bad.add(x);
        }
        m.put("first_bad_answers", bad);
        List<Object> events = new ArrayList<>();
        for (DrillEvent e : r.events()) {
            events.add(new LinkedHashMap<>(Map.of("at_s", e.atMillis() / 1000.0, "text", e.text())));
        }
        m.put("events", events);
        m.put("slow_calls", r.slowCalls().stream().map(JsonReport::slowCall).toList());
        List<Object> seconds = new ArrayList<>();
        for (SecondSample s : r.seconds()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("second", s.second());
            Map<String, Object> tiers = new LinkedHashMap<>();
            for (ServingTier tier : ServingTier.values()) {
                tiers.put(tier.name().toLowerCase(), s.byTier().getOrDefault(tier, 0));
            }
            x.put("answers", tiers);
            x.put("unanswered", s.unanswered());
            x.put("wrong", s.wrong());
            x.put("p50_ms", ms(s.p50Ms()));
            x.put("p99_ms", ms(s.p99Ms()));
            Map<String, Object> regions = new LinkedHashMap<>();
            s.regions().forEach((code, rs) -> regions.put(code, new LinkedHashMap<>(Map.of("answered", rs.answered(), "errors", rs.errors(),
                    "min_version", rs.minVersion(), "max_version", rs.maxVersion()))));
            x.put("regions", regions);
            seconds.add(x);
        }
        m.put("seconds", seconds);
        return m;
    }

    private static Map<String, Object> slowCall(SlowCall c) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("at_s", c.atMillis() / 1000.0);
        x.put("region", c.region());
        x.put("session", c.session());
        x.put("took_ms", ms(c.tookMs()));
        x.put("tier", c.tier());
        x.put("error", c.error());
        List<Object> attempts = new ArrayList<>();
        for (CallTrace.Attempt a : c.trace().attempts()) {
            Map<String, Object> y = new LinkedHashMap<>();
            y.put("endpoint", a.endpoint());
            y.put("started_after_ms", ms(a.startedAfter().toNanos() / 1e6));
            y.put("asked", a.asked().name().toLowerCase(java.util.Locale.ROOT));
            y.put("outcome", a.outcome().name().toLowerCase(java.util.Locale.ROOT));
            y.put("took_ms", ms(a.took().toNanos() / 1e6));
            y.put("detail", a.detail());
            attempts.add(y);
        }
        x.put("attempts", attempts);
        return x;
    }

    /** Milliseconds to 0.01, or null for NaN. */
    static Double ms(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : Math.round(v * 100) / 100.0;
    }
}
