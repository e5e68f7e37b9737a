package dev.gdn.node.server;

import java.lang.System.Logger.Level;
import java.util.function.Consumer;

/**
 * What the process does when a listener stops accepting while its server still runs (Helidon ends a listener on an
 * accept error such as "Too many open files" and carries on without it). A library only logs; the {@code gdn}
 * command installs an action that exits with a distinct code, so a supervisor restarts the process.
 */
public final class ListenerDeath {
    private static final System.Logger LOG = System.getLogger(ListenerDeath.class.getName());
    private static volatile Consumer<String> action = why -> { };

    private ListenerDeath() {
    }

    /** Once, at process start (the gdn command). */
    public static void onDeath(Consumer<String> processAction) {
        action = processAction;
    }

    static void died(String why) {
        LOG.log(Level.ERROR, why);
        action.accept(why);
    }
}
