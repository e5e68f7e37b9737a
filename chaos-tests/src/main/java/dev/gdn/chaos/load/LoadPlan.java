package dev.gdn.chaos.load;

import java.time.Duration;

/**
 * How much load a drill puts on each region. Sessions are closed loops: a call, then the think time.
 *
 * @param librarySessions concurrent users of the region's failover library client
 * @param ofrepSessions   plain OFREP clients (one user each)
 * @param cdnSessions     plain CDN GET clients (one user each)
 * @param libraryThink    pause between one library user's evaluations
 * @param plainThink      pause between a plain client's requests
 * @param sessionLength   evaluations a library user makes before another user (another context, a new session) takes its place
 * @param contexts        the number of distinct users in the pool
 * @param timeout         a plain client's request timeout; the library's deadline
 */
public record LoadPlan(int librarySessions, int ofrepSessions, int cdnSessions, Duration libraryThink, Duration plainThink,
                       int sessionLength, int contexts, Duration timeout) {
    /** About 55 evaluations a second per region: enough to see every tier, light enough for a 2-core machine running a world. */
    public static final LoadPlan DEFAULT = new LoadPlan(3, 2, 2, Duration.ofMillis(80), Duration.ofMillis(200), 15, 300,
            Duration.ofSeconds(2));

    public LoadPlan {
        if (librarySessions < 0 || ofrepSessions < 0 || cdnSessions < 0 || librarySessions + ofrepSessions + cdnSessions == 0) {
            throw new IllegalArgumentException("a load needs at least one session");
        }
        if (sessionLength < 1 || contexts < 1) {
            throw new IllegalArgumentException("session length and contexts must be positive");
        }
    }
}
