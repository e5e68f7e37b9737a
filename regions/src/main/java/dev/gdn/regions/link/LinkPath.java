package dev.gdn.regions.link;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * One client→tier path: where clients connect, where the tier really listens, and the modelled
 * one-way delay (half the RTT between the client's region and the tier's) with its jitter.
 *
 * @param name   unique, e.g. {@code ams.node}
 * @param jitter each chunk of bytes waits an extra uniform random 0..jitter (order is kept)
 */
public record LinkPath(String name, InetSocketAddress listen, InetSocketAddress target, Duration oneWayDelay, Duration jitter) {
    public LinkPath {
        if (name == null || !name.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("a link name is letters, digits, '.', '_' or '-', not '" + name + "'");
        }
        if (oneWayDelay.isNegative() || jitter.isNegative()) {
            throw new IllegalArgumentException(name + ": delay and jitter must not be negative");
        }
    }
}
