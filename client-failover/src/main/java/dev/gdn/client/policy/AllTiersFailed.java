package dev.gdn.client.policy;

import java.util.List;

/** No endpoint produced a good answer within the deadline; {@link #attempts()} says what each did. */
public final class AllTiersFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<String> attempts;

    public AllTiersFailed(String summary, List<String> attempts) {
        super(summary + (attempts.isEmpty() ? "" : ": " + String.join("; ", attempts)), null, false, false);
        this.attempts = List.copyOf(attempts);
    }

    public List<String> attempts() {
        return attempts;
    }
}
