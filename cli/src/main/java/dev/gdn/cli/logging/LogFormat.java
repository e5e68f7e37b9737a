package dev.gdn.cli.logging;

import java.util.Locale;
import java.util.Map;

/** How the {@code gdn} command writes its log lines: plain text (the default) or one JSON object a line. */
public enum LogFormat {
    TEXT, JSON;

    public static final String OPTION = "--log-format";
    public static final String ENV = "GDN_LOG_FORMAT";

    /**
     * The format asked for: {@code --log-format X} (or {@code --log-format=X}) anywhere before {@code --},
     * else {@code GDN_LOG_FORMAT}, else text. Read before the command line is parsed, so that even a
     * usage error is written in the format asked for; picocli validates the option itself.
     */
    public static LogFormat resolve(String[] args, Map<String, String> env) {
        String value = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--")) {
                break;
            }
            if (args[i].equals(OPTION) && i + 1 < args.length) {
                value = args[++i];
            } else if (args[i].startsWith(OPTION + "=")) {
                value = args[i].substring(OPTION.length() + 1);
            }
        }
        if (value == null) {
            value = env.get(ENV);
        }
        return "json".equalsIgnoreCase(value == null ? "" : value.trim()) ? JSON : TEXT;
    }

    /** For picocli: case-insensitive. */
    public static LogFormat parse(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
