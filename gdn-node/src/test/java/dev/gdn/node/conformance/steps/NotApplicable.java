package dev.gdn.node.conformance.steps;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The testbed scenarios (in the features GDN runs) that do not apply to GDN, each with why. Whole features
 * that are about flagd's own gRPC provider (connection, events, rpc-caching, sync-payload, config,
 * contextEnrichment) are not run at all; {@link #FEATURES} says why, for the report.
 */
final class NotApplicable {
    private NotApplicable() {
    }

    /** Tag → why scenarios with it do not apply. */
    private static final List<Map.Entry<String, String>> BY_TAG = List.of(
            Map.entry("@fractional-v1", "fractional v1 is flagd's legacy float bucketing (abs(hash) / MaxInt32 * 100),"
                    + " superseded by v2: SPEC §2 buckets with (h * total) >>> 32, as flagd ships today"),
            Map.entry("@fractional-v3", "fractional v3 hashes non-string values (flagd ADR fractional-non-string-rand-units:"
                    + " accepted, not shipped by flagd's evaluator) and re-buckets every user; SPEC §2 pins v2"),
            Map.entry("@deprecated", "deprecated by the testbed itself: the old-proto answer FLAG_NOT_FOUND for a flag"
                    + " without a default variant; SPEC §2 (and @no-default-variant) answers reason DEFAULT"));

    static final List<String> FEATURES = List.of(
            "connection.feature, events.feature, rpc-caching.feature, sync-payload.feature, config.feature:"
                    + " flagd's gRPC provider (connections, its event stream, caching, sync payloads, its options)",
            "contextEnrichment.feature: flagd's sync-server context enrichment (static context injected by flagd)");

    /** Why a scenario with these tags does not apply to GDN, or null when it applies. */
    static String reason(Collection<String> tags) {
        for (Map.Entry<String, String> e : BY_TAG) {
            if (tags.contains(e.getKey())) {
                return e.getValue();
            }
        }
        return null;
    }
}
