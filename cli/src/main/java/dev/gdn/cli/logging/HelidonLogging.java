package dev.gdn.cli.logging;

import io.helidon.logging.common.spi.LoggingProvider;

/**
 * Tells Helidon that logging is configured: {@link Logging} sets up java.util.logging itself, first thing
 * in {@code main}. Without a provider on the class path, Helidon's {@code LogConfig} prints "There is no
 * Helidon logging implementation on classpath" to stderr when a server starts: a stray line in text mode
 * and an ERROR-level object in {@code --log-format json}, on every start of every server.
 */
public final class HelidonLogging implements LoggingProvider {
    @Override
    public void initialization() {
        // Logging.start has configured java.util.logging already
    }

    @Override
    public void runTime() {
        // nothing to redo at run time: the same configuration serves
    }
}
