package dev.gdn.cli.logging;

import java.io.PrintStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * Where every log line of the {@code gdn} command goes, and in which form. Everything logs through
 * java.util.logging: our code (System.Logger), Helidon, and the libraries that use SLF4J (through
 * slf4j-jdk14). One handler on the root logger writes each record to stderr as text or as one JSON
 * object. In JSON mode, lines printed to stderr directly (the command's own messages, usage errors)
 * become JSON objects too, and so do the servers' status lines on stdout.
 *
 * <p>Tool commands log warnings and errors only; servers log INFO. {@code GDN_LOG_LEVEL} (SEVERE,
 * WARNING, INFO, FINE, …) overrides both. A {@code java.util.logging.config.file} given by the
 * operator wins over all of this.
 */
public final class Logging {
    private static LogFormat format = LogFormat.TEXT;
    private static PrintStream stdout = System.out;
    private static PrintStream stderr = System.err;

    private Logging() {
    }

    /**
     * First thing in {@code main}, before anything touches java.util.logging: keeps logging up through
     * the shutdown hooks ({@link LastingLogManager}). An operator's own {@code java.util.logging.manager}
     * wins.
     */
    public static void install() {
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", LastingLogManager.class.getName());
        }
    }

    /** At process start, before anything logs: the format of every line this process writes. */
    public static synchronized void start(LogFormat f) {
        format = f;
        stdout = System.out;
        stderr = System.err;
        if (f == LogFormat.JSON) {
            System.setErr(new PrintStream(new JsonLinesStream(stderr, "gdn", "ERROR"), true, StandardCharsets.UTF_8));
        }
        configure(Level.WARNING);
    }

    public static synchronized LogFormat format() {
        return format;
    }

    /** Sets the level (servers: INFO), unless GDN_LOG_LEVEL says otherwise. */
    public static synchronized void configure(Level defaultLevel) {
        if (System.getProperty("java.util.logging.config.file") != null) {
            return; // the operator configured logging themselves
        }
        Level level = defaultLevel;
        String env = System.getenv("GDN_LOG_LEVEL");
        String badLevel = null;
        if (env != null && !env.isBlank()) {
            try {
                level = Level.parse(env.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                badLevel = env;
            }
        }
        LogManager.getLogManager().reset(); // (a no-op under LastingLogManager, hence the removal below)
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        root.addHandler(handler(format == LogFormat.JSON ? new JsonLogFormatter() : new TextLogFormatter()));
        root.setLevel(level);
        if (badLevel != null) {
            System.getLogger(Logging.class.getName()).log(System.Logger.Level.WARNING, "ignoring GDN_LOG_LEVEL={0} (use SEVERE, WARNING, INFO, FINE)", badLevel);
        }
    }

    private static Handler handler(Formatter formatter) {
        StreamHandler h = new StreamHandler(stderr, formatter) {
            @Override
            public synchronized void publish(LogRecord record) {
                super.publish(record);
                flush(); // a line is on stderr when it is logged, not when a buffer fills
            }

            @Override
            public synchronized void close() {
                flush(); // never close the process's stderr
            }
        };
        try {
            h.setEncoding(StandardCharsets.UTF_8.name());
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException(e);
        }
        h.setLevel(Level.ALL);
        return h;
    }

    /**
     * A status line for scripts and operators on stdout (e.g. {@code gdn node listening on port 8080}):
     * as it is, or in JSON mode as a JSON log line (INFO) whose message is that text.
     */
    public static synchronized void status(String line) {
        if (format == LogFormat.JSON) {
            stdout.println(LogLine.json(Instant.now(), "INFO", "gdn", line, Thread.currentThread().getName(), null));
        } else {
            stdout.println(line);
        }
        stdout.flush();
    }
}
