package dev.gdn.regions.cdn;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Everything one POP is started with.
 *
 * @param name             the POP's name: varnishd's identity, shown in {@code Via} (e.g. {@code belt-ams})
 * @param role             belt (GDN nodes) or suspenders (classic API)
 * @param host             listen address
 * @param port             listen port; 0 picks a free one (read back with {@link VarnishPop#port()})
 * @param origins          in order of preference: the first healthy one answers, a failed attempt goes on to the next
 * @param workDir          the POP's own directory: generated VCL, varnishd's working directory, its log. When
 *                         varnishd runs as root it reads the VCL as user {@code varnish}, so every parent
 *                         directory must be searchable by others
 * @param cacheMiB         cache memory (varnishd {@code -s malloc})
 * @param probeInterval    how often each origin's {@code /health/ready} is probed; 2 failures in the last 3
 *                         probes mark it sick (a refused connection also moves a request on at once)
 * @param connectTimeout   per origin connection attempt
 * @param firstByteTimeout per origin response (event streams get an hour)
 */
public record VarnishPopConfig(String name, PopRole role, String host, int port, List<Origin> origins, Path workDir,
                               int cacheMiB, Duration probeInterval, Duration connectTimeout, Duration firstByteTimeout) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    public static final int DEFAULT_CACHE_MIB = 64;
    public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofMillis(500);
    public static final Duration DEFAULT_FIRST_BYTE_TIMEOUT = Duration.ofSeconds(5);

    public VarnishPopConfig {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("POP name must be letters, digits, '.', '_' or '-' (at most 63), not '" + name + "'");
        }
        if (role == null) {
            throw new IllegalArgumentException("POP " + name + ": no role");
        }
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("POP " + name + ": no listen host");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("POP " + name + ": listen port must be 0-65535, not " + port);
        }
        origins = List.copyOf(origins);
        if (origins.isEmpty()) {
            throw new IllegalArgumentException("POP " + name + ": no origins");
        }
        if (workDir == null) {
            throw new IllegalArgumentException("POP " + name + ": no work dir");
        }
        workDir = workDir.toAbsolutePath().normalize();
        if (cacheMiB < 1) {
            throw new IllegalArgumentException("POP " + name + ": cache must be at least 1 MiB, not " + cacheMiB);
        }
        requirePositive(name, "probe interval", probeInterval);
        requirePositive(name, "connect timeout", connectTimeout);
        requirePositive(name, "first byte timeout", firstByteTimeout);
    }

    private static void requirePositive(String name, String what, Duration d) {
        if (d == null || d.toMillis() < 1) {
            throw new IllegalArgumentException("POP " + name + ": " + what + " must be at least 1 ms, not " + d);
        }
    }

    /** A belt POP: the region's own node first, the other regions' nodes as fallbacks in this order. */
    public static VarnishPopConfig belt(String name, String host, int port, Path workDir, Origin regionNode, List<Origin> fallbacks) {
        List<Origin> all = new ArrayList<>();
        all.add(regionNode);
        all.addAll(fallbacks);
        return new VarnishPopConfig(name, PopRole.BELT, host, port, all, workDir, DEFAULT_CACHE_MIB, DEFAULT_PROBE_INTERVAL,
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_FIRST_BYTE_TIMEOUT);
    }

    /** A suspenders POP in front of the classic API (one instance, or several in order of preference). */
    public static VarnishPopConfig suspenders(String name, String host, int port, Path workDir, List<Origin> classic) {
        return new VarnishPopConfig(name, PopRole.SUSPENDERS, host, port, classic, workDir, DEFAULT_CACHE_MIB, DEFAULT_PROBE_INTERVAL,
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_FIRST_BYTE_TIMEOUT);
    }

    public VarnishPopConfig withProbeInterval(Duration interval) {
        return new VarnishPopConfig(name, role, host, port, origins, workDir, cacheMiB, interval, connectTimeout, firstByteTimeout);
    }

    public VarnishPopConfig withTimeouts(Duration connect, Duration firstByte) {
        return new VarnishPopConfig(name, role, host, port, origins, workDir, cacheMiB, probeInterval, connect, firstByte);
    }

    public VarnishPopConfig withCacheMiB(int mib) {
        return new VarnishPopConfig(name, role, host, port, origins, workDir, mib, probeInterval, connectTimeout, firstByteTimeout);
    }

    public VarnishPopConfig withPort(int listenPort) {
        return new VarnishPopConfig(name, role, host, listenPort, origins, workDir, cacheMiB, probeInterval, connectTimeout,
                firstByteTimeout);
    }
}
