package dev.gdn.chaos.report;

import java.util.List;
import java.util.Locale;

/** The table a drill run prints on the terminal: one line per drill, then why each failed one failed. */
public final class TerminalSummary {
    private TerminalSummary() {
    }

    public static String render(List<DrillResult> results) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-24s %-6s %8s %8s %6s %6s %10s %10s %10s%n", "drill", "result", "evals", "answered",
                "wrong", "regr", "+p50 ms", "+p99 ms", "recovery"));
        for (DrillResult r : results) {
            Totals t = r.totals();
            b.append(String.format(Locale.ROOT, "%-24s %-6s %8d %7s%% %6d %6d %10s %10s %10s%n", r.name(), r.passed() ? "PASS" : "FAIL",
                    t.evaluations(), percent(t.answered(), t.evaluations()), t.wrong(), t.regressions(), ms(r.latency().addedP50Ms()),
                    ms(r.latency().addedP99Ms()), r.recoverySeconds() == null ? "-" : String.format(Locale.ROOT, "%.1f s", r.recoverySeconds())));
        }
        for (DrillResult r : results) {
            if (!r.passed()) {
                b.append('\n').append(r.name()).append(" FAILED\n").append(JunitReport.failureText(r).indent(2));
            }
        }
        long passed = results.stream().filter(DrillResult::passed).count();
        // not "N passed, N failed": CI reads that form as a test runner's closing line
        b.append(String.format(Locale.ROOT, "%n%d of %d drills passed%n", passed, results.size()));
        return b.toString();
    }

    /** A drill's figures in a few lines (also the JUnit system-out). */
    static String figures(DrillResult r) {
        Totals t = r.totals();
        Latency l = r.latency();
        return String.format(Locale.ROOT,
                "%s: %d evaluations, %d answered (%d from client caches), %d wrong, %d version regressions, %d unverified%n"
                        + "library latency p50/p99 ms: steady %s/%s, fault %s/%s, after heal %s/%s; added p99 first second %s, after 5 s %s%n"
                        + "recovery: %s%n",
                r.name(), t.evaluations(), t.answered(), t.stale(), t.wrong(), t.regressions(), t.unverified(), ms(l.steadyP50Ms()),
                ms(l.steadyP99Ms()), ms(l.faultP50Ms()), ms(l.faultP99Ms()), ms(l.verifyP50Ms()), ms(l.verifyP99Ms()),
                ms(l.addedP99FirstSecondMs()), ms(l.addedP99After5sMs()),
                r.recoverySeconds() == null ? "not within the run" : String.format(Locale.ROOT, "%.1f s after the heal", r.recoverySeconds()));
    }

    static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }

    static String percent(long part, long whole) {
        if (whole == 0) {
            return "-";
        }
        double p = 100.0 * part / whole;
        return part == whole ? "100" : String.format(Locale.ROOT, p >= 99.95 ? "%.3f" : "%.1f", Math.floor(p * 1000) / 1000);
    }
}
