package dev.gdn.chaos.report;

import dev.gdn.ruleset.files.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** Writes every report of a run into one directory: report.json, junit.xml, report.html and each drill's charts as SVG. */
public final class Reports {
    private Reports() {
    }

    public static void write(List<DrillResult> results, Path dir, String worldDescription) throws IOException {
        Files.createDirectories(dir);
        write(dir.resolve("report.json"), JsonReport.render(results));
        write(dir.resolve("junit.xml"), JunitReport.render(results));
        write(dir.resolve("report.html"), HtmlReport.render(results, Instant.now(), worldDescription));
        Path charts = Files.createDirectories(dir.resolve("charts"));
        for (DrillResult r : results) {
            if (r.error() == null) {
                write(charts.resolve(r.name() + "-answers.svg"), Charts.answersByTier(r));
                write(charts.resolve(r.name() + "-latency.svg"), Charts.latency(r));
                write(charts.resolve(r.name() + "-errors.svg"), Charts.errors(r));
                write(charts.resolve(r.name() + "-versions.svg"), Charts.versions(r));
            }
        }
    }

    private static void write(Path file, String text) throws IOException {
        AtomicFile.write(file, text.getBytes(StandardCharsets.UTF_8));
    }
}
