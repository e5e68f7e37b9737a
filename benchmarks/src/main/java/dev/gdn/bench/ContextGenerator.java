package dev.gdn.bench;

import static dev.gdn.bench.FlagdGenerator.pick;

import dev.gdn.ruleset.eval.EvaluationContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Deterministic pool of varied evaluation contexts, with the value types the OFREP JSON reader
 * produces (String, Long, nested Map): targetingKey, email, plan, country, age, appVersion and a
 * nested {@code user.org.{id,tier}}. Some contexts lack optional attributes, as real traffic does.
 */
public final class ContextGenerator {
    private ContextGenerator() {
    }

    public static EvaluationContext[] generate(int count, long seed) {
        Random rnd = new Random(seed);
        EvaluationContext[] out = new EvaluationContext[count];
        for (int i = 0; i < count; i++) {
            Map<String, Object> ctx = new LinkedHashMap<>();
            ctx.put("targetingKey", targetingKey(rnd));
            ctx.put("email", (char) ('a' + rnd.nextInt(26)) + "user" + rnd.nextInt(100_000) + "@" + pick(rnd, FlagdGenerator.DOMAINS));
            ctx.put("plan", pick(rnd, FlagdGenerator.PLANS));
            if (rnd.nextInt(10) != 0) {
                ctx.put("country", pick(rnd, FlagdGenerator.COUNTRIES));
            }
            ctx.put("age", (long) (13 + rnd.nextInt(70)));
            if (rnd.nextInt(8) != 0) {
                ctx.put("appVersion", pick(rnd, FlagdGenerator.VERSIONS));
            }
            if (rnd.nextInt(4) != 0) {
                Map<String, Object> org = new LinkedHashMap<>();
                org.put("id", "org-" + rnd.nextInt(500));
                org.put("tier", pick(rnd, FlagdGenerator.TIERS));
                Map<String, Object> user = new LinkedHashMap<>();
                user.put("org", org);
                user.put("beta", rnd.nextBoolean());
                ctx.put("user", user);
            }
            out[i] = EvaluationContext.of(ctx);
        }
        return out;
    }

    /** {@code user-} and a UUID-like random hex string (fractional buckets by it). */
    public static String targetingKey(Random rnd) {
        return String.format("user-%016x%08x", rnd.nextLong(), rnd.nextInt());
    }
}
