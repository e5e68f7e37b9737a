package dev.gdn.chaos.load;

import dev.gdn.client.FlagEvaluation;
import dev.gdn.client.policy.CallTrace;
import java.util.Map;

/**
 * One evaluation a load client made: what it asked, when, what came back and from where. An answer
 * served from the client's own cache is {@code fresh == false} with tier {@link ServingTier#LOCAL_CACHE};
 * an unanswered evaluation (the caller got its defaults) has {@code tier == null}.
 *
 * @param startedAtMillis when the call began, Unix milliseconds
 * @param latencyNanos    how long the caller waited
 * @param session         the session id: answers in one session must never step to an older version
 * @param context         the evaluation context asked with
 * @param version         the ruleset version the answer names (0: none)
 * @param servedBy        the server's GDN-Served-By, when known
 * @param flags           every flag of the answer, by key (empty when unanswered)
 * @param error           why no fresh answer was had (null when fresh)
 * @param trace           the failover library's account of the call, endpoint by endpoint ({@link CallTrace#NONE}
 *                        for the plain clients)
 */
public record Answer(long startedAtMillis, long latencyNanos, String region, ClientKind kind, String session,
                     Map<String, Object> context, ServingTier tier, boolean fresh, long version, String servedBy,
                     Map<String, FlagEvaluation> flags, String error, CallTrace trace) {
    public Answer {
        trace = trace == null ? CallTrace.NONE : trace;
    }

    /** Without a trace (a plain client's answer). */
    public Answer(long startedAtMillis, long latencyNanos, String region, ClientKind kind, String session,
                  Map<String, Object> context, ServingTier tier, boolean fresh, long version, String servedBy,
                  Map<String, FlagEvaluation> flags, String error) {
        this(startedAtMillis, latencyNanos, region, kind, session, context, tier, fresh, version, servedBy, flags, error, CallTrace.NONE);
    }

    public boolean answered() {
        return tier != null;
    }

    public long finishedAtMillis() {
        return startedAtMillis + latencyNanos / 1_000_000;
    }
}
