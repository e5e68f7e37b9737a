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
        Duration d;
        try {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
            d.toNanos(); // every user of a duration may need it in nanoseconds
        } catch (NumberFormatException | ArithmeticException e) {
            throw new CliException(ExitCodes.USAGE, option + ": '" + text + "' is too long a duration");
        }
        if (d.isZero()) {
            throw new CliException(ExitCodes.USAGE, option + " must be positive");
        }
        return d;
    }

    /** {@code d} as {@link #parse} reads it: whole seconds ({@code 10s}), else milliseconds ({@code 250ms}). */
    static String format(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}
