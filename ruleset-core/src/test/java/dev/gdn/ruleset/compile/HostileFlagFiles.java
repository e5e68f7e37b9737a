package dev.gdn.ruleset.compile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Flag files built to make a compiler copy, recurse or loop (issue 11), generated rather than committed.
 * One generator for the tests, the fuzz seeds and the benchmark; it needs nothing but the JDK, so scripts
 * run it as a source file (from the repository root):
 * <pre>
 *   java ruleset-core/src/test/java/dev/gdn/ruleset/compile/HostileFlagFiles.java --seeds        # the fuzz tests' seed corpora
 *   java ruleset-core/src/test/java/dev/gdn/ruleset/compile/HostileFlagFiles.java --hostile DIR  # bench/hostile-compile's files
 * </pre>
 */
public final class HostileFlagFiles {
    private HostileFlagFiles() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 2 && args[0].equals("--hostile")) {
            Path dir = Path.of(args[1]);
            Files.createDirectories(dir);
            write(dir, "billion-laughs-12x10.json", billionLaughs(12, 10));
            write(dir, "billion-laughs-6x10.json", billionLaughs(6, 10));
            write(dir, "billion-laughs-4x10.json", billionLaughs(4, 10));
            write(dir, "ref-chain-120.json", refChain(120));
            write(dir, "ref-chain-400.json", refChain(400));
            write(dir, "ref-chain-10000.json", refChain(10_000));
        } else if (args.length == 1 && args[0].equals("--seeds")) {
            seeds();
        } else {
            System.err.println("usage: HostileFlagFiles.java --seeds | --hostile DIR");
            System.exit(2);
        }
    }

    /** The fuzz tests' seed corpora: valid, malformed and hostile (small) inputs. */
    private static void seeds() throws IOException {
        Path flags = Path.of("ruleset-core/src/test/resources/dev/gdn/ruleset/fuzz/FlagFileFuzzTestInputs/compile");
        Path ctx = Path.of("ruleset-core/src/test/resources/dev/gdn/ruleset/fuzz/ContextReaderFuzzTestInputs/parseRequest");
        Files.createDirectories(flags);
        Files.createDirectories(ctx);
        write(flags, "examples-flags", Files.readString(Path.of("examples/flags.json")));
        write(flags, "billion-laughs-5x4", billionLaughs(5, 4));
        write(flags, "ref-chain-150", refChain(150));
        write(flags, "ref-cycle", "{\"$evaluators\": {\"a\": {\"$ref\": \"b\"}, \"b\": {\"!\": {\"$ref\": \"a\"}}}, \"flags\": {}}");
        write(flags, "warnings", "{\"flags\": {\"f\": {\"state\": \"ENABLED\", \"variants\": {\"a\": \"A\", \"b\": \"B\"}, \"defaultVariant\": \"a\","
                + " \"targeting\": {\"if\": [{\"starts_with\": [\"x\"]}, \"zz\", {\"fractional\": [[\"a\", -5], [\"b\", 0.5], [\"c\", 1, 2]]}]}}}}");
        write(flags, "fractional-semver", "{\"flags\": {\"f\": {\"state\": \"ENABLED\", \"variants\": {\"a\": 1, \"b\": 2}, \"defaultVariant\": \"a\","
                + " \"targeting\": {\"if\": [{\"sem_ver\": [{\"var\": \"version\"}, \"^\", \"1\"]}, {\"fractional\": [{\"var\": \"email\"}, [\"a\", 50], [\"b\", 50]]}, null]}}}}");
        write(flags, "huge-number", "{\"flags\": {\"f\": {\"state\": \"ENABLED\", \"variants\": {\"a\": 1e400}}}}");
        write(flags, "nan", "{\"flags\": {\"f\": {\"state\": \"ENABLED\", \"variants\": {\"a\": NaN}}}}");
        write(flags, "deep", "{\"flags\": {\"f\": {\"state\": \"ENABLED\", \"variants\": {\"a\": true}, \"targeting\": "
                + "{\"!\": ".repeat(140) + "true" + "}".repeat(140) + "}}}");
        write(flags, "truncated", "{\"flags\": {\"f\": {\"state\": \"ENA");
        write(ctx, "request", "{\"context\": {\"targetingKey\": \"u-1\", \"email\": \"a@example.com\", \"n\": 1.5, \"tags\": [\"a\", null], \"org\": {\"id\": 7}}}");
        write(ctx, "huge-number", "{\"context\": {\"n\": 1e400}}");
        write(ctx, "big-integer", "{\"context\": {\"n\": 123456789012345678901234567890}}");
        write(ctx, "duplicate-key", "{\"context\": {\"a\": 1, \"a\": 2}}");
        write(ctx, "deep", "{\"context\": " + "[".repeat(70) + "]".repeat(70) + "}");
        write(ctx, "bad-targeting-key", "{\"context\": {\"targetingKey\": 12}}");
        write(ctx, "not-utf8", new String(new byte[] {'{', '"', (byte) 0xff, '"', ':', '1', '}'}, StandardCharsets.ISO_8859_1));
    }

    private static void write(Path dir, String name, String content) throws IOException {
        Files.write(dir.resolve(name), content.getBytes(name.equals("not-utf8") ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8));
    }

    /**
     * "Billion laughs": {@code levels} evaluators, each naming the next {@code fanOut} times ({@code or} over
     * $refs); a flag names the first. Copying $refs would make fanOut^levels nodes.
     */
    public static String billionLaughs(int levels, int fanOut) {
        StringBuilder sb = new StringBuilder("{\"$evaluators\": {");
        for (int i = 0; i < levels; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append("\"e").append(i).append("\": ");
            if (i == levels - 1) {
                sb.append("{\"==\": [{\"var\": \"x\"}, 1]}");
            } else {
                sb.append("{\"or\": [");
                for (int k = 0; k < fanOut; k++) {
                    sb.append(k > 0 ? ", " : "").append("{\"$ref\": \"e").append(i + 1).append("\"}");
                }
                sb.append("]}");
            }
        }
        return sb.append("}, ").append(flagNaming("e0")).append("}").toString();
    }

    /** A chain of {@code length} evaluators, {@code {"!": {"$ref": next}}}: nesting that only $refs make deep. */
    public static String refChain(int length) {
        StringBuilder sb = new StringBuilder("{\"$evaluators\": {");
        for (int i = 0; i < length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append("\"c").append(i).append("\": ");
            sb.append(i == length - 1 ? "{\"var\": \"x\"}" : "{\"!\": {\"$ref\": \"c" + (i + 1) + "\"}}");
        }
        return sb.append("}, ").append(flagNaming("c0")).append("}").toString();
    }

    private static String flagNaming(String evaluator) {
        return "\"flags\": {\"f\": {\"state\": \"ENABLED\", \"variants\": {\"on\": true, \"off\": false}, \"defaultVariant\": \"off\","
                + " \"targeting\": {\"if\": [{\"$ref\": \"" + evaluator + "\"}, \"on\", \"off\"]}}}";
    }
}
