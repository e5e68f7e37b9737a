package dev.gdn.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Command-line durations: {@code 250ms}, {@code 10s}, {@code 5m}, {@code 1h}. */
final class Durations {
    private static final Pattern FORMAT = Pattern.compile("(\\d+)(ms|s|m|h)");

    private Durations() {
    }

    static Duration parse(String text, String option) {
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            throw new CliException(ExitCodes.USAGE, option + ": '" + text + "' is not a duration (e.g. 250ms, 10s, 5m, 1h)");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
        if (d.isZero()) {
            throw new CliException(ExitCodes.USAGE, option + " must be positive");
        }
        return d;
    }
}
