package dev.gdn.client.policy;

/**
 * A good answer computed with an older ruleset version than the client knows exists (a CDN or node a
 * poll behind, just after a publish): the next tier is asked, and this says nothing about the
 * endpoint's health, so it never opens a breaker. The caller keeps the answer in case none is newer.
 */
public final class LaggingAnswer extends AttemptFailure {
    private static final long serialVersionUID = 1L;
    private final transient Object answer;

    public LaggingAnswer(Object answer, String message) {
        super(message);
        this.answer = answer;
    }

    public Object answer() {
        return answer;
    }

    @Override
    boolean countsAgainstEndpoint() {
        return false;
    }
}
