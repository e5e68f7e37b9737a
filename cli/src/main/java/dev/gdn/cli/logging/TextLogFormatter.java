package dev.gdn.cli.logging;

import io.opentelemetry.api.trace.SpanContext;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/** {@code 2026-12-04T16:39:38.911Z WARNING logger: message [trace_id=… span_id=…]}, then any stack trace. */
final class TextLogFormatter extends Formatter {
    @Override
    public String format(LogRecord r) {
        StringBuilder b = new StringBuilder(128);
        b.append(LogLine.time(r.getInstant())).append(' ').append(r.getLevel().getName()).append(' ')
                .append(r.getLoggerName()).append(": ").append(formatMessage(r));
        SpanContext span = LogLine.currentSpan();
        if (span != null) {
            b.append(" [trace_id=").append(span.getTraceId()).append(" span_id=").append(span.getSpanId()).append(']');
        }
        b.append(System.lineSeparator());
        if (r.getThrown() != null) {
            b.append(LogLine.stackTrace(r.getThrown())).append(System.lineSeparator());
        }
        return b.toString();
    }
}
