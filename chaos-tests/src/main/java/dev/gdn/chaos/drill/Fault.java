package dev.gdn.chaos.drill;

import dev.gdn.chaos.report.CheckResult;
import java.time.Duration;
import java.util.List;

/**
 * What a drill does to the world. The runner calls {@link #inject} when steady state ends, then
 * {@link #hold} for the hold time, then {@link #heal} (always, even when injecting failed), and after
 * the verify phase {@link #verify} for the drill's own checks.
 */
public interface Fault {
    void inject(DrillContext ctx) throws Exception;

    /** Runs for the hold time; faults that act during it (flapping, a rolling restart, a publish) override it. */
    default void hold(DrillContext ctx, Duration hold) throws Exception {
        Thread.sleep(hold.toMillis());
    }

    void heal(DrillContext ctx) throws Exception;

    /** The drill's own checks, after the verify phase and once every answer is recorded (the standard ones are the runner's). */
    default List<CheckResult> verify(DrillContext ctx) throws Exception {
        return List.of();
    }
}
