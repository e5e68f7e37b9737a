package dev.gdn.regions.world;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One child process of the world: how to start it, how to know it is ready, how to stop it. Stopping
 * sends its stop signal (or runs its own stop), waits, then kills it and whatever it started, so nothing
 * outlives the world.
 */
public final class Part {
    public enum State { NOT_STARTED, STARTING, READY, EXITED, STOPPED }

    /** Starts the process once more. */
    @FunctionalInterface
    public interface Launcher {
        Running start() throws IOException;
    }

    /**
     * A started process.
     *
     * @param exit how it ended, for a person ("exited with code 1"); asked only once it has
     * @param stop its own graceful stop, or null for the part's stop signal
     */
    public record Running(ProcessHandle handle, java.util.function.Supplier<String> exit, Runnable stop) {
    }

    private final String name;
    private final String kind;
    private final String region;
    private final Path log;
    private final String stopSignal;
    private final Probe probe;
    private final Launcher launcher;
    private Running running; // guarded by this
    private volatile State state = State.NOT_STARTED;
    private volatile long startedAtNanos;

    /**
     * A command run with its output in {@code log}, stdin a pipe from the world.
     *
     * @param kind       what it is: postgres, s3proxy, classic, sync, node, belt_cdn, suspenders_cdn
     * @param region     the region it serves, or null for a shared part
     * @param stopSignal TERM, or INT for PostgreSQL (its fast shutdown; TERM waits for every client)
     */
    public Part(String name, String kind, String region, List<String> command, Map<String, String> environment, Path log,
                String stopSignal, Probe probe) {
        this(name, kind, region, log, stopSignal, probe, () -> {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "---- " + Instant.now() + " " + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.PIPE);
            pb.environment().putAll(environment);
            Process p = pb.start();
            return new Running(p.toHandle(), () -> "exited with code " + p.exitValue(), null);
        });
    }

    /** A process some other code starts (e.g. a Varnish POP), known by its handle. */
    public Part(String name, String kind, String region, Path log, String stopSignal, Probe probe, Launcher launcher) {
        this.name = name;
        this.kind = kind;
        this.region = region;
        this.log = log;
        this.stopSignal = stopSignal;
        this.probe = probe;
        this.launcher = launcher;
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

    /** The part as JSON: name, kind, region, state, pid, log. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("kind", kind);
        m.put("region", region);
        m.put("state", state().name());
        m.put("pid", pid().orElse(null));
        m.put("log", log.toString());
        return m;
    }

    public State state() {
        State s = state;
        if ((s == State.READY || s == State.STARTING) && !alive()) {
            return State.EXITED;
        }
        return s;
    }

    public void start() throws IOException {
        synchronized (this) {
            if (running != null && running.handle().isAlive()) {
                throw new IllegalStateException(name + " is running already (pid " + running.handle().pid() + ")");
            }
            state = State.STARTING;
            startedAtNanos = System.nanoTime();
        }
        Running r = launcher.start();
        synchronized (this) {
            running = r;
        }
    }

    /** Waits until the probe says ready; a part that dies or stays unready fails with the end of its log. */
    public void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Running r = current();
            if (r == null) {
                throw new WorldException(name + " was never started");
            }
            if (!r.handle().isAlive()) {
                state = State.EXITED;
                throw new WorldException(name + " " + r.exit().get() + " while starting; the end of " + log + ":\n" + tail(15));
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

    private synchronized Running current() {
        return running;
    }

    /** Seconds since the last start, for the progress lines. */
    public double secondsSinceStart() {
        return (System.nanoTime() - startedAtNanos) / 1e9;
    }

    public Optional<Long> pid() {
        Running r = current();
        return r == null ? Optional.empty() : Optional.of(r.handle().pid());
    }

    public boolean alive() {
        Running r = current();
        return r != null && r.handle().isAlive();
    }

    /**
     * Stops the process: its own stop or its stop signal, up to {@code grace} to exit, then SIGKILL for it and
     * every process it started (PostgreSQL backends, Varnish's child) that is still there.
     */
    public void stop(Duration grace) {
        Running r = current();
        if (r == null) {
            return;
        }
        ProcessHandle h = r.handle();
        List<ProcessHandle> family = new ArrayList<>(h.descendants().toList());
        if (h.isAlive()) {
            if (r.stop() != null) {
                r.stop().run();
            } else {
                signal(h, stopSignal);
            }
            try {
                h.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                h.destroyForcibly();
                awaitExit(h);
            } catch (InterruptedException e) {
                h.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        family.forEach(ProcessHandle::destroyForcibly);
        state = State.STOPPED;
    }

    /** SIGKILL, as a drill does; the part shows EXITED until started again. */
    public void kill() {
        Running r = current();
        if (r != null) {
            List<ProcessHandle> family = r.handle().descendants().toList();
            r.handle().destroyForcibly();
            family.forEach(ProcessHandle::destroyForcibly);
            awaitExit(r.handle());
        }
    }

    private static void awaitExit(ProcessHandle h) {
        try {
            h.onExit().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // still there after SIGKILL and 5 s: nothing more to do
        }
    }

    /**
     * Memory of the process and its descendants, in bytes, or 0 when not running: the proportional set size
     * (PSS: pages shared by several processes, like PostgreSQL's shared buffers, counted once in total), so
     * the parts' figures add up to what the world costs the machine.
     */
    public long rssBytes() {
        Running r = current();
        if (r == null || !r.handle().isAlive()) {
            return 0;
        }
        long total = rss(r.handle().pid());
        for (ProcessHandle h : r.handle().descendants().toList()) {
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

    private static void signal(ProcessHandle h, String signal) {
        if ("TERM".equals(signal)) {
            h.destroy();
            return;
        }
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(h.pid())).inheritIO().start().waitFor(2, TimeUnit.SECONDS);
        } catch (IOException e) {
            h.destroy();
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
