package dev.gdn.cli.logging;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.logging.Level;

/** The fields of one log line, and their two renderings: text and a JSON object. */
final class LogLine {
    private LogLine() {
    }

    /** The trace and span of the current request or task, when there is one (OpenTelemetry context). */
    static SpanContext currentSpan() {
        SpanContext span = Span.current().getSpanContext();
        return span.isValid() ? span : null;
    }

    /** JUL's level names mapped to the ones log pipelines know (ERROR, WARN, INFO, DEBUG, TRACE). */
    static String jsonLevel(Level level) {
        int v = level.intValue();
        return v >= Level.SEVERE.intValue() ? "ERROR"
                : v >= Level.WARNING.intValue() ? "WARN"
                : v >= Level.INFO.intValue() ? "INFO"
                : v >= Level.FINE.intValue() ? "DEBUG" : "TRACE";
    }

    static String time(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    }

    static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString().stripTrailing();
    }

    /** One JSON object, on one line (newlines in the message or the stack trace are escaped). */
    static String json(Instant time, String level, String logger, String message, String thread, Throwable thrown) {
        StringBuilder b = new StringBuilder(128 + message.length());
        b.append("{\"time\":\"").append(time(time)).append('"');
        field(b, "level", level);
        field(b, "logger", logger);
        field(b, "message", message);
        if (thread != null) {
            field(b, "thread", thread);
        }
        SpanContext span = currentSpan();
        if (span != null) {
            field(b, "trace_id", span.getTraceId());
            field(b, "span_id", span.getSpanId());
        }
        if (thrown != null) {
            field(b, "exception", stackTrace(thrown));
        }
        return b.append('}').toString();
    }

    private static void field(StringBuilder b, String name, String value) {
        b.append(",\"").append(name).append("\":\"");
        escape(b, value == null ? "" : value);
        b.append('"');
    }

    static void escape(StringBuilder b, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
    }
}
