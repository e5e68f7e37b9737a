package dev.gdn.cli;

import dev.gdn.ruleset.envelope.SigningKey;
import dev.gdn.ruleset.envelope.TrustedKeys;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** Loading key files with errors that name the file. */
final class KeyFiles {
    private KeyFiles() {
    }

    static SigningKey loadSigningKey(Path file) {
        try {
            return SigningKey.load(file);
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCodes.BAD_INPUT, file + ": no such signing key file (create one with `gdn keygen`)");
        } catch (IOException e) {
            throw new CliException(ExitCodes.BAD_INPUT, e.getMessage());
        }
    }

    static TrustedKeys loadTrusted(List<Path> files) {
        try {
            return TrustedKeys.load(files);
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCodes.BAD_INPUT, e.getFile() + ": no such public key file");
        } catch (IOException e) {
            throw new CliException(ExitCodes.BAD_INPUT, e.getMessage());
        }
    }
}
