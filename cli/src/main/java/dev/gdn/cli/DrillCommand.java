package dev.gdn.cli;

import dev.gdn.chaos.drill.Drill;
import dev.gdn.chaos.drill.DrillCatalog;
import dev.gdn.chaos.drill.DrillSuite;
import dev.gdn.chaos.drill.Timings;
import dev.gdn.chaos.load.LoadPlan;
import dev.gdn.chaos.report.DrillResult;
import dev.gdn.chaos.world.WorldFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "drill",
        description = {"Chaos drills against a running world (`gdn world up`): steady state, fault, hold, heal, verify, with real clients",
            "reading flags in every region and every answer checked against local evaluation of the version it names.",
            "Reports (report.html with charts, report.json, junit.xml) go to --out. Exit 0 when every drill passed, 1 otherwise."},
        mixinStandardHelpOptions = true,
        subcommands = {DrillCommand.ListDrills.class, DrillCommand.Run.class, DrillCommand.All.class})
final class DrillCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: list, run or all");
    }

    @Command(name = "list", description = "List every drill and what it proves.", mixinStandardHelpOptions = true)
    static final class ListDrills implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            for (Drill d : DrillCatalog.all()) {
                out.printf("%-26s %s%n", d.name(), d.title());
                out.println(wrap(d.proves(), 27));
            }
            return ExitCodes.OK;
        }
    }

    /** The options every run shares. */
    static final class RunOptions {
        @Option(names = "--world", paramLabel = "DIR",
                description = "the directory of a running world (its world.json); without it the drills start a world of their own (`gdn world up`) and stop it after")
        Path world;

        @Option(names = "--regions", paramLabel = "CODES",
                description = "the regions of the drills' own world (default ams,iad,syd; ams,iad with --quick)")
        String regions;

        @Option(names = "--port", defaultValue = "4790", paramLabel = "N", description = "the port of the drills' own world (default: ${DEFAULT-VALUE})")
        int port;

        @Option(names = "--out", paramLabel = "DIR", description = "where the reports go (default: a new drill-reports/TIMESTAMP folder)")
        Path out;

        @Option(names = "--quick", description = "short phases (4 s steady, 7 s hold, 6 s verify): each drill within 20 s")
        boolean quick;

        @Option(names = "--steady", paramLabel = "DURATION", description = "steady state before the fault (default 8s; 4s with --quick)")
        String steady;

        @Option(names = "--hold", paramLabel = "DURATION", description = "how long the fault is held (default 15s; 7s with --quick)")
        String hold;

        @Option(names = "--verify", paramLabel = "DURATION", description = "after the heal, to recover and converge (default 12s; 6s with --quick)")
        String verify;

        Timings timings() {
            Timings base = quick ? Timings.QUICK : Timings.FULL;
            try {
                return new Timings(steady == null ? base.steady() : Durations.parse(steady, "--steady"),
                        hold == null ? base.hold() : Durations.parse(hold, "--hold"),
                        verify == null ? base.verify() : Durations.parse(verify, "--verify"));
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, e.getMessage());
            }
        }

        int run(List<Drill> drills, PrintWriter out) {
            Path dir = this.out != null ? this.out : DrillSuite.defaultOut();
            Timings timings = timings();
            OwnWorld own = null;
            try {
                if (world == null) {
                    own = OwnWorld.start(regions != null ? regions : quick ? "ams,iad" : "ams,iad,syd", port, out);
                }
                List<DrillResult> results = DrillSuite.run(own != null ? own.dir() : world, drills, timings, LoadPlan.DEFAULT, dir, out);
                return results.stream().allMatch(DrillResult::passed) ? ExitCodes.OK : ExitCodes.PARTIAL;
            } catch (WorldFile.BadWorldFile e) {
                throw new CliException(ExitCodes.BAD_INPUT, e.getMessage());
            } catch (IOException e) {
                throw new CliException(ExitCodes.CANNOT_WRITE, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(ExitCodes.INTERNAL, "interrupted");
            } finally {
                if (own != null) {
                    out.println("stopping the drills' world");
                    out.flush();
                    own.close();
                }
            }
        }
    }

    @Command(name = "run", description = "Run the named drills, in order.", mixinStandardHelpOptions = true)
    static final class Run implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "NAME", description = "drills to run (`gdn drill list` names them)")
        List<String> names = new ArrayList<>();

        @Mixin
        RunOptions options;

        @Override
        public Integer call() {
            List<Drill> drills = new ArrayList<>();
            for (String n : names) {
                drills.add(DrillCatalog.find(n).orElseThrow(() -> new CliException(ExitCodes.USAGE, "no drill named '" + n
                        + "' (drills: " + String.join(", ", DrillCatalog.all().stream().map(Drill::name).toList()) + ")")));
            }
            return options.run(drills, spec.commandLine().getOut());
        }
    }

    @Command(name = "all", description = "Run every drill, in the order `gdn drill list` shows.", mixinStandardHelpOptions = true)
    static final class All implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        RunOptions options;

        @Override
        public Integer call() {
            return options.run(DrillCatalog.all(), spec.commandLine().getOut());
        }
    }

    static String wrap(String text, int indent) {
        StringBuilder b = new StringBuilder();
        StringBuilder line = new StringBuilder(" ".repeat(indent));
        for (String word : text.split(" ")) {
            if (line.length() + word.length() > 110 && line.length() > indent) {
                b.append(line).append('\n');
                line = new StringBuilder(" ".repeat(indent));
            }
            line.append(word).append(' ');
        }
        return b.append(line.toString().stripTrailing()).toString();
    }
}
