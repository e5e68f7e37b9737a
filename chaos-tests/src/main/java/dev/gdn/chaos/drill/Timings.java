package dev.gdn.chaos.drill;

import java.time.Duration;

/**
 * How long each part of a drill lasts: steady state before the fault, the fault held, and the time
 * after the heal in which the world must recover.
 */
public record Timings(Duration steady, Duration hold, Duration verify) {
    /** The default: long enough to see breakers open and close and caches expire. */
    public static final Timings FULL = new Timings(Duration.ofSeconds(8), Duration.ofSeconds(15), Duration.ofSeconds(12));
    /** CI's {@code --quick}: every drill within 20 s. */
    public static final Timings QUICK = new Timings(Duration.ofSeconds(4), Duration.ofSeconds(7), Duration.ofSeconds(6));

    public Timings {
        if (steady.toMillis() < 1000 || hold.toMillis() < 1000 || verify.toMillis() < 1000) {
            throw new IllegalArgumentException("steady state, hold and verify must each last at least 1 s");
        }
    }
}
