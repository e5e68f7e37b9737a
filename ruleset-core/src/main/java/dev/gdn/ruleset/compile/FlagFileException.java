package dev.gdn.ruleset.compile;

import java.util.List;

/** A flag file that was rejected, with every problem found. Nothing was produced from it. */
public final class FlagFileException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient List<CompileProblem> problems;

    public FlagFileException(List<CompileProblem> problems) {
        super(describe(problems));
        this.problems = List.copyOf(problems);
    }

    public List<CompileProblem> problems() {
        return problems;
    }

    private static String describe(List<CompileProblem> problems) {
        StringBuilder sb = new StringBuilder("invalid flag file: ").append(problems.size())
                .append(problems.size() == 1 ? " problem" : " problems");
        for (CompileProblem p : problems) {
            sb.append("\n  ").append(p);
        }
        return sb.toString();
    }
}
