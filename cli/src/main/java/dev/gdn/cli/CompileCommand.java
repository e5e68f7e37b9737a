package dev.gdn.cli;

import dev.gdn.ruleset.compile.FlagSet;
import dev.gdn.ruleset.envelope.Envelopes;
import dev.gdn.ruleset.envelope.SigningKey;
import dev.gdn.ruleset.eval.CompiledRuleset;
import dev.gdn.ruleset.files.AtomicFile;
import dev.gdn.ruleset.proto.Ruleset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "compile",
        description = "Compile a flagd flag file into a signed ruleset artifact (protobuf envelope, SPEC §4).",
        mixinStandardHelpOptions = true)
final class CompileCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "flagd flag-definition JSON file")
    Path flagsFile;

    @Option(names = "--env", required = true, paramLabel = "ENV", description = "environment id the ruleset is for")
    String environment;

    @Option(names = "--version", required = true, paramLabel = "N", description = "ruleset version (a positive integer, increasing per environment)")
    long version;

    @Option(names = "--strict", description = "refuse flag warnings too (SPEC §1), as a flag repository's CI would")
    boolean strict;

    @Option(names = "--sign-key", required = true, paramLabel = "KEY", description = "signing key file from `gdn keygen`")
    Path signKey;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "OUT.pb", description = "where to write the signed envelope")
    Path out;

    @Override
    public Integer call() {
        if (environment.isBlank()) {
            throw new CliException(ExitCodes.USAGE, "--env must not be empty");
        }
        if (version < 1) {
            throw new CliException(ExitCodes.USAGE, "--version must be a positive integer, got " + version);
        }
        SigningKey key = KeyFiles.loadSigningKey(signKey);
        FlagSet flags = InputFiles.compileFlags(flagsFile, strict, spec.commandLine().getErr(), "compile");
        Ruleset ruleset = flags.toRuleset(environment, version, System.currentTimeMillis(), List.of());
        CompiledRuleset.of(ruleset); // a ruleset every reader can load, checked before anything is written
        byte[] envelope = Envelopes.sign(ruleset, key).toByteArray();
        try {
            AtomicFile.write(out, envelope);
        } catch (IOException e) {
            throw new CliException(ExitCodes.CANNOT_WRITE, out + ": cannot write: " + e.getMessage());
        }
        spec.commandLine().getOut().printf("%s: %d flags → %s (environment %s, version %d, %d bytes, signed by %s)%n",
                flagsFile, ruleset.getFlagsCount(), out, environment, version, envelope.length, key.keyId());
        return ExitCodes.OK;
    }
}
