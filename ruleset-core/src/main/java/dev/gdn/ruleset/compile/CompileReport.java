package dev.gdn.ruleset.compile;

import java.util.List;

/**
 * Everything the compiler found in one flag file (what {@code gdn lint} prints).
 *
 * @param problems every file error and flag warning, in document order
 * @param flagSet  the compiled flags, or null when there is a file error
 */
public record CompileReport(List<CompileProblem> problems, FlagSet flagSet) {
    public CompileReport {
        problems = List.copyOf(problems);
    }

    public boolean hasErrors() {
        return flagSet == null;
    }

    public List<CompileProblem> warnings() {
        return problems.stream().filter(p -> !p.isError()).toList();
    }
}
