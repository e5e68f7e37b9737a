package dev.gdn.sync.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gdn.ruleset.envelope.EnvelopeException;
import dev.gdn.ruleset.envelope.Envelopes;
import dev.gdn.ruleset.envelope.SigningKey;
import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.ruleset.proto.IndexEntry;
import dev.gdn.ruleset.proto.Ruleset;
import dev.gdn.ruleset.proto.StoreIndex;
import dev.gdn.sync.layout.SignedIndex;
import java.util.Arrays;

/**
 * The verifier every reader runs on store bytes (a signed index, a ruleset envelope) against bytes an
 * attacker controls: a genuine signed file edited anywhere, or arbitrary bytes. It answers with the very
 * content that was signed, or with {@link EnvelopeException}; never with other content and never with any
 * other exception.
 */
class EnvelopeFuzzTest {
    private static final SigningKey KEY = SigningKey.generate();
    private static final TrustedKeys TRUSTED = TrustedKeys.of(KEY.publicKey());
    private static final StoreIndex INDEX = StoreIndex.newBuilder().setPublishedAtMillis(1_700_000_000_000L)
            .addEntries(IndexEntry.newBuilder().setEnvironmentId("prod").setVersion(7).setArtifactKey("v1/environments/prod/rulesets/7.pb")
                    .setArtifactSize(1234).setPublishedAtMillis(1_700_000_000_000L))
            .build();
    private static final byte[] SIGNED_INDEX = SignedIndex.write(INDEX, KEY);
    private static final Ruleset RULESET = Ruleset.newBuilder().setEnvironmentId("prod").setVersion(7).build();
    private static final byte[] SIGNED_RULESET = Envelopes.sign(RULESET, KEY).toByteArray();

    @FuzzTest(maxDuration = "10s")
    void verify(FuzzedDataProvider data) {
        boolean index = data.consumeBoolean();
        byte[] bytes;
        switch (data.consumeInt(0, 2)) {
            case 0: { // a genuine file with bytes overwritten
                bytes = (index ? SIGNED_INDEX : SIGNED_RULESET).clone();
                int edits = data.consumeInt(1, 4);
                for (int i = 0; i < edits && bytes.length > 0; i++) {
                    bytes[data.consumeInt(0, bytes.length - 1)] = data.consumeByte();
                }
                break;
            }
            case 1: { // a genuine file cut short or extended
                byte[] genuine = index ? SIGNED_INDEX : SIGNED_RULESET;
                bytes = Arrays.copyOf(genuine, data.consumeInt(0, genuine.length + 16));
                break;
            }
            default:
                bytes = data.consumeRemainingAsBytes();
        }
        try {
            if (index) {
                StoreIndex read = SignedIndex.read(bytes, TRUSTED);
                if (!read.equals(INDEX)) {
                    throw new AssertionError("a forged index verified: " + read);
                }
            } else {
                Ruleset read = Envelopes.verifyRuleset(bytes, TRUSTED);
                if (!read.equals(RULESET)) {
                    throw new AssertionError("a forged ruleset verified: " + read);
                }
            }
        } catch (EnvelopeException e) {
            if (e.getMessage() == null || e.reason() == null) {
                throw new AssertionError("an envelope error without reason or message", e);
            }
        }
    }
}
