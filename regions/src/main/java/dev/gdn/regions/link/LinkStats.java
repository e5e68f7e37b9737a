package dev.gdn.regions.link;

/** What a link has carried: connections accepted since start, open now, and bytes each way. */
public record LinkStats(String name, LinkState state, long accepted, int open, long bytesUp, long bytesDown) {
}
