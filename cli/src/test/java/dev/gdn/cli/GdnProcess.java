package dev.gdn.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code gdn} command as a real child process (this test JVM's class path, a fresh JVM), so a test
 * sees every byte it writes to stdout and stderr: its own output, JUL and library logs alike. The
 * environment is cleared of AWS and OpenTelemetry variables unless the test sets them, so nothing in the
 * developer's shell changes what a test sees, and no call leaves loopback for cloud metadata.
 */
final class GdnProcess implements AutoCloseable {
    private final Process process;
    private final List<String> out = new ArrayList<>();
    private final List<String> err = new ArrayList<>();
    private final CompletableFuture<Void> outDone;
    private final CompletableFuture<Void> errDone;

    private GdnProcess(Process process) {
        this.process = process;
        // own threads: the common pool may have one thread on a 2-core machine, and these run as long as the process
        this.outDone = CompletableFuture.runAsync(() -> pump(process.inputReader(StandardCharsets.UTF_8), out),
                r -> Thread.ofPlatform().daemon().name("gdn-stdout").start(r));
        this.errDone = CompletableFuture.runAsync(() -> pump(process.errorReader(StandardCharsets.UTF_8), err),
                r -> Thread.ofPlatform().daemon().name("gdn-stderr").start(r));
    }

    static GdnProcess start(Path workDir, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:TieredStopAtLevel=1"); // short-lived: start fast
        cmd.add("-Xshare:auto");
        if (Runtime.version().feature() >= 23) {
            cmd.add("--sun-misc-unsafe-memory-access=allow");
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(GdnCommand.class.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("OTEL_") || k.startsWith("GDN_")
                || k.startsWith("GOOGLE_"));
        pb.environment().put("HOME", workDir.toString()); // no ~/.aws profile of the developer's
        pb.environment().put("AWS_EC2_METADATA_DISABLED", "true"); // never ask 169.254.169.254 for credentials
        pb.environment().put("NO_GCE_CHECK", "true");
        pb.environment().putAll(env);
        return new GdnProcess(pb.start());
    }

    /** Runs a command to its end (at most 60 s). */
    static GdnProcess run(Path workDir, Map<String, String> env, String... args) throws Exception {
        GdnProcess p = start(workDir, env, args);
        if (!p.process.waitFor(60, TimeUnit.SECONDS)) {
            p.close();
            throw new TimeoutException("gdn " + String.join(" ", args) + " did not finish within 60 s");
        }
        p.outDone.get(5, TimeUnit.SECONDS);
        p.errDone.get(5, TimeUnit.SECONDS);
        return p;
    }

    private static void pump(BufferedReader reader, List<String> lines) {
        try (reader) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    int exit() {
        return process.exitValue();
    }

    List<String> out() {
        synchronized (out) {
            return List.copyOf(out);
        }
    }

    List<String> err() {
        synchronized (err) {
            return List.copyOf(err);
        }
    }

    /** Every line, stdout then stderr. */
    String all() {
        return String.join("\n", out()) + "\n" + String.join("\n", err());
    }

    /** Waits for a line on stdout (or stderr) that matches; fails after the timeout or if the process ends. */
    String awaitLine(boolean stdout, Predicate<String> matches, long timeoutMillis) throws Exception {
        List<String> lines = stdout ? out : err;
        long deadline = System.currentTimeMillis() + timeoutMillis;
        int seen = 0;
        synchronized (lines) {
            while (true) {
                for (; seen < lines.size(); seen++) {
                    if (matches.test(lines.get(seen))) {
                        return lines.get(seen);
                    }
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0 || !process.isAlive() && seen == lines.size()) {
                    throw new AssertionError("no matching line " + (process.isAlive() ? "within " + timeoutMillis + " ms" : "(the process ended)")
                            + "\nstdout:\n" + String.join("\n", out()) + "\nstderr:\n" + String.join("\n", err()));
                }
                lines.wait(Math.min(left, 200));
            }
        }
    }

    /** The port of a server this process started: its stdout line {@code gdn SERVER listening on port N}. */
    int awaitPort(String server, long timeoutMillis) throws Exception {
        Pattern listening = Pattern.compile("gdn " + Pattern.quote(server) + " listening on port (\\d+)");
        Matcher m = listening.matcher(awaitLine(true, l -> listening.matcher(l).find(), timeoutMillis));
        if (!m.find()) {
            throw new AssertionError("unreachable: the line matched");
        }
        return Integer.parseInt(m.group(1));
    }

    long pid() {
        return process.pid();
    }

    /** SIGTERM, then waits for the exit (graceful shutdown), then kills whatever is left. */
    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            // through the handle: Process.destroy() also closes our ends of its pipes, losing its last lines
            process.toHandle().destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        outDone.get(5, TimeUnit.SECONDS);
        errDone.get(5, TimeUnit.SECONDS);
    }
}
