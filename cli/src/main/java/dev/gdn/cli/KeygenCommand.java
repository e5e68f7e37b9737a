package dev.gdn.cli;

import dev.gdn.ruleset.envelope.SigningKey;
import dev.gdn.ruleset.files.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "keygen",
        description = {"Create an Ed25519 signing key pair for ruleset artifacts.",
            "Writes NAME.key (secret, mode 600: for publishers and the sync daemon) and NAME.pub (for every reader's --trust)."},
        mixinStandardHelpOptions = true)
final class KeygenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "directory to write the key files into")
    Path dir;

    @Option(names = "--name", defaultValue = "gdn-signing", paramLabel = "NAME", description = "file name stem (default: ${DEFAULT-VALUE})")
    String name;

    @Option(names = "--force", description = "overwrite existing key files")
    boolean force;

    @Override
    public Integer call() {
        Path priv = dir.resolve(name + ".key");
        Path pub = dir.resolve(name + ".pub");
        if (!force && (Files.exists(priv) || Files.exists(pub))) {
            throw new CliException(ExitCodes.CANNOT_WRITE, (Files.exists(priv) ? priv : pub)
                    + " already exists; refusing to overwrite a key (use --force, or another --name)");
        }
        SigningKey key = SigningKey.generate();
        try {
            AtomicFile.write(priv, key.toPem().getBytes(StandardCharsets.US_ASCII), PosixFilePermissions.fromString("rw-------"));
            AtomicFile.write(pub, key.publicKeyPem().getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new CliException(ExitCodes.CANNOT_WRITE, dir + ": cannot write key files: " + e.getMessage());
        }
        spec.commandLine().getOut().printf("key id %s%n  signing key (secret): %s%n  public key (trust):   %s%n", key.keyId(), priv, pub);
        return ExitCodes.OK;
    }
}
