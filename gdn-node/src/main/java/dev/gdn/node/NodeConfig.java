package dev.gdn.node;

import dev.gdn.node.events.EventStreamConfig;
import dev.gdn.node.http.CdnPolicy;
import dev.gdn.node.server.ServerLimits;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Everything a node is started with.
 *
 * @param stores     store URIs (store mode); empty in flag-file mode
 * @param trust      public key files whose signatures are accepted (store mode)
 * @param envs       environments to serve; empty: every one in the stores
 * @param cacheDir   last-known-good directory, or null for none
 * @param flagsFile  flag-file mode: serve this flagd file as environment "default"
 * @param clientKey  flag-file mode: the one client key accepted (null: no key needed unless serverKey is set)
 * @param serverKey  flag-file mode: the one server key accepted
 * @param drainTimeout on shutdown, how long readiness reports DRAINING before the listener closes and
 *                     in-flight requests are finished
 * @param cdnPurge   CDN POPs to purge (HTTP PURGE by surrogate key) after swapping to a new version of an
 *                   environment; empty for none
 * @param events     the OFREP event streams (SPEC §5)
 * @param limits     connection limits of the listener (README, "Operations")
 */
public record NodeConfig(String host, int port, String region, String nodeId, List<String> stores, List<Path> trust,
                         Set<String> envs, Path cacheDir, Path flagsFile, String clientKey, String serverKey,
                         Duration pollInterval, Duration storeTimeout, Duration drainTimeout, CdnPolicy cdn,
                         List<URI> cdnPurge, EventStreamConfig events, ServerLimits limits) {
    public NodeConfig {
        stores = List.copyOf(stores);
        trust = List.copyOf(trust);
        envs = Set.copyOf(envs);
        cdnPurge = List.copyOf(cdnPurge);
        events = events == null ? EventStreamConfig.DEFAULT : events;
        limits = limits == null ? ServerLimits.DEFAULT : limits;
    }

    /** A node with the default connection limits. */
    public NodeConfig(String host, int port, String region, String nodeId, List<String> stores, List<Path> trust,
                      Set<String> envs, Path cacheDir, Path flagsFile, String clientKey, String serverKey,
                      Duration pollInterval, Duration storeTimeout, Duration drainTimeout, CdnPolicy cdn,
                      List<URI> cdnPurge, EventStreamConfig events) {
        this(host, port, region, nodeId, stores, trust, envs, cacheDir, flagsFile, clientKey, serverKey, pollInterval,
                storeTimeout, drainTimeout, cdn, cdnPurge, events, ServerLimits.DEFAULT);
    }

    /** A node that purges no CDN, with the default event streams. */
    public NodeConfig(String host, int port, String region, String nodeId, List<String> stores, List<Path> trust,
                      Set<String> envs, Path cacheDir, Path flagsFile, String clientKey, String serverKey,
                      Duration pollInterval, Duration storeTimeout, Duration drainTimeout, CdnPolicy cdn) {
        this(host, port, region, nodeId, stores, trust, envs, cacheDir, flagsFile, clientKey, serverKey, pollInterval,
                storeTimeout, drainTimeout, cdn, List.of(), EventStreamConfig.DEFAULT, ServerLimits.DEFAULT);
    }

    public NodeConfig withCdnPurge(List<URI> pops) {
        return new NodeConfig(host, port, region, nodeId, stores, trust, envs, cacheDir, flagsFile, clientKey, serverKey, pollInterval,
                storeTimeout, drainTimeout, cdn, pops, events, limits);
    }

    public NodeConfig withEvents(EventStreamConfig e) {
        return new NodeConfig(host, port, region, nodeId, stores, trust, envs, cacheDir, flagsFile, clientKey, serverKey, pollInterval,
                storeTimeout, drainTimeout, cdn, cdnPurge, e, limits);
    }

    public NodeConfig withLimits(ServerLimits l) {
        return new NodeConfig(host, port, region, nodeId, stores, trust, envs, cacheDir, flagsFile, clientKey, serverKey, pollInterval,
                storeTimeout, drainTimeout, cdn, cdnPurge, events, l);
    }

    /** The GDN-Served-By value: region and node id. */
    public String servedBy() {
        return region + "/" + nodeId;
    }
}
