package dev.gdn.cli;

import dev.gdn.cli.logging.LogFormat;
import dev.gdn.cli.logging.Logging;
import dev.gdn.node.server.GdnServer;
import dev.gdn.node.server.ListenerDeath;
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
            LintCommand.class,
            InspectCommand.class,
            KeygenCommand.class,
            ApiKeyCommand.class,
            PublishCommand.class,
            FetchCommand.class,
            ReconcileCommand.class,
            NodeCommand.class,
            ClassicCommand.class,
            SyncCommand.class,
            WorldCommand.class,
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
            "7:gdn world: the world could not start (directory in use, an address taken, a part failed) or be read",
            "8:a server could not listen on its port (in use, not a local address, or privileged)",
            "9:a server's listener stopped accepting connections (e.g. out of file descriptors): restart the process",
            "70:internal error (a bug: please report it)"
        })
public final class GdnCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    // Read by LogFormat.resolve before parsing (so even usage errors come in the format asked for);
    // declared here so every subcommand accepts, documents and validates it.
    @CommandLine.Option(names = LogFormat.OPTION, scope = CommandLine.ScopeType.INHERIT, paramLabel = "text|json",
            converter = LogFormatConverter.class,
            description = "log lines as plain text (default) or one JSON object per line: time, level, logger, message,"
                    + " trace_id/span_id inside a traced request (default: $" + LogFormat.ENV + " or text)")
    LogFormat logFormat;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    public static void main(String[] args) {
        Logging.install();
        Logging.start(LogFormat.resolve(args, System.getenv()));
        exitWithParent();
        // A listener that stops accepting leaves the process up but useless: exit, so the supervisor restarts it.
        ListenerDeath.onDeath(why -> System.exit(ExitCodes.LISTENER_DIED));
        PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16));
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code = execute(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * A part of {@code gdn world} (started with {@code GDN_EXIT_WITH_PARENT=1} and a pipe as stdin) stops, through
     * its shutdown hooks, when that pipe closes: when the world dies, even by SIGKILL, none of its parts lives on.
     */
    private static void exitWithParent() {
        if (!"1".equals(System.getenv("GDN_EXIT_WITH_PARENT"))) {
            return;
        }
        Thread watch = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the world writes nothing: only the end of the pipe matters
                }
            } catch (java.io.IOException e) {
                // a broken pipe is an end too
            }
            System.exit(ExitCodes.OK);
        }, "gdn-parent-watch");
        watch.setDaemon(true);
        watch.start();
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
                commandLine.getErr().println(commandLine.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
                return ((CliException) ex).exitCode();
            }
            for (Throwable t = ex; t != null; t = t.getCause()) {
                if (t instanceof GdnServer.PortUnavailableException) {
                    commandLine.getErr().println(commandLine.getCommandSpec().qualifiedName() + ": " + t.getMessage());
                    return ExitCodes.CANNOT_LISTEN;
                }
            }
            commandLine.getErr().println(commandLine.getCommandSpec().qualifiedName() + ": internal error: " + ex);
            ex.printStackTrace(commandLine.getErr());
            return ExitCodes.INTERNAL;
        });
        return cli;
    }

    static final class LogFormatConverter implements CommandLine.ITypeConverter<LogFormat> {
        @Override
        public LogFormat convert(String value) {
            try {
                return LogFormat.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a log format (text or json)");
            }
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = GdnCommand.class.getPackage().getImplementationVersion();
            return new String[] {"gdn " + (v == null ? "(development build)" : v)};
        }
    }
}
