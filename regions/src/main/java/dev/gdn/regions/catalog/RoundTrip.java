package dev.gdn.regions.catalog;

/**
 * The round-trip time between two regions and where the figure comes from.
 *
 * @param millis round-trip time in milliseconds
 * @param basis  a published measurement, an estimate from distance, or the same region
 * @param source the measurement's source id (e.g. {@code azure-p50-2026-07}), or how it was estimated
 */
public record RoundTrip(Region from, Region to, double millis, Basis basis, String source) {
    public enum Basis {
        /** A published P50 for this pair (either direction). */
        MEASURED,
        /** No measurement for this pair: max(physical floor, linear model over the measured pairs). */
        ESTIMATE,
        /** Both ends in one region: the world adds nothing (loopback stands for the in-region network). */
        SAME_REGION
    }

    /** The one-way delay a link adds on this path: half the round trip. */
    public double oneWayMillis() {
        return millis / 2;
    }
}
