package dev.gdn.node.server;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * File-descriptor head-room at start-up. On Linux the JVM raises its soft limit to the hard limit at launch
 * ({@code -XX:+MaxFDLimit}, on by default), so the limit read here is already the highest this process can get;
 * what is left after the descriptors already open bounds the connections a listener may accept, with a reserve for
 * stores, logs, the disk cache and outgoing connections.
 */
final class FileDescriptors {
    static final int RESERVE = 256;
    private static final System.Logger LOG = System.getLogger(FileDescriptors.class.getName());

    private FileDescriptors() {
    }

    /**
     * @return how many connections the listener may hold open: {@code wanted}, or fewer (with a warning) when the
     * descriptors left do not allow it
     */
    static int connectionBudget(String server, int wanted) {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (!(os instanceof UnixOperatingSystemMXBean unix)) {
            return wanted;
        }
        long max = unix.getMaxFileDescriptorCount();
        long free = max - unix.getOpenFileDescriptorCount() - RESERVE;
        if (free >= wanted) {
            return wanted;
        }
        int budget = (int) Math.max(64, free);
        LOG.log(Level.WARNING, "{0}: only {1,number,#} file descriptors left of {2,number,#} (ulimit -n): accepting at most"
                + " {3,number,#} connections instead of {4,number,#}; raise the hard limit (ulimit -Hn, LimitNOFILE=) for more",
                server, free + RESERVE, max, budget, wanted);
        return budget;
    }
}
