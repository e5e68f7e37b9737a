package dev.gdn.cli;

import dev.gdn.ruleset.compile.FlagFileException;
import dev.gdn.ruleset.compile.FlagSet;
import dev.gdn.ruleset.compile.FlagdCompiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading the command's input files, with errors that name the file. */
final class InputFiles {
    private InputFiles() {
    }

    static byte[] read(Path file, String what) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCodes.BAD_INPUT, file + ": no such " + what);
        } catch (IOException e) {
            throw new CliException(ExitCodes.BAD_INPUT, file + ": cannot read " + what + ": " + e.getMessage());
        }
    }

    /** Reads and compiles a flagd flag file; every problem is reported with the file name and its JSON pointer. */
    static FlagSet compileFlags(Path file) {
        byte[] source = read(file, "flag file");
        try {
            return FlagdCompiler.compile(source);
        } catch (FlagFileException e) {
            StringBuilder sb = new StringBuilder();
            sb.append(file).append(": invalid flag file (").append(e.problems().size())
                    .append(e.problems().size() == 1 ? " problem)" : " problems)");
            e.problems().forEach(p -> sb.append("\n  ").append(file).append(" ").append(p));
            throw new CliException(ExitCodes.BAD_INPUT, sb.toString());
        }
    }
}
