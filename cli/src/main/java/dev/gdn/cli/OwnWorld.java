package dev.gdn.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The world `gdn drill` starts for itself when no --world is given: `gdn world up` as a child process
 * (this JVM's launcher and class path), in a temporary directory, ready once its world.json appears;
 * closing it sends SIGTERM (the world stops every part it started), waits, and removes the directory.
 */
final class OwnWorld implements AutoCloseable {
    /** A loaded 2-core machine has taken over two minutes to bring a 2-region world up. */
    private static final Duration READY = Duration.ofMinutes(5);

    private final Path dir;
    private final Process process;
    /** Ctrl-C on `gdn drill` still stops the world. */
    private final Thread onExit = new Thread(this::stop, "gdn-drill-world-stop");

    private OwnWorld(Path dir, Process process) {
        this.dir = dir;
        this.process = process;
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    Path dir() {
        return dir;
    }

    static OwnWorld start(String regions, int port, PrintWriter out) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("gdn-drill-world-");
        Path log = dir.resolve("world-up.log");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // flags the world's JVM needs as much as this one (Unsafe and native access on JDK 23+)
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--sun-misc-unsafe-memory-access") || a.startsWith("--enable-native-access"))
                .forEach(cmd::add);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), GdnCommand.class.getName(), "world", "up",
                "--dir", dir.toString(), "--regions", regions, "--port", Integer.toString(port)));
        out.println("starting a world for the drills in " + dir + " (" + regions + ", port " + port + "; its log: " + log
                + "); it stops when they end");
        out.flush();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        OwnWorld world = new OwnWorld(dir, p);
        long end = System.nanoTime() + READY.toNanos();
        while (!Files.exists(dir.resolve("world.json"))) {
            if (!p.isAlive() || System.nanoTime() > end) {
                String tail = tail(log);
                world.close();
                throw new CliException(ExitCodes.INTERNAL, "the drills' world did not come up" + (p.isAlive() ? " within "
                        + READY.toMinutes() + " min" : " (gdn world up exited " + p.exitValue() + ")") + "; its last output:\n" + tail);
            }
            Thread.sleep(250);
        }
        return world;
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to: it stops the world
        }
        stop();
    }

    private void stop() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(90, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless; the world's processes are what mattered
        }
    }
}
