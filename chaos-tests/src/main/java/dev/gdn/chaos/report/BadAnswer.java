package dev.gdn.chaos.report;

/**
 * One answer that broke a check, as the report shows it.
 *
 * @param atMillis when the call began, milliseconds since the drill started
 * @param check    which check it broke: "correct", "no regression", "answered", "verified"
 */
public record BadAnswer(long atMillis, String check, String region, String client, String session, String tier,
                        String servedBy, long version, String context, String problem) {
}
