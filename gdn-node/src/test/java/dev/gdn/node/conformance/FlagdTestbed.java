package dev.gdn.node.conformance;

import dev.gdn.ruleset.json.JsonReadException;
import dev.gdn.ruleset.json.JsonReader;
import dev.gdn.ruleset.json.JsonWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The flagd conformance suite (flagd-testbed v3.9.0), read from {@code ../shared/flagd-testbed} beside the
 * repository root. It is never copied into the repository; a checkout without it fails loudly here.
 */
public final class FlagdTestbed {
    /** The merged file flagd's launchpad serves ({@code flags/allFlags.json}): every flag file but selector-*. */
    public static final String MERGED = "flags/allFlags.json";
    private static final String RAW = "rawflags/";

    private FlagdTestbed() {
    }

    /**
     * The testbed directory: {@code -Dgdn.flagd.testbed=DIR}, else {@code ../shared/flagd-testbed} relative
     * to the repository root (found by walking up from the working directory to the {@code mvnw} script).
     *
     * @throws IllegalStateException when it is missing, naming where it was looked for
     */
    public static Path root() {
        String override = System.getProperty("gdn.flagd.testbed");
        Path dir;
        if (override != null) {
            dir = Path.of(override);
        } else {
            Path repo = Path.of("").toAbsolutePath();
            while (repo != null && !Files.exists(repo.resolve("mvnw"))) {
                repo = repo.getParent();
            }
            if (repo == null) {
                throw new IllegalStateException("flagd testbed: cannot find the repository root (no mvnw above "
                        + Path.of("").toAbsolutePath() + ")");
            }
            dir = repo.resolve("../shared/flagd-testbed").normalize();
        }
        if (!Files.isDirectory(dir.resolve("gherkin")) || !Files.isDirectory(dir.resolve("flags"))) {
            throw new IllegalStateException("flagd testbed is missing: expected flagd-testbed v3.9.0 (gherkin/ and flags/) at "
                    + dir + " (the repository root's ../shared/flagd-testbed, or -Dgdn.flagd.testbed=DIR)");
        }
        return dir;
    }

    public static Path feature(String name) {
        Path f = root().resolve("gherkin").resolve(name);
        if (!Files.isRegularFile(f)) {
            throw new IllegalStateException("flagd testbed: " + f + " is missing");
        }
        return f;
    }

    /**
     * The flag file a scenario's selector names: {@link #MERGED} (also when no selector is given) or
     * {@code rawflags/NAME.json}, one of the testbed's files as it is.
     */
    public static byte[] flagFile(String selector) {
        if (selector == null || selector.equals(MERGED)) {
            return merged();
        }
        if (!selector.startsWith(RAW)) {
            throw new IllegalArgumentException("unknown flagd selector '" + selector + "'");
        }
        return read(root().resolve("flags").resolve(selector.substring(RAW.length())));
    }

    /**
     * The deep merge, in file-name order, of every {@code flags/*.json} except {@code selector-*}: what
     * flagd-testbed's launchpad writes as allFlags.json and flagd serves.
     */
    @SuppressWarnings("unchecked")
    public static byte[] merged() {
        Map<String, Object> combined = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(root().resolve("flags"))) {
            List<Path> sorted = files.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .filter(p -> !p.getFileName().toString().startsWith("selector-")).sorted().toList();
            for (Path p : sorted) {
                Object doc = new JsonReader(200).read(read(p));
                deepMerge(combined, (Map<String, Object>) doc);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JsonReadException e) {
            throw new IllegalStateException("flagd testbed: " + e.getMessage(), e);
        }
        return JsonWriter.toJson(combined).getBytes(StandardCharsets.UTF_8);
    }

    /** Writes {@link #merged()} to {@code dir/allFlags.json}, for commands that take a file. */
    public static Path writeMerged(Path dir) {
        try {
            Files.createDirectories(dir);
            Path out = dir.resolve("allFlags.json");
            Files.write(out, merged());
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static void deepMerge(Map<String, Object> into, Map<String, Object> from) {
        for (Map.Entry<String, Object> e : from.entrySet()) {
            Object existing = into.get(e.getKey());
            if (existing instanceof Map && e.getValue() instanceof Map) {
                Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) existing);
                deepMerge(copy, (Map<String, Object>) e.getValue());
                into.put(e.getKey(), copy);
            } else {
                into.put(e.getKey(), e.getValue());
            }
        }
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
