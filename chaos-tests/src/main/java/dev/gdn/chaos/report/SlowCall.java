package dev.gdn.chaos.report;

import dev.gdn.client.policy.CallTrace;

/**
 * One of the failover library's slowest calls in a drill, with the client's own account of it: which
 * endpoints it asked or skipped, when, and how each ended. What tells a hung tier, a skipped tier and a
 * stalled machine apart (a stall shows as attempts that took long yet answered, or started late).
 *
 * @param atMillis when the call began, milliseconds since the drill started
 * @param tookMs   how long the caller waited
 * @param tier     the tier that answered ("local cache" for the client's last good answer, "-" for none)
 * @param error    why no fresh answer was had (null when fresh)
 */
public record SlowCall(long atMillis, String region, String session, double tookMs, String tier, String error, CallTrace trace) {
}
