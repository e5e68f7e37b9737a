package dev.gdn.chaos.world;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Signals to the world's processes by pid. Java can only terminate a process it did not start; pausing
 * and resuming (SIGSTOP, SIGCONT) go through {@code kill(1)}.
 */
public final class Processes {
    /** The signals a drill sends. */
    public enum Signal { KILL, TERM, STOP, CONT }

    private Processes() {
    }

    /**
     * Sends the signal; for KILL and TERM waits up to {@code 10 s} for the process to be gone.
     *
     * @throws IOException when there is no such process or the signal could not be sent
     */
    public static void signal(long pid, Signal signal) throws IOException, InterruptedException {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) {
            throw new IOException("no process " + pid);
        }
        switch (signal) {
            case KILL, TERM -> {
                boolean sent = signal == Signal.KILL ? h.get().destroyForcibly() : h.get().destroy();
                if (!sent) {
                    throw new IOException("could not signal process " + pid + " (" + signal + ")");
                }
                try {
                    h.get().onExit().get(10, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    throw new IOException("process " + pid + " still alive 10 s after " + signal);
                }
            }
            case STOP, CONT -> {
                Process p = new ProcessBuilder("kill", "-" + signal.name(), Long.toString(pid)).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
                if (p.waitFor() != 0) {
                    throw new IOException("kill -" + signal.name() + " " + pid + " failed: " + out);
                }
            }
        }
    }
}
