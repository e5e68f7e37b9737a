package dev.gdn.chaos.world;

import java.time.Duration;

/** What a link does to the traffic through it, as the world's links can be switched at run time. */
public sealed interface LinkState {
    /** Passes traffic with the modelled latency. */
    record Up() implements LinkState {
    }

    /** Refuses connections. */
    record Down() implements LinkState {
    }

    /** Accepts connections and never answers: the worst kind of outage. */
    record Blackhole() implements LinkState {
    }

    /** Accepts, then resets every connection. */
    record Reset() implements LinkState {
    }

    /** Adds this much delay each way. */
    record Slow(Duration added) implements LinkState {
    }

    /** Limits throughput. */
    record Bandwidth(long bytesPerSecond) implements LinkState {
    }

    LinkState UP = new Up();
    LinkState DOWN = new Down();
    LinkState BLACKHOLE = new Blackhole();
    LinkState RESET = new Reset();

    /** "up", "down", "blackhole", "reset", "slow 300ms", "bandwidth 10000B/s". */
    static String describe(LinkState s) {
        return switch (s) {
            case Up u -> "up";
            case Down d -> "down";
            case Blackhole b -> "blackhole";
            case Reset r -> "reset";
            case Slow x -> "slow +" + x.added().toMillis() + " ms";
            case Bandwidth w -> "bandwidth " + w.bytesPerSecond() + " B/s";
        };
    }
}
