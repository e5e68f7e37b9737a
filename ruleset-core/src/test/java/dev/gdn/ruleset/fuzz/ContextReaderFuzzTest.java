package dev.gdn.ruleset.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gdn.ruleset.eval.EvaluationContext;
import dev.gdn.ruleset.ofrep.BulkEtag;
import dev.gdn.ruleset.ofrep.InvalidContextException;
import dev.gdn.ruleset.ofrep.OfrepJson;

/**
 * The OFREP request reader (what every evaluation route parses first) against any bytes: a context, or
 * {@link InvalidContextException} with a message in our words (a 400), never anything else; numbers beyond a
 * double are refused (a 400 naming the line and column), never read as Infinity.
 */
class ContextReaderFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void parseRequest(byte[] body) {
        EvaluationContext ctx;
        try {
            ctx = OfrepJson.parseRequest(body);
        } catch (InvalidContextException e) {
            Messages.assertClean(e.getMessage(), body);
            return;
        }
        BulkEtag.of("fuzz", 1, ctx.attributes(), null); // what every bulk request computes next
        for (Object v : ctx.attributes().values()) {
            if (v instanceof Double && ((Double) v).isInfinite()) {
                throw new AssertionError("an infinite number was accepted");
            }
        }
    }
}
