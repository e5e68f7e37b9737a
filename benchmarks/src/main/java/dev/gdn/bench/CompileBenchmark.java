package dev.gdn.bench;

import dev.gdn.ruleset.compile.FlagFileException;
import dev.gdn.ruleset.compile.FlagSet;
import dev.gdn.ruleset.compile.FlagdCompiler;
import dev.gdn.ruleset.eval.CompiledRuleset;
import dev.gdn.ruleset.proto.Ruleset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Loading a 10,000-flag flagd file (the {@link FlagdGenerator} mix, ~2 MB):
 * <ul>
 *   <li>{@code compile}: bytes → {@link FlagSet} ({@code FlagdCompiler.compile(byte[])}: parse,
 *       validate, inline {@code $ref}s, build protobuf flags).</li>
 *   <li>{@code compiledRulesetOf}: {@code CompiledRuleset.of(ruleset)}: what every server and SDK
 *       does when it loads a ruleset.</li>
 *   <li>{@code compileToCompiledRuleset}: the whole path, bytes → FlagSet → Ruleset → CompiledRuleset.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class CompileBenchmark {
    static final int FLAGS = 10_000;

    private byte[] source;
    private Ruleset ruleset;

    @Setup(Level.Trial)
    public void setUp() {
        source = Fixtures.flagFile(FLAGS);
        ruleset = Fixtures.ruleset(source);
        if (ruleset.getFlagsCount() != FLAGS) {
            throw new IllegalStateException("expected " + FLAGS + " flags, got " + ruleset.getFlagsCount());
        }
    }

    @Benchmark
    public FlagSet compile() throws FlagFileException {
        return FlagdCompiler.compile(source);
    }

    @Benchmark
    public CompiledRuleset compiledRulesetOf() {
        return CompiledRuleset.of(ruleset);
    }

    @Benchmark
    public CompiledRuleset compileToCompiledRuleset() throws FlagFileException {
        return CompiledRuleset.of(FlagdCompiler.compile(source)
                .toRuleset("bench", 1, Fixtures.CREATED_AT_MILLIS, List.of()));
    }
}
