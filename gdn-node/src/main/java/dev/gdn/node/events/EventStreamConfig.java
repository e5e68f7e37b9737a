package dev.gdn.node.events;

import java.net.URI;
import java.time.Duration;

/**
 * How a server offers OFREP event streams (SPEC §5).
 *
 * @param publicUrl       the origin clients reach this server's streams at, never a CDN's cached path
 *                        (e.g. the load-balanced node hostname); null: bulk bodies give the stream as a
 *                        path ({@code endpoint.requestUri}) that clients resolve against an origin they know
 * @param heartbeat       how often an idle stream sends a {@code heartbeat} event, so proxies and clients see it alive
 * @param inactivityDelay what bulk bodies advertise as {@code inactivityDelaySec} (ADR-0008)
 * @param maxStreams      open streams beyond this are refused with 503 and Retry-After (clients poll);
 *                        0: as many as the heap holds ({@link #streamsForHeap})
 * @param maxStreamAge    a stream ends after this (plus up to 10% jitter) so clients spread again over
 *                        nodes after deploys and scale-ups; they reconnect and re-fetch
 * @param refetchWait     how long a bulk request that names a newer configuration ({@code flagConfigEtag})
 *                        than the server holds waits for it to arrive before answering with what it has
 */
public record EventStreamConfig(URI publicUrl, Duration heartbeat, Duration inactivityDelay, int maxStreams,
                                Duration maxStreamAge, Duration refetchWait) {
    public static final EventStreamConfig DEFAULT = new EventStreamConfig(null, Duration.ofSeconds(15), Duration.ofSeconds(120),
            0, Duration.ofMinutes(30), Duration.ofSeconds(2));

    /**
     * An open stream holds about 30 KiB of heap (measured: Helidon's 8 KiB read and write buffers and
     * 4 KiB response buffer per connection, the parked virtual thread's stack, the request), so streams
     * past what the heap holds would end the node with an OutOfMemoryError: the default limit keeps
     * 96 MiB for everything else and allows 40 KiB a stream.
     */
    public static int streamsForHeap(long maxHeapBytes) {
        return (int) Math.max(100, Math.min(Integer.MAX_VALUE, (maxHeapBytes - 96L * 1024 * 1024) / (40L * 1024)));
    }

    /** The limit in force: {@link #maxStreams}, or what this JVM's heap holds. */
    public int effectiveMaxStreams() {
        return maxStreams > 0 ? maxStreams : streamsForHeap(Runtime.getRuntime().maxMemory());
    }

    public EventStreamConfig {
        if (heartbeat.isNegative() || heartbeat.isZero() || maxStreamAge.isNegative() || maxStreamAge.isZero()) {
            throw new IllegalArgumentException("event stream heartbeat and maximum age must be positive");
        }
        if (inactivityDelay.toSeconds() < 1) {
            throw new IllegalArgumentException("inactivityDelay must be at least 1 s");
        }
        if (maxStreams < 0) {
            throw new IllegalArgumentException("maxStreams must not be negative (0: as many as the heap holds)");
        }
        if (refetchWait.isNegative()) {
            throw new IllegalArgumentException("refetchWait must not be negative");
        }
        if (publicUrl != null && (publicUrl.getScheme() == null || publicUrl.getHost() == null
                || !(publicUrl.getScheme().equals("http") || publicUrl.getScheme().equals("https")))) {
            throw new IllegalArgumentException("the event stream public URL must be an absolute http(s) URL, not '" + publicUrl + "'");
        }
    }

    public EventStreamConfig withPublicUrl(URI url) {
        return new EventStreamConfig(url, heartbeat, inactivityDelay, maxStreams, maxStreamAge, refetchWait);
    }

    public EventStreamConfig withHeartbeat(Duration d) {
        return new EventStreamConfig(publicUrl, d, inactivityDelay, maxStreams, maxStreamAge, refetchWait);
    }

    public EventStreamConfig withMaxStreams(int n) {
        return new EventStreamConfig(publicUrl, heartbeat, inactivityDelay, n, maxStreamAge, refetchWait);
    }

    public EventStreamConfig withMaxStreamAge(Duration d) {
        return new EventStreamConfig(publicUrl, heartbeat, inactivityDelay, maxStreams, d, refetchWait);
    }
}
