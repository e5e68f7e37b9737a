package dev.gdn.chaos.report;

/**
 * The failover library's latency in each phase and what the fault added (fault minus steady state).
 * NaN where a window had no calls.
 *
 * @param addedP99FirstSecondMs added p99 in the first second after the fault was injected
 * @param addedP99After5sMs     added p99 from 5 s after the injection until the heal
 */
public record Latency(double steadyP50Ms, double steadyP99Ms, double faultP50Ms, double faultP99Ms, double verifyP50Ms,
                      double verifyP99Ms, double addedP50Ms, double addedP99Ms, double addedP99FirstSecondMs,
                      double addedP99After5sMs) {
}
