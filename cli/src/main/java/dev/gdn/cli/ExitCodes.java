package dev.gdn.cli;

/** Process exit codes of the {@code gdn} command, documented in {@code gdn --help}. */
public final class ExitCodes {
    /** Everything done. */
    public static final int OK = 0;
    /** Done, but some items failed (e.g. bad lines in a --contexts file); see stderr. */
    public static final int PARTIAL = 1;
    /** Wrong command-line usage. */
    public static final int USAGE = 2;
    /** Bad input: unreadable file, invalid JSON, invalid flag file, invalid context. */
    public static final int BAD_INPUT = 3;
    /** A signature or hash did not verify, or the key is not trusted. */
    public static final int NOT_VERIFIED = 4;
    /** Could not write the output (disk, permissions, existing file). */
    public static final int CANNOT_WRITE = 5;
    /** No store accepted the publication, or none could be read. */
    public static final int NO_STORE = 6;
    /** {@code gdn world}: the world could not start (directory in use, an address taken, a part that failed) or be read. */
    public static final int WORLD = 7;
    /** A server could not listen: its port is in use, not local, or needs privileges. */
    public static final int CANNOT_LISTEN = 8;
    /**
     * A running server's listener stopped accepting connections (e.g. it ran out of file descriptors): the process
     * exits so that its supervisor restarts it, rather than stay up unable to serve.
     */
    public static final int LISTENER_DIED = 9;
    /** A bug: an unexpected internal error. */
    public static final int INTERNAL = 70;

    private ExitCodes() {
    }
}
