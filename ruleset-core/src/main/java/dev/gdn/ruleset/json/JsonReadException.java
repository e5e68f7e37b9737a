package dev.gdn.ruleset.json;

/** Malformed JSON, or JSON beyond the reader's limits; the message names the line and column. */
public final class JsonReadException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int line;
    private final int column;

    public JsonReadException(String message, int line, int column) {
        super(line > 0 ? message + " (line " + line + ", column " + column + ")" : message);
        this.line = line;
        this.column = column;
    }

    /** 1-based line of the problem, or 0 when unknown. */
    public int line() {
        return line;
    }

    /** 1-based column of the problem, or 0 when unknown. */
    public int column() {
        return column;
    }
}
