package dev.gdn.cli;

import dev.gdn.node.events.EventStreamConfig;
import java.net.URI;
import picocli.CommandLine.Option;

/** The event stream options every server command shares (picocli mixin). */
final class EventStreamArgs {
    @Option(names = "--events-url", paramLabel = "URL",
            description = {"public origin of this server's OFREP event streams, advertised in bulk responses",
                "(e.g. the load-balanced node hostname; never a CDN, which would cache them).",
                "Default: bulk responses give only the stream's path, for clients to resolve against the origin they know."})
    String publicUrl;

    @Option(names = "--events-heartbeat", defaultValue = "15s", paramLabel = "DURATION",
            description = "heartbeat event sent on idle event streams (default: ${DEFAULT-VALUE})")
    String heartbeat;

    @Option(names = "--events-max", defaultValue = "0", paramLabel = "N",
            description = {"open event streams accepted; more are refused with 503 and clients poll",
                "(default 0: as many as the heap holds at ~40 KiB a stream, e.g. ~1,600 with -Xmx160m, ~10,000 with -Xmx512m)"})
    int maxStreams;

    EventStreamConfig config() {
        URI url = null;
        if (publicUrl != null && !publicUrl.isBlank()) {
            try {
                url = URI.create(publicUrl.trim());
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, "--events-url: not a URL: " + publicUrl);
            }
        }
        try {
            return EventStreamConfig.DEFAULT.withPublicUrl(url).withHeartbeat(Durations.parse(heartbeat, "--events-heartbeat"))
                    .withMaxStreams(maxStreams);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "--events-url / --events-heartbeat: " + e.getMessage());
        }
    }
}
