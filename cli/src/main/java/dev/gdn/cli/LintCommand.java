package dev.gdn.cli;

import dev.gdn.ruleset.compile.CompileProblem;
import dev.gdn.ruleset.compile.CompileReport;
import dev.gdn.ruleset.compile.FlagdCompiler;
import dev.gdn.ruleset.json.JsonWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** What a flag repository's CI runs: every problem of every file, one per line, and an exit code to gate on. */
@Command(name = "lint",
        description = {"Check flagd flag files (SPEC §1) and print every problem as FILE:POINTER: level: message.",
            "File errors reject a file everywhere; flag warnings leave it valid (the flag evaluates as flagd does).",
            "Exit 0 when there is no file error (and, with --strict, no warning), 1 with warnings only under --strict,"
                + " 2 when any file has an error or cannot be read."},
        mixinStandardHelpOptions = true,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:no file error (no warning either, with --strict)", "1:warnings only, with --strict",
            "2:a file error, an unreadable file, or wrong usage"})
final class LintCommand implements Callable<Integer> {
    static final int CLEAN = 0;
    static final int WARNINGS = 1;
    static final int ERRORS = 2;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "flagd flag-definition JSON files")
    List<Path> files = new ArrayList<>();

    @Option(names = "--strict", description = "warnings fail the check too (exit 1)")
    boolean strict;

    @Option(names = "--json", description = "print one JSON document: {\"files\": [{\"file\", \"errors\", \"warnings\", \"problems\": [{\"pointer\", \"level\", \"message\"}]}]}")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        boolean anyError = false;
        boolean anyWarning = false;
        List<Object> reports = new ArrayList<>();
        for (Path file : files) {
            List<CompileProblem> problems;
            try {
                CompileReport report = FlagdCompiler.check(InputFiles.read(file, "flag file"));
                problems = report.problems();
            } catch (CliException e) {
                problems = List.of(CompileProblem.error("", e.getMessage().startsWith(file + ": ")
                        ? e.getMessage().substring(file.toString().length() + 2) : e.getMessage()));
            }
            long errors = problems.stream().filter(CompileProblem::isError).count();
            anyError |= errors > 0;
            anyWarning |= problems.size() > errors;
            if (json) {
                List<Object> list = new ArrayList<>(problems.stream().map(CompileProblem::toJson).toList());
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("file", file.toString());
                r.put("errors", errors);
                r.put("warnings", problems.size() - errors);
                r.put("problems", list);
                reports.add(r);
            } else {
                problems.forEach(p -> out.println(InputFiles.line(file, p)));
            }
        }
        if (json) {
            out.println(JsonWriter.toJson(Map.of("files", reports)));
        }
        out.flush();
        if (anyError) {
            return ERRORS;
        }
        return strict && anyWarning ? WARNINGS : CLEAN;
    }
}
