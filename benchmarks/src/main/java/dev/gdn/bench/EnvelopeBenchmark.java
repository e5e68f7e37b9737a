package dev.gdn.bench;

import dev.gdn.ruleset.envelope.EnvelopeException;
import dev.gdn.ruleset.envelope.Envelopes;
import dev.gdn.ruleset.envelope.SigningKey;
import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.ruleset.proto.PayloadType;
import dev.gdn.ruleset.proto.Ruleset;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Verifying a signed ruleset envelope (what a node or SDK does on every download):
 * {@code verifyRuleset} = parse envelope + SHA-256 + Ed25519 + parse the Ruleset;
 * {@code verifyOnly} stops before parsing the Ruleset, to split the cost.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class EnvelopeBenchmark {
    @Param({"100", "10000"})
    public int flags;

    private byte[] envelope;
    private TrustedKeys trusted;

    @Setup(Level.Trial)
    public void setUp() throws EnvelopeException {
        Ruleset ruleset = Fixtures.ruleset(Fixtures.flagFile(flags));
        SigningKey key = SigningKey.generate();
        trusted = TrustedKeys.of(key.publicKey());
        envelope = Envelopes.sign(ruleset, key).toByteArray();
        if (!Envelopes.verifyRuleset(envelope, trusted).equals(ruleset)) {
            throw new IllegalStateException("envelope does not round-trip");
        }
    }

    @Benchmark
    public Ruleset verifyRuleset() throws EnvelopeException {
        return Envelopes.verifyRuleset(envelope, trusted);
    }

    @Benchmark
    public byte[] verifyOnly() throws EnvelopeException {
        return Envelopes.verify(envelope, PayloadType.RULESET, trusted);
    }
}
