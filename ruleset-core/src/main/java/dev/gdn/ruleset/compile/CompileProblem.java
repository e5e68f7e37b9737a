package dev.gdn.ruleset.compile;

/**
 * One problem in a flag file (SPEC §1): where (an RFC 6901 JSON pointer, "" for the whole document), how
 * bad, and what. An {@link Level#ERROR} rejects the file; a {@link Level#WARNING} is isolated to its flag,
 * which then evaluates as flagd does.
 */
public record CompileProblem(Level level, String pointer, String message) {
    public enum Level {
        /** A file error: no ruleset is produced. */
        ERROR,
        /** A flag warning: the file is valid; the flag evaluates as flagd does (refused under --strict). */
        WARNING;

        /** The lower-case word lint output and JSON bodies use. */
        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static CompileProblem error(String pointer, String message) {
        return new CompileProblem(Level.ERROR, pointer, message);
    }

    public static CompileProblem warning(String pointer, String message) {
        return new CompileProblem(Level.WARNING, pointer, message);
    }

    public boolean isError() {
        return level == Level.ERROR;
    }

    /** The same problem as a file error (what {@code --strict} makes of a warning). */
    public CompileProblem asError() {
        return isError() ? this : error(pointer, message);
    }

    /** {@code {"pointer", "level", "message"}}: how lint --json and the admin API write a problem. */
    public java.util.Map<String, Object> toJson() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("pointer", pointer);
        m.put("level", level.word());
        m.put("message", message);
        return m;
    }

    /** {@code POINTER: level: message}, the form every command prints after the file name. */
    @Override
    public String toString() {
        return (pointer.isEmpty() ? "(document)" : pointer) + ": " + level.word() + ": " + message;
    }
}
