package dev.gdn.classic;

import dev.gdn.node.events.EventStreamConfig;
import dev.gdn.node.http.CdnPolicy;
import dev.gdn.node.server.ServerLimits;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * @param jdbcUrl    an external PostgreSQL, or null for the embedded one in {@code dataDir}
 * @param adminToken the admin API's bearer token
 * @param checkInterval the periodic check behind NOTIFY
 * @param cdnPurge   CDN POPs (the suspenders') to purge by surrogate key after installing a new version of an
 *                   environment; empty for none
 * @param events     the OFREP event streams (SPEC §5)
 * @param limits     connection limits of the listener (README, "Operations"); null: {@link #DEFAULT_LIMITS}
 */
public record ClassicConfig(String host, int port, String jdbcUrl, String dbUser, String dbPassword, Path dataDir,
                            int embeddedDbPort, String adminToken, Duration checkInterval, Duration drainTimeout, CdnPolicy cdn,
                            List<URI> cdnPurge, EventStreamConfig events, ServerLimits limits) {
    /** Every GDN listener's defaults, with a request body large enough for the admin API's flag uploads (16 MiB). */
    public static final ServerLimits DEFAULT_LIMITS = ServerLimits.DEFAULT.withMaxPayload(
            ClassicApi.AdminServiceLimits.MAX_PAYLOAD);

    public ClassicConfig {
        cdnPurge = List.copyOf(cdnPurge);
        events = events == null ? EventStreamConfig.DEFAULT : events;
        limits = limits == null ? DEFAULT_LIMITS : limits;
    }

    /** A classic API with the default connection limits. */
    public ClassicConfig(String host, int port, String jdbcUrl, String dbUser, String dbPassword, Path dataDir,
                         int embeddedDbPort, String adminToken, Duration checkInterval, Duration drainTimeout, CdnPolicy cdn,
                         List<URI> cdnPurge, EventStreamConfig events) {
        this(host, port, jdbcUrl, dbUser, dbPassword, dataDir, embeddedDbPort, adminToken, checkInterval, drainTimeout, cdn, cdnPurge,
                events, DEFAULT_LIMITS);
    }

    /** A classic API that purges no CDN, with the default event streams and connection limits. */
    public ClassicConfig(String host, int port, String jdbcUrl, String dbUser, String dbPassword, Path dataDir,
                         int embeddedDbPort, String adminToken, Duration checkInterval, Duration drainTimeout, CdnPolicy cdn) {
        this(host, port, jdbcUrl, dbUser, dbPassword, dataDir, embeddedDbPort, adminToken, checkInterval, drainTimeout, cdn, List.of(),
                EventStreamConfig.DEFAULT, DEFAULT_LIMITS);
    }
}
