package dev.gdn.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code gdn world up} started the way a person starts it: its own JVM (the test's class path), every
 * part a child process, output appended to a log. Shared by the tests that need a real world.
 */
final class WorldProcess {
    static final Duration START_TIMEOUT = Duration.ofSeconds(240);

    private WorldProcess() {
    }

    /** Runs {@code gdn ARGS…} in a child JVM, its output appended to {@code output}. */
    static Process launch(Path output, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--sun-misc-unsafe-memory-access") || a.startsWith("--enable-native-access")).toList());
        cmd.addAll(List.of("-Xmx128m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), "dev.gdn.cli.GdnCommand"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        // the surefire class path is a manifest-only jar far from cli/target/tools: say where S3Proxy is
        pb.environment().put("GDN_S3PROXY_JAR", Path.of("target/tools/s3proxy.jar").toAbsolutePath().toString());
        return pb.start();
    }

    /**
     * Starts a world in {@code dir} on a random control port (another one if that port is taken) and
     * returns once its world.json exists; fails the test with the world's output otherwise.
     */
    static Process up(Path dir, Path output, String regions, String... extra) throws Exception {
        for (int attempt = 0; ; attempt++) {
            int port = 20000 + ThreadLocalRandom.current().nextInt(10000);
            List<String> args = new ArrayList<>(List.of("world", "up", "--dir", dir.toString(), "--regions", regions, "--port", Integer.toString(port)));
            args.addAll(List.of(extra));
            Process world = launch(output, args.toArray(String[]::new));
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (!Files.exists(dir.resolve("world.json")) && world.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            if (Files.exists(dir.resolve("world.json"))) {
                return world;
            }
            String out = Files.readString(output);
            if (!world.isAlive() && out.contains("is taken") && attempt < 2) {
                continue; // a port another process holds: try another
            }
            world.destroy();
            return fail("the world did not come up within " + START_TIMEOUT.toSeconds() + " s:\n" + out);
        }
    }

    /** SIGTERM, as Ctrl-C would; anything still alive after 60 s is killed. Returns whether it exited in time. */
    static boolean down(Process world) throws InterruptedException {
        List<ProcessHandle> family = world.descendants().toList();
        world.destroy();
        boolean exited = world.waitFor(60, TimeUnit.SECONDS);
        family.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        if (!exited) {
            world.destroyForcibly();
        }
        return exited;
    }
}
