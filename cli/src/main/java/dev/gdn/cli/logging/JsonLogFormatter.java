package dev.gdn.cli.logging;

import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One JSON object a line: {@code time} (UTC, ISO-8601), {@code level}, {@code logger}, {@code message},
 * {@code thread}, {@code trace_id} and {@code span_id} when the line was logged inside a traced request
 * or task, and {@code exception} (the stack trace, escaped) when there is one. JUL handlers format on the
 * logging thread, so the current OpenTelemetry span is the one the line belongs to.
 */
final class JsonLogFormatter extends Formatter {
    @Override
    public String format(LogRecord r) {
        return LogLine.json(r.getInstant(), LogLine.jsonLevel(r.getLevel()), r.getLoggerName() == null ? "" : r.getLoggerName(),
                formatMessage(r), Thread.currentThread().getName(), r.getThrown()) + System.lineSeparator();
    }
}
