package dev.gdn.cli;

import dev.gdn.node.server.ServerLimits;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The connection limits every server command shares (picocli mixin): {@code --max-connections} and the three read
 * timeouts of {@link ServerLimits}. Their defaults are {@link ServerLimits#DEFAULT}'s, shown in {@code --help}.
 */
final class ConnectionLimitArgs {
    /** Below this a timeout cuts ordinary clients (below 10 ms Helidon's idle check, every tenth of it, cannot run). */
    static final Duration SHORTEST = Duration.ofMillis(100);
    /** Above this a deadline protects nothing (and far above it the nanosecond clock overflows). */
    static final Duration LONGEST = Duration.ofHours(24);

    @Option(names = "--max-connections", paramLabel = "N",
            description = {"open connections served at once; the next client to speak gets 503 and a close (default: ${DEFAULT-VALUE}).",
                "Lowered at start to what half the heap (~24 KiB a connection) and the file descriptors hold;"
                    + " the start line says which applied."})
    String maxConnections = Integer.toString(ServerLimits.DEFAULT.maxConnections());

    @Option(names = "--header-timeout", paramLabel = "DURATION",
            description = "a request's line and headers must arrive within this, from accept (default: ${DEFAULT-VALUE})")
    String headerTimeout = Durations.format(ServerLimits.DEFAULT.headerTimeout());

    @Option(names = "--body-timeout", paramLabel = "DURATION",
            description = "a request's body must arrive within this, from the end of its headers (default: ${DEFAULT-VALUE})")
    String bodyTimeout = Durations.format(ServerLimits.DEFAULT.bodyTimeout());

    @Option(names = "--idle-timeout", paramLabel = "DURATION",
            description = "a kept-alive connection with no request in flight is closed after this (default: ${DEFAULT-VALUE})")
    String idleTimeout = Durations.format(ServerLimits.DEFAULT.idleTimeout());

    /**
     * {@code base} with the four limits these flags set, given or not (their defaults are {@link ServerLimits#DEFAULT}'s);
     * the request sizes and the payload stay the base's.
     */
    ServerLimits limits(ServerLimits base) {
        Duration header = timeout(headerTimeout, "--header-timeout");
        Duration body = timeout(bodyTimeout, "--body-timeout");
        Duration idle = timeout(idleTimeout, "--idle-timeout");
        if (header.compareTo(idle) > 0) {
            // a connection that has sent nothing would outlive one that is merely idle between requests
            throw new CliException(ExitCodes.USAGE, "--header-timeout " + headerTimeout.trim() + " must not be longer than --idle-timeout "
                    + idleTimeout.trim());
        }
        return base.withMaxConnections(connections()).withTimeouts(header, body, idle);
    }

    private int connections() {
        int n;
        try {
            n = Integer.parseInt(maxConnections.trim());
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1) {
            throw new CliException(ExitCodes.USAGE, "--max-connections: '" + maxConnections + "' is not a whole number from 1 to "
                    + Integer.MAX_VALUE);
        }
        return n;
    }

    private static Duration timeout(String text, String option) {
        Duration d = Durations.parse(text, option);
        if (d.compareTo(SHORTEST) < 0 || d.compareTo(LONGEST) > 0) {
            throw new CliException(ExitCodes.USAGE, option + " " + text.trim() + " is outside 100ms to 24h"); // SHORTEST, LONGEST
        }
        return d;
    }
}
