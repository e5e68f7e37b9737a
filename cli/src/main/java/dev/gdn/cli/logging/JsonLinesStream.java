package dev.gdn.cli.logging;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Turns every line written to it into one JSON log line on the stream below: for what is printed to
 * {@code System.err} directly rather than logged (the command's own error messages, picocli's usage
 * text, a library's notice or {@code printStackTrace}).
 */
final class JsonLinesStream extends OutputStream {
    private final PrintStream target;
    private final String logger;
    private final String level;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

    JsonLinesStream(PrintStream target, String logger, String level) {
        this.target = target;
        this.logger = logger;
        this.level = level;
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            emit();
        } else {
            line.write(b);
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    private void emit() {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.isBlank()) {
            return;
        }
        // The command's own messages ("gdn publish: …") are errors unless they say warning; what a library
        // prints to stderr by itself is most often a notice, so WARN under the logger "stderr".
        boolean ours = text.startsWith("gdn ") || text.startsWith("gdn:");
        String lvl = !"ERROR".equals(level) ? level
                : ours && !text.toLowerCase(java.util.Locale.ROOT).contains("warning") ? "ERROR" : "WARN";
        target.println(LogLine.json(Instant.now(), lvl, ours || !"ERROR".equals(level) ? logger : "stderr", text, null, null));
        target.flush();
    }

    @Override
    public synchronized void flush() {
        target.flush();
    }
}
