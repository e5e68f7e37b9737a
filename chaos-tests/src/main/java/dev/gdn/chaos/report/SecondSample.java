package dev.gdn.chaos.report;

import dev.gdn.chaos.load.ServingTier;
import java.util.Map;

/**
 * One second of a drill, for the charts.
 *
 * @param second      seconds since the drill started
 * @param byTier      answers per serving tier
 * @param unanswered  evaluations nobody answered (callers got defaults)
 * @param wrong       answers that differ from local evaluation, or regressed to an older version
 * @param p50Ms       the failover library's median latency this second (NaN when it made no call)
 * @param p99Ms       its 99th percentile
 * @param regions     per region: errors and versions
 */
public record SecondSample(int second, Map<ServingTier, Integer> byTier, int unanswered, int wrong, double p50Ms, double p99Ms,
                           Map<String, RegionSecond> regions) {
    /**
     * @param answered   answers in this region this second
     * @param errors     evaluations that got no fresh answer from any server (served from a client cache, or not at all)
     * @param minVersion lowest version a fresh answer named (0: none)
     * @param maxVersion highest
     */
    public record RegionSecond(int answered, int errors, long minVersion, long maxVersion) {
    }

    public int answeredTotal() {
        return byTier.values().stream().mapToInt(Integer::intValue).sum();
    }
}
