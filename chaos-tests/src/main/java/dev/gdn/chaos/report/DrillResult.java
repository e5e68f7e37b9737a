package dev.gdn.chaos.report;

import dev.gdn.chaos.load.ClientKind;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything one drill run produced: the verdict and the evidence behind it. Times are milliseconds
 * since {@code startedAt}.
 *
 * @param recoverySeconds seconds from the heal until every region was back to steady state for good
 *                        (null: not within the run)
 * @param slowCalls       the failover library's slowest calls, with their traces, by start time
 * @param error           why the drill could not run at all (null when it ran)
 */
public record DrillResult(String name, String title, String description, Instant startedAt, long faultAtMillis, long healAtMillis,
                          long endedAtMillis, List<String> regions, Totals totals, Map<ClientKind, Totals> byKind, Latency latency,
                          Double recoverySeconds, List<CheckResult> checks, List<BadAnswer> firstBad, List<SecondSample> seconds,
                          List<DrillEvent> events, List<SlowCall> slowCalls, String error) {
    public DrillResult {
        regions = List.copyOf(regions);
        byKind = Map.copyOf(byKind);
        checks = List.copyOf(checks);
        firstBad = List.copyOf(firstBad);
        seconds = List.copyOf(seconds);
        events = List.copyOf(events);
        slowCalls = List.copyOf(slowCalls);
    }

    public boolean passed() {
        return error == null && !checks.isEmpty() && checks.stream().allMatch(CheckResult::passed);
    }

    /** The checks that failed (the drill could not run: one pseudo-check saying why). */
    public List<CheckResult> failures() {
        if (error != null) {
            return List.of(CheckResult.fail("drill ran", error));
        }
        return checks.stream().filter(c -> !c.passed()).toList();
    }

    /** The same result with these checks. */
    public DrillResult withChecks(List<CheckResult> newChecks) {
        return new DrillResult(name, title, description, startedAt, faultAtMillis, healAtMillis, endedAtMillis, regions, totals, byKind,
                latency, recoverySeconds, newChecks, firstBad, seconds, events, slowCalls, error);
    }

    /** A drill that could not run, with why. */
    public static DrillResult notRun(String name, String title, String description, Instant at, String error) {
        return new DrillResult(name, title, description, at, 0, 0, 0, List.of(), Totals.ZERO, Map.of(),
                new Latency(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                        Double.NaN, Double.NaN), null, List.of(), List.of(), List.of(), List.of(), List.of(), error);
    }
}
