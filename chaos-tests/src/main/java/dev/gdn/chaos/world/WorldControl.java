package dev.gdn.chaos.world;

import java.io.IOException;
import java.util.List;

/**
 * What a drill may do to a running world beyond signals to its pids: switch its links and restart the
 * parts it stopped. Implemented over the world's control API.
 */
public interface WorldControl extends AutoCloseable {
    /**
     * The links between the clients of {@code region} and one of its endpoints.
     *
     * @param target "belt_cdn", "node", "suspenders_cdn" or "classic"
     */
    void setLink(String region, String target, LinkState state) throws IOException, InterruptedException;

    /** Every link back to up. */
    void resetLinks() throws IOException, InterruptedException;

    /**
     * Starts again a part the drill stopped (a killed node, a POP, the classic API, PostgreSQL, a sync
     * daemon) with the same ports and data, and returns once it is ready; the world's pids change.
     *
     * @param part "node", "belt_cdn" (with a region), or a world-wide role ("postgres", "classic", "sync", …)
     * @param region the region for per-region parts, else null
     * @return the new pid
     */
    long restart(String part, String region) throws IOException, InterruptedException;

    /** The link targets of a region, in chain order. */
    List<String> TARGETS = List.of("belt_cdn", "node", "suspenders_cdn", "classic");

    @Override
    default void close() {
    }
}
