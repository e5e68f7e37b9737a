package dev.gdn.chaos.drill;

import dev.gdn.chaos.report.CheckResult;
import dev.gdn.chaos.report.DrillResult;
import dev.gdn.chaos.report.SecondSample;
import dev.gdn.chaos.report.Totals;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The checks every drill must pass, whatever its fault. */
public final class StandardChecks {
    private StandardChecks() {
    }

    public static List<CheckResult> of(DrillResult r) {
        List<CheckResult> out = new ArrayList<>();
        Totals t = r.totals();
        out.add(steadyState(r));
        out.add(t.evaluations() > 0 && t.answered() == t.evaluations()
                ? CheckResult.pass("every evaluation answered", String.format(Locale.ROOT, "%d of %d (%d from client caches)",
                        t.answered(), t.evaluations(), t.stale()))
                : CheckResult.fail("every evaluation answered", String.format(Locale.ROOT, "%d of %d evaluations got no answer (the callers"
                        + " got their defaults)", t.evaluations() - t.answered(), t.evaluations())));
        out.add(t.wrong() == 0 ? CheckResult.pass("answers correct", "every answered flag equals local evaluation of the version it names")
                : CheckResult.fail("answers correct", t.wrong() + " answers differ from local evaluation of the version they name"));
        out.add(t.regressions() == 0 ? CheckResult.pass("no version regression", "no session saw an older version after a newer one")
                : CheckResult.fail("no version regression", t.regressions() + " answers named an older version than their session had seen"));
        out.add(t.unverified() == 0 ? CheckResult.pass("every answer verified", "every version answered could be had from a store or the admin API")
                : CheckResult.fail("every answer verified", t.unverified() + " answers name a version no store or admin API could give"));
        out.add(r.recoverySeconds() != null
                ? CheckResult.pass("recovered", String.format(Locale.ROOT, "back to steady state %.1f s after the heal", r.recoverySeconds()))
                : CheckResult.fail("recovered", "not back to steady state by the end of the run (errors, a region not answering, another"
                        + " tier serving most answers, or the median latency still high: see the charts)"));
        out.add(converged(r));
        return out;
    }

    /** Before the fault: every region answered fresh every second, nothing failed. */
    static CheckResult steadyState(DrillResult r) {
        List<String> problems = new ArrayList<>();
        int seconds = 0;
        for (SecondSample s : r.seconds()) {
            if ((s.second() + 1) * 1000L > r.faultAtMillis()) {
                break;
            }
            if (s.second() == 0) {
                continue; // the first second includes client start-up
            }
            seconds++;
            for (String region : r.regions()) {
                SecondSample.RegionSecond rs = s.regions().get(region);
                if (rs == null || rs.answered() == 0) {
                    problems.add(region + " answered nothing in second " + s.second());
                } else if (rs.errors() > 0) {
                    problems.add(region + " had " + rs.errors() + " errors in second " + s.second());
                }
            }
            if (s.unanswered() > 0) {
                problems.add(s.unanswered() + " unanswered in second " + s.second());
            }
        }
        if (seconds == 0) {
            return CheckResult.fail("steady state healthy", "no complete second of steady state before the fault");
        }
        return problems.isEmpty() ? CheckResult.pass("steady state healthy", seconds + " s with every region answering fresh, no errors")
                : CheckResult.fail("steady state healthy", "the world was not healthy before the fault: "
                        + String.join("; ", problems.subList(0, Math.min(5, problems.size()))));
    }

    /** At the end, every region's fresh answers name the newest version any answer named. */
    static CheckResult converged(DrillResult r) {
        long newest = 0;
        for (SecondSample s : r.seconds()) {
            for (SecondSample.RegionSecond rs : s.regions().values()) {
                newest = Math.max(newest, rs.maxVersion());
            }
        }
        List<SecondSample> tail = r.seconds().subList(Math.max(0, r.seconds().size() - 3), r.seconds().size());
        Map<String, Long> last = new TreeMap<>();
        for (String region : r.regions()) {
            last.put(region, 0L);
        }
        for (SecondSample s : tail) {
            s.regions().forEach((region, rs) -> last.merge(region, rs.maxVersion(), Math::max));
        }
        long target = newest;
        List<String> behind = last.entrySet().stream().filter(e -> e.getValue() != target)
                .map(e -> e.getKey() + " at v" + e.getValue()).toList();
        return behind.isEmpty() ? CheckResult.pass("every region converged", "every region serves v" + newest + " at the end")
                : CheckResult.fail("every region converged", "the newest version is v" + newest + ", but at the end " + String.join(", ", behind));
    }
}
