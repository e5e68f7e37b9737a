package dev.gdn.ruleset.compile;

/** One problem in a flag file: where (an RFC 6901 JSON pointer, "" for the whole document) and what. */
public record CompileProblem(String pointer, String message) {
    @Override
    public String toString() {
        return (pointer.isEmpty() ? "(document)" : pointer) + ": " + message;
    }
}
