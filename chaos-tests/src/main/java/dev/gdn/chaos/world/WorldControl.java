package dev.gdn.chaos.world;

import java.io.IOException;
import java.util.List;

/**
 * What a drill may do to a running world beyond signals to its pids: the world's parts (kill, stop,
 * start, restart each process it runs) and its links (switch each client→tier path). Implemented over
 * the world's control API ({@link HttpWorldControl}).
 */
public interface WorldControl extends AutoCloseable {
    /** One process the world runs. */
    record Part(String name, String kind, String region, String state, Long pid) {
        public boolean ready() {
            return "READY".equals(state);
        }
    }

    /** Every part, as the world sees it now. */
    List<Part> parts() throws IOException, InterruptedException;

    /**
     * Acts on a part: {@code kill} (SIGKILL), {@code stop} (its stop signal), {@code start} or {@code restart}
     * (both return once the part is ready again).
     *
     * @return the part afterwards (a started part has a new pid)
     */
    Part act(String part, String action) throws IOException, InterruptedException;

    /**
     * Switches every link whose name matches the pattern ({@code *} is a wildcard). Link names are
     * {@code REGION.TIER} (tiers: belt_cdn, node, suspenders_cdn, classic) and {@code REGION.node-OTHER}.
     */
    void setLinks(String pattern, LinkState state) throws IOException, InterruptedException;

    @Override
    default void close() {
    }
}
