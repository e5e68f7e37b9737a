package dev.gdn.cli;

import dev.gdn.ruleset.compile.FlagSet;
import dev.gdn.ruleset.eval.CompiledRuleset;
import dev.gdn.ruleset.eval.ErrorCode;
import dev.gdn.ruleset.eval.EvaluationContext;
import dev.gdn.ruleset.eval.FlagResult;
import dev.gdn.ruleset.ofrep.InvalidContextException;
import dev.gdn.ruleset.ofrep.OfrepJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "eval",
        description = {
            "Evaluate a flagd flag file offline, with the same evaluator every GDN server uses.",
            "Prints OFREP JSON: the bulk response (all flags), or the single-flag response with --flag.",
            "With --contexts, one JSON context per line in, one OFREP JSON line per context out;"
                + " a bad line prints an INVALID_CONTEXT line, is reported on stderr, and the rest go on."},
        mixinStandardHelpOptions = true)
final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--flags", required = true, paramLabel = "FILE", description = "flagd flag-definition JSON file")
    Path flagsFile;

    @Option(names = "--flag", paramLabel = "KEY", description = "evaluate only this flag (single-flag OFREP response)")
    String flagKey;

    static final class ContextSource {
        @Option(names = "--context", paramLabel = "JSON", description = "the evaluation context, a JSON object (default: {})")
        String context;

        @Option(names = "--contexts", paramLabel = "FILE.jsonl", description = "one JSON context per line ('-' for stdin)")
        Path contexts;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    ContextSource source;

    @Option(names = "--at", paramLabel = "UNIX_SECONDS",
            description = "the time rules see as $flagd.timestamp (default: now), for reproducible runs")
    Long at;

    @Override
    public Integer call() throws IOException {
        FlagSet flags = InputFiles.compileFlags(flagsFile, false, spec.commandLine().getErr(), "eval");
        CompiledRuleset ruleset = CompiledRuleset.of(flags.toRuleset("default", 0, 0, List.of()));
        if (flagKey != null && !ruleset.hasFlag(flagKey)) {
            spec.commandLine().getErr().println("gdn eval: warning: " + flagsFile + " has no flag '" + flagKey + "'");
        }
        long timestamp = at != null ? at : System.currentTimeMillis() / 1000;
        PrintWriter out = spec.commandLine().getOut();
        try {
            if (source != null && source.contexts != null) {
                return evalLines(ruleset, timestamp, out);
            }
            EvaluationContext ctx;
            try {
                ctx = source == null || source.context == null
                        ? EvaluationContext.empty() : OfrepJson.parseContext(source.context);
            } catch (InvalidContextException e) {
                throw new CliException(ExitCodes.BAD_INPUT, "--context: " + e.getMessage());
            }
            out.println(evaluate(ruleset, ctx, timestamp));
            return ExitCodes.OK;
        } finally {
            out.flush();
        }
    }

    private String evaluate(CompiledRuleset ruleset, EvaluationContext ctx, long timestamp) {
        if (flagKey != null) {
            return utf8(OfrepJson.single(ruleset.evaluate(flagKey, ctx, timestamp)));
        }
        List<FlagResult> results = ruleset.evaluateAll(ctx, timestamp);
        return utf8(OfrepJson.bulk(results, ruleset.metadata()));
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private int evalLines(CompiledRuleset ruleset, long timestamp, PrintWriter out) throws IOException {
        Path file = source.contexts;
        boolean stdin = file.toString().equals("-");
        PrintWriter err = spec.commandLine().getErr();
        int bad = 0;
        int lineNo = 0;
        try (BufferedReader reader = stdin
                ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String response;
                try {
                    response = evaluate(ruleset, OfrepJson.parseContext(line), timestamp);
                } catch (InvalidContextException e) {
                    bad++;
                    String where = (stdin ? "<stdin>" : file.toString()) + ":" + lineNo;
                    err.println("gdn eval: " + where + ": " + e.getMessage());
                    response = utf8(OfrepJson.error(flagKey, ErrorCode.INVALID_CONTEXT, "line " + lineNo + ": " + e.getMessage()));
                }
                out.println(response);
            }
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCodes.BAD_INPUT, file + ": no such contexts file");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new CliException(ExitCodes.BAD_INPUT, file + ":" + (lineNo + 1) + ": not valid UTF-8");
        }
        if (bad > 0) {
            err.println("gdn eval: " + bad + " of " + lineNo + " lines had an invalid context");
            return ExitCodes.PARTIAL;
        }
        return ExitCodes.OK;
    }
}
