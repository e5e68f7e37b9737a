package dev.gdn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.gdn.node.GdnNode;
import dev.gdn.node.NodeConfig;
import dev.gdn.node.http.CdnPolicy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * fly.toml and the Dockerfile cannot be exercised here (no Docker, no Fly): this checks that what
 * fly.toml names exists and agrees with the image and the node — the Dockerfile, the port, the health
 * path (a real route, on a real node), the env vars (each read by the entrypoint or the node), the kill
 * timeout against the drain, and the machine size.
 */
class DeployConfigTest {
    private static Path root;
    private static JsonNode fly;
    private static Dockerfile docker;
    private static String entrypoint;

    @BeforeAll
    static void load() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("fly.toml"))) {
            dir = dir.getParent();
        }
        assertNotNull(dir, "fly.toml not found above " + Path.of("").toAbsolutePath());
        root = dir;
        fly = new TomlMapper().readTree(root.resolve("fly.toml").toFile());
        String dockerfile = text(fly, "build", "dockerfile");
        Path df = root.resolve(dockerfile);
        assertTrue(Files.isRegularFile(df), "[build] dockerfile " + dockerfile + " does not exist");
        docker = Dockerfile.parse(Files.readString(df));
        String ep = docker.entrypointScript();
        Path script = root.resolve(docker.finalStageSourceOf(ep));
        assertTrue(Files.isExecutable(script), "the entrypoint " + script + " must exist and be executable");
        entrypoint = Files.readString(script);
    }

    private static String text(JsonNode node, String... path) {
        JsonNode n = node;
        for (String p : path) {
            n = n.path(p);
        }
        assertFalse(n.isMissingNode(), "fly.toml has no " + String.join(".", path));
        return n.asText();
    }

    @Test
    void appAndRegionAreSet() {
        assertFalse(text(fly, "app").isBlank());
        assertTrue(text(fly, "primary_region").matches("[a-z]{3}"), "primary_region is a Fly region code");
    }

    @Test
    void theImageListensOnTheInternalPort() {
        int internal = fly.path("http_service").path("internal_port").asInt();
        assertTrue(internal > 0, "http_service.internal_port");
        assertEquals(List.of(Integer.toString(internal)), docker.finalStage("EXPOSE"), "the final stage EXPOSEs internal_port");
        assertEquals(Integer.toString(internal), docker.finalEnv().get("PORT"), "the image's PORT (the node's --port default)");
        String flyPort = fly.path("env").path("PORT").asText(null);
        if (flyPort != null) {
            assertEquals(Integer.toString(internal), flyPort, "[env] PORT");
        }
        assertTrue(optionDefault("--port").contains("${env:PORT"), "gdn node reads PORT");
        assertFalse(entrypoint.contains("--port"), "the entrypoint leaves the port to PORT");
    }

    @Test
    void theBuildStageCopiesEveryModuleTheRootPomLists() throws Exception {
        // Maven refuses a reactor whose listed module directories are missing.
        String pom = Files.readString(root.resolve("pom.xml"));
        String modules = pom.substring(pom.indexOf("<modules>"), pom.indexOf("</modules>"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<module>([^<]+)</module>").matcher(modules);
        List<String> copied = docker.localCopySources();
        while (m.find()) {
            assertTrue(copied.contains(m.group(1)), "the Dockerfile does not COPY module " + m.group(1));
        }
    }

    @Test
    void everyLocalFileTheDockerfileCopiesExists() {
        for (String src : docker.localCopySources()) {
            assertTrue(Files.exists(root.resolve(src)), "Dockerfile COPY source " + src + " does not exist");
        }
        for (String script : List.of("deploy/jlink-runtime.sh", "deploy/aot-train.sh", "deploy/entrypoint.sh")) {
            assertTrue(Files.isExecutable(root.resolve(script)), script + " must be executable");
        }
    }

    @Test
    void theMachineIsStoppedGracefullyAndKeptRunning() {
        assertEquals("SIGTERM", text(fly, "kill_signal"));
        Duration kill = flyDuration(fly.path("kill_timeout"));
        String drainText = fly.path("env").path("GDN_DRAIN").asText(optionDefault("--drain"));
        Duration drain = Durations.parse(drainText, "GDN_DRAIN");
        // GdnNode.drainAndStop: readiness 503 for drain/2, then server.stop() with a grace period of drain.
        Duration needed = drain.plus(drain.dividedBy(2));
        assertTrue(kill.compareTo(needed) >= 0, "kill_timeout " + kill + " must cover the node's drain (1.5 × " + drain + ")");

        JsonNode http = fly.path("http_service");
        JsonNode autoStop = http.path("auto_stop_machines");
        assertTrue(autoStop.asText().equals("off") || autoStop.isBoolean() && !autoStop.asBoolean(), "auto_stop_machines off");
        assertTrue(http.path("min_machines_running").asInt() >= 1, "min_machines_running ≥ 1");
    }

    @Test
    void theMachineHas256MbAndTheHeapFits() {
        JsonNode vm = fly.path("vm");
        assertTrue(vm.isArray() && vm.size() == 1, "one [[vm]]");
        JsonNode v = vm.get(0);
        long mb = v.has("memory_mb") ? v.get("memory_mb").asLong() : megabytes(v.path("memory").asText());
        assertEquals(256, mb);
        // An AOT cache is only used under the JVM options it was trained with: fly.toml must not differ.
        String flyOpts = fly.path("env").path("GDN_JAVA_OPTS").asText(null);
        String imageOpts = docker.finalEnv().get("GDN_JAVA_OPTS");
        assertNotNull(imageOpts, "the image sets GDN_JAVA_OPTS for the training run and the node");
        if (flyOpts != null) {
            assertEquals(imageOpts, flyOpts, "fly.toml GDN_JAVA_OPTS must equal the options the AOT cache was trained with");
        }
        Matcher xmx = Pattern.compile("-Xmx(\\d+)([mMgG])").matcher(imageOpts);
        assertTrue(xmx.find(), "GDN_JAVA_OPTS sets -Xmx");
        long heap = Long.parseLong(xmx.group(1)) * (xmx.group(2).equalsIgnoreCase("g") ? 1024 : 1);
        assertTrue(heap <= mb * 2 / 3, "-Xmx" + heap + "m leaves room for metaspace, code and threads in " + mb + " MB");
    }

    @Test
    void everyEnvVarIsReadByTheEntrypointOrTheNode() {
        JsonNode env = fly.path("env");
        assertTrue(env.size() > 0, "[env]");
        List<String> unread = new ArrayList<>();
        for (Iterator<String> it = env.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            boolean byScript = entrypoint.contains("${" + name + ":") || entrypoint.contains("${" + name + "}")
                    || entrypoint.contains("$" + name + " ") || entrypoint.contains("\"$" + name + "\"");
            boolean byNode = nodeOptions().stream().anyMatch(o -> o.defaultValue() != null && o.defaultValue().contains("${env:" + name));
            if (!byScript && !byNode) {
                unread.add(name);
            }
        }
        assertEquals(List.of(), unread, "[env] variables nothing reads");
    }

    @Test
    void storesUseSchemesTheNodeKnows() {
        String stores = text(fly, "env", "GDN_STORES");
        for (String uri : stores.trim().split("\\s+")) {
            assertTrue(Set.of("file", "s3", "gs").contains(URI.create(uri).getScheme()), uri);
        }
        String trust = text(fly, "env", "GDN_TRUST");
        for (String file : trust.trim().split("\\s+")) {
            Path parent = Path.of(file).getParent();
            assertTrue(docker.finalStageText().contains(parent.toString()), "the image creates " + parent + " for " + file);
        }
    }

    @Test
    void theHealthCheckPathIsARealReadinessRoute() throws Exception {
        JsonNode checks = fly.path("http_service").path("checks");
        assertTrue(checks.isArray() && checks.size() >= 1, "[[http_service.checks]]");
        JsonNode check = checks.get(0);
        assertEquals("GET", check.path("method").asText("GET").toUpperCase());
        String path = check.path("path").asText();
        assertEquals("/health/ready", path);

        Path flags = root.resolve("examples/flags.json");
        NodeConfig config = new NodeConfig("127.0.0.1", 0, "test", "deploy-config-test", List.of(), List.of(), Set.of(), null,
                flags, null, null, Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofMillis(200), CdnPolicy.DEFAULT);
        try (GdnNode node = GdnNode.start(config); HttpClient http = HttpClient.newHttpClient()) {
            HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
                    .timeout(Duration.ofSeconds(5)).GET().build();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            int status;
            do {
                status = http.send(get, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200) {
                    break;
                }
                Thread.sleep(50);
            } while (System.nanoTime() < deadline);
            assertEquals(200, status, path + " once the node is ready");
            assertTrue(flyDuration(check.path("timeout")).compareTo(Duration.ofSeconds(1)) >= 0, "check timeout ≥ 1s");
        }
    }

    @Test
    void nodesGoToEveryListedRegionOneMachineEach() throws IOException {
        Path list = root.resolve("deploy/fly/regions.txt");
        List<String> regions = Files.readAllLines(list).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertFalse(regions.isEmpty(), list + " lists no region");
        assertEquals(regions.size(), Set.copyOf(regions).size(), list + " lists a region twice");
        for (String code : regions) {
            // a typo would place a machine nowhere (or the scale would fail half-way): every code must be a known Fly region
            dev.gdn.regions.catalog.RegionCatalog.standard().region(code);
        }
        assertEquals(text(fly, "primary_region"), regions.getFirst(), "the first listed region is fly.toml's primary_region");
        Path script = root.resolve("deploy/fly/deploy-nodes.sh");
        assertTrue(Files.isExecutable(script), script + " must be executable");
        String sh = Files.readString(script);
        assertTrue(sh.contains("deploy/fly/regions.txt"), "the script reads the region list");
        assertTrue(sh.contains("$ROOT/fly.toml"), "the script deploys the node app's fly.toml");
        assertTrue(sh.contains("--max-per-region 1"), "one machine per region");
        assertTrue(sh.contains("fly scale count \"${#regions[@]}\""), "as many machines as regions");
    }

    // ---------------------------------------------------------------- helpers

    private static List<OptionSpec> nodeOptions() {
        // raw defaults, e.g. "${env:PORT:-8080}", not their values in this JVM
        CommandLine node = new CommandLine(new NodeCommand());
        node.setInterpolateVariables(false);
        return node.getCommandSpec().options();
    }

    private static String optionDefault(String name) {
        return nodeOptions().stream().filter(o -> List.of(o.names()).contains(name)).findFirst()
                .map(OptionSpec::defaultValue).orElseThrow();
    }

    /** Fly durations: a number of seconds, or a string such as "15s", "500ms", "1m". */
    private static Duration flyDuration(JsonNode n) {
        assertFalse(n.isMissingNode(), "missing duration");
        return n.isNumber() ? Duration.ofSeconds(n.asLong()) : Durations.parse(n.asText(), "fly.toml");
    }

    private static long megabytes(String memory) {
        Matcher m = Pattern.compile("(?i)(\\d+)\\s*(mb|gb)?").matcher(memory.trim());
        if (!m.matches()) {
            fail("memory '" + memory + "'");
        }
        long n = Long.parseLong(m.group(1));
        return "gb".equalsIgnoreCase(m.group(2)) ? n * 1024 : n;
    }

    /** Just enough of a Dockerfile parser: stages, instructions with continuations joined. */
    record Dockerfile(List<List<String[]>> stages) {
        static Dockerfile parse(String text) {
            List<List<String[]>> stages = new ArrayList<>();
            StringBuilder logical = new StringBuilder();
            for (String raw : text.split("\n", -1)) {
                String line = raw.strip();
                if (logical.isEmpty() && (line.isEmpty() || line.startsWith("#"))) {
                    continue;
                }
                if (line.startsWith("#")) {
                    continue; // a comment inside a continued instruction
                }
                if (line.endsWith("\\")) {
                    logical.append(line, 0, line.length() - 1).append(' ');
                    continue;
                }
                logical.append(line);
                String instruction = logical.toString().strip();
                logical.setLength(0);
                if (instruction.isEmpty()) {
                    continue;
                }
                String[] parts = instruction.split("\\s+", 2);
                String[] ins = {parts[0].toUpperCase(), parts.length > 1 ? parts[1] : ""};
                if (ins[0].equals("FROM")) {
                    stages.add(new ArrayList<>());
                }
                if (!stages.isEmpty()) {
                    stages.getLast().add(ins);
                }
            }
            assertTrue(stages.size() >= 2, "a multi-stage Dockerfile");
            return new Dockerfile(stages);
        }

        List<String[]> last() {
            return stages.getLast();
        }

        List<String> finalStage(String instruction) {
            return last().stream().filter(i -> i[0].equals(instruction)).map(i -> i[1]).toList();
        }

        String finalStageText() {
            StringBuilder b = new StringBuilder();
            last().forEach(i -> b.append(i[0]).append(' ').append(i[1]).append('\n'));
            return b.toString();
        }

        Map<String, String> finalEnv() {
            Map<String, String> env = new LinkedHashMap<>();
            Pattern kv = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"([^\"]*)\"|(\\S*))");
            for (String args : finalStage("ENV")) {
                Matcher m = kv.matcher(args);
                while (m.find()) {
                    env.put(m.group(1), m.group(3) != null ? m.group(3) : m.group(4));
                }
            }
            return env;
        }

        /** The exec-form ENTRYPOINT's program, which must be a script the final stage copies in. */
        String entrypointScript() {
            List<String> eps = finalStage("ENTRYPOINT");
            assertEquals(1, eps.size(), "one ENTRYPOINT in the final stage");
            Matcher m = Pattern.compile("^\\[\\s*\"([^\"]+)\"").matcher(eps.getFirst());
            assertTrue(m.find(), "exec-form ENTRYPOINT (so the JVM gets SIGTERM): " + eps.getFirst());
            return m.group(1);
        }

        /** The repository file a final-stage COPY puts at {@code target} (a file or into a directory). */
        String finalStageSourceOf(String target) {
            for (String args : finalStage("COPY")) {
                if (args.startsWith("--from")) {
                    continue;
                }
                String[] words = args.trim().split("\\s+");
                String dest = words[words.length - 1];
                for (int i = 0; i < words.length - 1; i++) {
                    String src = words[i];
                    String name = src.substring(src.lastIndexOf('/') + 1);
                    if (dest.equals(target) || (dest.endsWith("/") && (dest + name).equals(target))) {
                        return src;
                    }
                }
            }
            return fail("no final-stage COPY puts a repository file at " + target);
        }

        List<String> localCopySources() {
            List<String> sources = new ArrayList<>();
            for (List<String[]> stage : stages) {
                for (String[] i : stage) {
                    if (i[0].equals("COPY") && !i[1].contains("--from")) {
                        String[] words = i[1].trim().split("\\s+");
                        for (int w = 0; w < words.length - 1; w++) {
                            if (!words[w].startsWith("--")) {
                                sources.add(words[w]);
                            }
                        }
                    }
                }
            }
            return sources;
        }
    }
}
