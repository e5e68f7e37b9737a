package dev.gdn.chaos.report;

/** Something the drill did or saw, placed on the charts: "killed node ams (pid 4242)". */
public record DrillEvent(long atMillis, String text) {
}
