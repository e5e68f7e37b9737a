package dev.gdn.chaos.drill;

import dev.gdn.chaos.load.LoadPlan;
import dev.gdn.chaos.report.DrillResult;
import dev.gdn.chaos.report.Reports;
import dev.gdn.chaos.report.TerminalSummary;
import dev.gdn.chaos.world.HttpWorldControl;
import dev.gdn.chaos.world.World;
import dev.gdn.chaos.world.WorldControl;
import dev.gdn.chaos.world.WorldFile;
import dev.gdn.chaos.world.WorldStores;
import dev.gdn.ruleset.envelope.TrustedKeys;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs drills one after another against a running world and writes the reports: the entry point of
 * {@code gdn drill run} and {@code gdn drill all}. Each drill starts from whatever the previous one left
 * healed; a drill that cannot run is reported as such and the others still run.
 */
public final class DrillSuite {
    private DrillSuite() {
    }

    /** The default report directory: a new timestamped folder under {@code drill-reports/}. */
    public static Path defaultOut() {
        return Path.of("drill-reports", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }

    /**
     * @param progress where progress lines and the summary go
     * @return every drill's result, in order
     */
    public static List<DrillResult> run(Path worldDir, List<Drill> drills, Timings timings, LoadPlan plan, Path out, PrintWriter progress)
            throws WorldFile.BadWorldFile, IOException {
        World world = WorldFile.read(worldDir);
        TrustedKeys trusted = WorldStores.trusted(world);
        List<DrillResult> results = new ArrayList<>();
        progress.printf("drills against the world in %s (%d regions: %s), %s steady, %s hold, %s verify each%n", worldDir,
                world.regions().size(), String.join(", ", world.regionCodes()), timings.steady().toSeconds() + " s",
                timings.hold().toSeconds() + " s", timings.verify().toSeconds() + " s");
        progress.flush();
        try (WorldControl control = HttpWorldControl.of(world)) {
            DrillRunner runner = new DrillRunner(world, control, trusted, plan, timings, line -> {
                progress.println("  " + line);
                progress.flush();
            });
            String described = world.regions().size() + " regions (" + String.join(", ", world.regionCodes()) + ") in " + worldDir;
            for (Drill d : drills) {
                results.add(runner.run(d));
                Reports.write(results, out, described); // after each drill: a long run interrupted still has its reports
            }
        }
        progress.println();
        progress.print(TerminalSummary.render(results));
        progress.println("reports: " + out.toAbsolutePath().resolve("report.html") + " (and report.json, junit.xml, charts/)");
        progress.flush();
        return results;
    }
}
