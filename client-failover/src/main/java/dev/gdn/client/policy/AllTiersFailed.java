package dev.gdn.client.policy;

import java.util.List;

/** No endpoint produced a good answer within the deadline; {@link #attempts()} says what each did. */
public final class AllTiersFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<String> attempts;
    private final transient CallTrace trace;

    public AllTiersFailed(String summary, List<String> attempts) {
        this(summary, attempts, CallTrace.NONE);
    }

    public AllTiersFailed(String summary, List<String> attempts, CallTrace trace) {
        super(summary + (attempts.isEmpty() ? "" : ": " + String.join("; ", attempts)), null, false, false);
        this.attempts = List.copyOf(attempts);
        this.trace = trace;
    }

    /** What the call did, endpoint by endpoint. */
    public CallTrace trace() {
        return trace;
    }

    public List<String> attempts() {
        return attempts;
    }
}
