package dev.gdn.client.policy;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** The call's overall deadline passed before any endpoint answered; {@link #trace()} says where the time went. */
public final class DeadlinePassed extends TimeoutException {
    private static final long serialVersionUID = 1L;
    private final transient CallTrace trace;

    public DeadlinePassed(Duration deadline, CallTrace trace) {
        super("no tier answered within " + deadline.toMillis() + " ms");
        this.trace = trace;
    }

    public CallTrace trace() {
        return trace;
    }
}
