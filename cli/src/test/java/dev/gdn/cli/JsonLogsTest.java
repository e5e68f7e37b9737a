package dev.gdn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.ruleset.json.JsonReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --log-format json} / {@code GDN_LOG_FORMAT=json}: every line a real process writes is one JSON object. */
class JsonLogsTest {
    @TempDir
    Path dir;

    /** Parses every line as a JSON object with time, level, logger and message; returns them. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> jsonLines(List<String> lines, String what) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String line : lines) {
            Object parsed;
            try {
                parsed = JsonReader.standard().read(line);
            } catch (Exception e) {
                throw new AssertionError(what + ": not a JSON line: " + line, e);
            }
            assertTrue(parsed instanceof Map, what + ": not a JSON object: " + line);
            Map<String, Object> m = (Map<String, Object>) parsed;
            for (String field : List.of("time", "level", "logger", "message")) {
                assertTrue(m.get(field) instanceof String, what + ": no " + field + " in " + line);
            }
            assertTrue(((String) m.get("time")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z"), line);
            assertTrue(List.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE").contains(m.get("level")), line);
            out.add(m);
        }
        return out;
    }

    @Test
    void aServerWritesOnlyJsonLinesFromStartToStop() throws Exception {
        Path flags = dir.resolve("flags.json");
        Files.writeString(flags, GdnCommandTest.FLAGS);
        List<String> out;
        List<String> err;
        int exit;
        try (GdnProcess node = GdnProcess.start(dir, Map.of("GDN_LOG_FORMAT", "json"),
                "node", "--flags", flags.toString(), "--host", "127.0.0.1", "--port", "0", "--drain", "200ms")) {
            node.awaitPort("node", 30_000);
            node.close(); // SIGTERM: the drain and stop lines too
            out = node.out();
            err = node.err();
            exit = node.exit();
        }
        List<Map<String, Object>> logs = jsonLines(err, "stderr");
        jsonLines(out, "stdout");
        assertTrue(logs.stream().anyMatch(l -> ((String) l.get("logger")).startsWith("io.helidon")), "Helidon's own lines: " + err);
        // a clean start and stop logs no error (Helidon once printed a line to stderr on every start)
        assertTrue(logs.stream().noneMatch(l -> "ERROR".equals(l.get("level"))), String.join("\n", err));
        assertTrue(logs.stream().anyMatch(l -> "WARN".equals(l.get("level")) && ((String) l.get("message")).contains("WITHOUT API keys")),
                String.join("\n", err));
        assertTrue(logs.stream().anyMatch(l -> "dev.gdn.node.GdnNode".equals(l.get("logger"))
                && ((String) l.get("message")).startsWith("draining")), "shutdown is logged too (exit " + exit + "): " + err);
    }

    @Test
    void usageErrorsAndCommandErrorsAreJsonToo() throws Exception {
        GdnProcess usage = GdnProcess.run(dir, Map.of(), "--log-format", "json", "publish", "--env", "prod");
        assertEquals(ExitCodes.USAGE, usage.exit());
        List<Map<String, Object>> lines = jsonLines(usage.err(), "usage error");
        assertTrue(lines.stream().anyMatch(l -> ((String) l.get("message")).contains("Missing required option")), usage.all());

        GdnProcess missing = GdnProcess.run(dir, Map.of(), "eval", "--log-format=json", "--flags", "nope.json", "--context", "{}");
        assertEquals(ExitCodes.BAD_INPUT, missing.exit());
        Map<String, Object> line = jsonLines(missing.err(), "bad input").get(0);
        assertEquals("ERROR", line.get("level"));
        assertTrue(((String) line.get("message")).startsWith("gdn eval: ") && ((String) line.get("message")).contains("nope.json"), line.toString());
        assertTrue(missing.out().isEmpty(), missing.all());
    }

    @Test
    void textStaysTheDefault() throws Exception {
        GdnProcess missing = GdnProcess.run(dir, Map.of(), "eval", "--flags", "nope.json", "--context", "{}");
        assertEquals(ExitCodes.BAD_INPUT, missing.exit());
        assertTrue(missing.err().get(0).startsWith("gdn eval: "), missing.all());
        assertFalse(missing.all().contains("{\"time\""), missing.all());
        GdnProcess badFormat = GdnProcess.run(dir, Map.of(), "eval", "--log-format", "yaml", "--flags", "nope.json");
        assertEquals(ExitCodes.USAGE, badFormat.exit());
        assertTrue(badFormat.all().contains("'yaml' is not a log format (text or json)"), badFormat.all());
    }
}
