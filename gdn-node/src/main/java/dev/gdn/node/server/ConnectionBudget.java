package dev.gdn.node.server;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * How many connections a listener can hold without the process running out of what each one costs, checked at
 * start-up: file descriptors and heap.
 * <p>
 * Descriptors: on Linux the JVM raises its soft limit to the hard limit at launch ({@code -XX:+MaxFDLimit}, on by
 * default), so the limit read here is already the highest this process can get; what is left after the descriptors
 * already open, less a reserve for stores, logs, the disk cache and outgoing connections, bounds the connections.
 * <p>
 * Heap: Helidon 4.5 keeps about 22 KiB of heap per open HTTP/1 connection, even one that never sent a byte
 * (measured: 4,000 idle connections took 90 MB of a 160 MiB heap, bench/abuse-bench.sh); a cap the heap cannot hold
 * ends in an OutOfMemoryError, so at most half the maximum heap goes to connections.
 */
final class ConnectionBudget {
    static final int FD_RESERVE = 256;
    static final long HEAP_PER_CONNECTION = 24 * 1024;
    private static final System.Logger LOG = System.getLogger(ConnectionBudget.class.getName());

    private ConnectionBudget() {
    }

    /**
     * @return how many connections the listener may hold open: {@code wanted}, or fewer (with a warning that says
     * what to raise) when the descriptors or the heap do not allow it
     */
    static int of(String server, int wanted) {
        int budget = wanted;
        long heapBound = Runtime.getRuntime().maxMemory() / 2 / HEAP_PER_CONNECTION;
        if (heapBound < budget) {
            budget = (int) Math.max(64, heapBound);
            LOG.log(Level.INFO, "{0}: accepting at most {1,number,#} connections: half of the {2,number,#} MiB heap at ~{3} KiB"
                    + " each (-Xmx for more)", server, budget, Runtime.getRuntime().maxMemory() >> 20, HEAP_PER_CONNECTION >> 10);
        }
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof UnixOperatingSystemMXBean unix) {
            long max = unix.getMaxFileDescriptorCount();
            long free = max - unix.getOpenFileDescriptorCount() - FD_RESERVE;
            if (free < budget) {
                int wantedHere = budget;
                budget = (int) Math.max(64, free);
                LOG.log(Level.WARNING, "{0}: only {1,number,#} file descriptors left of {2,number,#} (ulimit -n): accepting at"
                        + " most {3,number,#} connections instead of {4,number,#}; raise the hard limit (ulimit -Hn, LimitNOFILE=)"
                        + " for more", server, free + FD_RESERVE, max, budget, wantedHere);
            }
        }
        return budget;
    }
}
