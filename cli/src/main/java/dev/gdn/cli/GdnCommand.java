package dev.gdn.cli;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gdn} command: each subcommand is a thin shell over a module's own entry point. */
@Command(name = "gdn",
        mixinStandardHelpOptions = true,
        versionProvider = GdnCommand.Version.class,
        description = "GDN: a belt-and-suspenders delivery network for feature-flag rulesets.",
        subcommands = {
            EvalCommand.class,
            CompileCommand.class,
            InspectCommand.class,
            KeygenCommand.class,
            ApiKeyCommand.class,
            PublishCommand.class,
            FetchCommand.class,
            ReconcileCommand.class,
            NodeCommand.class,
            ClassicCommand.class,
            SyncCommand.class,
            DrillCommand.class,
            CommandLine.HelpCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:partly done: some items failed (e.g. bad lines in a --contexts file); see stderr",
            "2:wrong command-line usage",
            "3:bad input: unreadable file, invalid JSON, invalid flag file, invalid context",
            "4:not verified: bad hash or signature, or an untrusted key",
            "5:cannot write the output",
            "6:no store accepted the publication, or none could be read",
            "70:internal error (a bug: please report it)"
        })
public final class GdnCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    public static void main(String[] args) {
        Logging.configure(java.util.logging.Level.WARNING);
        PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16));
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code = execute(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs the command with the given writers; returns the exit code. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = commandLine();
        cli.setOut(out);
        cli.setErr(err);
        try {
            return cli.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new GdnCommand());
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof CliException) {
                commandLine.getErr().println("gdn " + commandLine.getCommandName() + ": " + ex.getMessage());
                return ((CliException) ex).exitCode();
            }
            commandLine.getErr().println("gdn " + commandLine.getCommandName() + ": internal error: " + ex);
            ex.printStackTrace(commandLine.getErr());
            return ExitCodes.INTERNAL;
        });
        return cli;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = GdnCommand.class.getPackage().getImplementationVersion();
            return new String[] {"gdn " + (v == null ? "(development build)" : v)};
        }
    }
}
