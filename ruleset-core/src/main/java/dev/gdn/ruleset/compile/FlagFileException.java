package dev.gdn.ruleset.compile;

import java.util.List;

/**
 * A flag file that was rejected: every problem found (file errors, and the warnings found beside them),
 * in document order. Nothing was produced from it.
 */
public final class FlagFileException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient List<CompileProblem> problems;

    public FlagFileException(List<CompileProblem> problems) {
        super(describe(problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem, errors and warnings. */
    public List<CompileProblem> problems() {
        return problems;
    }

    /** The problems that rejected the file. */
    public List<CompileProblem> errors() {
        return problems.stream().filter(CompileProblem::isError).toList();
    }

    private static String describe(List<CompileProblem> problems) {
        long errors = problems.stream().filter(CompileProblem::isError).count();
        StringBuilder sb = new StringBuilder("invalid flag file: ").append(errors).append(errors == 1 ? " error" : " errors");
        long warnings = problems.size() - errors;
        if (warnings > 0) {
            sb.append(", ").append(warnings).append(warnings == 1 ? " warning" : " warnings");
        }
        for (CompileProblem p : problems) {
            sb.append("\n  ").append(p);
        }
        return sb.toString();
    }
}
