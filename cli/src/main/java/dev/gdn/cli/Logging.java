package dev.gdn.cli;

import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * One-line log records on stderr. Tool commands log warnings and errors only; servers log INFO.
 * {@code GDN_LOG_LEVEL} (e.g. FINE, INFO, WARNING) overrides both.
 */
final class Logging {
    private Logging() {
    }

    static void configure(Level defaultLevel) {
        if (System.getProperty("java.util.logging.config.file") != null) {
            return; // the operator configured logging themselves
        }
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
        Level level = defaultLevel;
        String env = System.getenv("GDN_LOG_LEVEL");
        if (env != null && !env.isBlank()) {
            try {
                level = Level.parse(env.trim().toUpperCase());
            } catch (IllegalArgumentException e) {
                System.err.println("gdn: ignoring GDN_LOG_LEVEL=" + env + " (use SEVERE, WARNING, INFO, FINE)");
            }
        }
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Handler handler = new ConsoleHandler();
        handler.setFormatter(new SimpleFormatter());
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
        root.setLevel(level);
    }
}
