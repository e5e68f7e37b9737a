package dev.gdn.bench;

import dev.gdn.ruleset.eval.EvaluationContext;
import dev.gdn.ruleset.json.JsonWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes the deterministic inputs the load scripts (bench/node-bench.sh) send, from the same
 * generators as the JMH benchmarks:
 * <pre>
 *   flags N OUT.json [SEED]       a flagd file with N flags of the mixed kinds FlagdGenerator makes
 *   contexts N OUT.jsonl [SEED]   N OFREP request bodies, one per line: {"context":{...}}
 * </pre>
 * Run with {@code java -cp benchmarks/target/benchmarks.jar dev.gdn.bench.BenchInputs ...}.
 */
public final class BenchInputs {
    private BenchInputs() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: BenchInputs flags|contexts N OUT [SEED]");
            System.exit(2);
        }
        int n = Integer.parseInt(args[1]);
        Path out = Path.of(args[2]);
        long seed = args.length > 3 ? Long.parseLong(args[3]) : Fixtures.SEED;
        switch (args[0]) {
            case "flags" -> Files.writeString(out, FlagdGenerator.generate(n, seed));
            case "contexts" -> {
                StringBuilder sb = new StringBuilder();
                for (EvaluationContext ctx : ContextGenerator.generate(n, seed)) {
                    sb.append(JsonWriter.toJson(Map.of("context", ctx.attributes()))).append('\n');
                }
                Files.writeString(out, sb, StandardCharsets.UTF_8);
            }
            default -> {
                System.err.println("unknown input kind " + args[0]);
                System.exit(2);
            }
        }
    }
}
