package dev.gdn.regions.world;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One child process of the world: how to start it, how to know it is ready, how to stop it. Its output
 * goes to {@code DIR/logs/NAME.log}. Stopping sends its stop signal, waits, then kills it and whatever it
 * started, so nothing outlives the world.
 */
public final class Part {
    public enum State { NOT_STARTED, STARTING, READY, EXITED, STOPPED }

    private final String name;
    private final String kind;
    private final String region;
    private final List<String> command;
    private final Map<String, String> environment;
    private final Path log;
    private final String stopSignal;
    private final Probe probe;
    private Process process; // guarded by this
    private volatile State state = State.NOT_STARTED;
    private volatile long startedAtNanos;

    /**
     * @param kind       what it is: postgres, s3proxy, classic, sync, node, belt_cdn, suspenders_cdn
     * @param region     the region it serves, or null for a shared part
     * @param stopSignal TERM, or INT for PostgreSQL (its fast shutdown; TERM waits for every client)
     */
    public Part(String name, String kind, String region, List<String> command, Map<String, String> environment, Path log,
                String stopSignal, Probe probe) {
        this.name = name;
        this.kind = kind;
        this.region = region;
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
        this.log = log;
        this.stopSignal = stopSignal;
        this.probe = probe;
    }

    public String name() {
        return name;
    }

    public String kind() {
        return kind;
    }

    public String region() {
        return region;
    }

    public Path log() {
        return log;
    }

    public List<String> command() {
        return command;
    }

    public State state() {
        State s = state;
        if ((s == State.READY || s == State.STARTING) && !alive()) {
            return State.EXITED;
        }
        return s;
    }

    public synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is running already (pid " + process.pid() + ")");
        }
        Files.createDirectories(log.getParent());
        Files.writeString(log, "---- " + java.time.Instant.now() + " " + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().putAll(environment);
        state = State.STARTING;
        startedAtNanos = System.nanoTime();
        process = pb.start();
    }

    /** Waits until the probe says ready; a part that dies or stays unready fails with the end of its log. */
    public void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Process p;
            synchronized (this) {
                p = process;
            }
            if (p == null) {
                throw new WorldException(name + " was never started");
            }
            if (!p.isAlive()) {
                state = State.EXITED;
                throw new WorldException(name + " exited with code " + p.exitValue() + " while starting; the end of " + log + ":\n"
                        + tail(15));
            }
            try {
                if (probe.ready()) {
                    state = State.READY;
                    return;
                }
            } catch (Exception e) {
                // not ready yet
            }
            if (System.nanoTime() > deadline) {
                throw new WorldException(name + " was not ready within " + timeout.toSeconds() + " s; the end of " + log + ":\n" + tail(15));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WorldException("interrupted while waiting for " + name);
            }
        }
    }

    /** Seconds from start to ready, for the progress lines. */
    public double secondsSinceStart() {
        return (System.nanoTime() - startedAtNanos) / 1e9;
    }

    public synchronized Optional<Long> pid() {
        return process == null ? Optional.empty() : Optional.of(process.pid());
    }

    public synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    /**
     * Stops the process: its stop signal, up to {@code grace} to exit, then SIGKILL for it and every process
     * it started (PostgreSQL backends, Varnish's child) that is still there.
     */
    public void stop(Duration grace) {
        Process p;
        synchronized (this) {
            p = process;
        }
        if (p == null) {
            return;
        }
        List<ProcessHandle> family = new ArrayList<>(p.descendants().toList());
        if (p.isAlive()) {
            signal(p.pid(), stopSignal);
            try {
                if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        for (ProcessHandle h : family) {
            h.destroyForcibly();
        }
        state = State.STOPPED;
    }

    /** SIGKILL, as a drill does; the part shows EXITED until started again. */
    public void kill() {
        Process p;
        synchronized (this) {
            p = process;
        }
        if (p != null) {
            List<ProcessHandle> family = p.descendants().toList();
            p.destroyForcibly();
            family.forEach(ProcessHandle::destroyForcibly);
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Memory of the process and its descendants, in bytes, or 0 when not running: the proportional set size
     * (PSS: pages shared by several processes, like PostgreSQL's shared buffers, counted once in total), so
     * the parts' figures add up to what the world costs the machine.
     */
    public long rssBytes() {
        Process p;
        synchronized (this) {
            p = process;
        }
        if (p == null || !p.isAlive()) {
            return 0;
        }
        long total = rss(p.pid());
        for (ProcessHandle h : p.descendants().toList()) {
            total += rss(h.pid());
        }
        return total;
    }

    static long rss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // gone meanwhile, or no smaps_rollup (kernel < 4.14)
        }
        return 0;
    }

    private static void signal(long pid, String signal) {
        if ("TERM".equals(signal)) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
            return;
        }
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor(2, TimeUnit.SECONDS);
        } catch (IOException e) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last lines of the part's log. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "  " + String.join("\n  ", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "  (no log: " + e.getMessage() + ")";
        }
    }
}
