package dev.gdn.cli;

import dev.gdn.ruleset.compile.CompileProblem;
import dev.gdn.ruleset.compile.FlagFileException;
import dev.gdn.ruleset.compile.FlagSet;
import dev.gdn.ruleset.compile.FlagdCompiler;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

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

    /** {@code FILE:POINTER: level: message}, the one line format of every problem (gdn lint's too). */
    static String line(Path file, CompileProblem p) {
        return file + ":" + p;
    }

    /**
     * Reads and compiles a flagd flag file. Every problem is reported with the file name and its JSON
     * pointer: file errors (and, with {@code strict}, warnings) as the exception; warnings of a file that
     * compiles are printed on {@code err}, never dropped.
     */
    static FlagSet compileFlags(Path file, boolean strict, PrintWriter err, String command) {
        byte[] source = read(file, "flag file");
        FlagSet flags;
        try {
            flags = FlagdCompiler.compile(source, strict);
        } catch (FlagFileException e) {
            StringBuilder sb = new StringBuilder();
            sb.append(file).append(": invalid flag file (").append(count(e.errors().size(), "error"));
            int warnings = e.problems().size() - e.errors().size();
            if (warnings > 0) {
                sb.append(", ").append(count(warnings, "warning"));
            }
            sb.append(strict ? "; --strict: flag warnings count as errors)" : ")");
            e.problems().forEach(p -> sb.append("\n  ").append(line(file, p)));
            throw new CliException(ExitCodes.BAD_INPUT, sb.toString());
        }
        printWarnings(file, flags.warnings(), err, command);
        return flags;
    }

    static void printWarnings(Path file, List<CompileProblem> warnings, PrintWriter err, String command) {
        if (warnings.isEmpty()) {
            return;
        }
        err.println("gdn " + command + ": " + file + ": " + count(warnings.size(), "flag warning")
                + " (each such flag evaluates as flagd does; --strict refuses them)");
        warnings.forEach(w -> err.println("  " + line(file, w)));
        err.flush();
    }

    static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
