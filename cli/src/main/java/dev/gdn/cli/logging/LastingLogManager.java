package dev.gdn.cli.logging;

import java.util.logging.LogManager;

/**
 * JUL's LogManager, minus the reset it does in its own shutdown hook: that reset removes every handler
 * while other shutdown hooks still run, so a server's last lines (draining, stopped) were lost. Logging
 * stays as {@link Logging} set it up until the process is gone. Installed by {@link Logging#install()}
 * through {@code java.util.logging.manager}, before anything touches java.util.logging.
 */
public final class LastingLogManager extends LogManager {
    @Override
    public void reset() {
        // not at shutdown, and not by anyone else: Logging replaces the root handler itself
    }
}
