package dev.gdn.chaos.report;

import dev.gdn.chaos.check.AnswerChecker;
import dev.gdn.chaos.check.TestRulesets;
import dev.gdn.chaos.drill.StandardChecks;
import dev.gdn.chaos.load.Answer;
import dev.gdn.chaos.load.ClientKind;
import dev.gdn.chaos.load.ServingTier;
import dev.gdn.client.FlagEvaluation;
import dev.gdn.ruleset.eval.CompiledRuleset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A 20-second drill made up answer by answer, checked by the real checker: two regions, ams's belt CDN
 * down from 5 s to 12 s (its library fails over to the node, 80 ms in the first second, then 3 ms; its
 * plain clients serve their caches), a publish of v2 at 10 s (iad takes it at once, ams after the heal),
 * one wrong answer at 7.2 s and one regression at 11.1 s in iad.
 */
final class SyntheticDrill {
    static final long T0 = 1_700_000_000_000L;
    final AtomicLong clock = new AtomicLong(T0);
    final Observations obs = new Observations(T0, List.of("ams", "iad"), clock::get);
    final CompiledRuleset v1 = TestRulesets.compile(TestRulesets.V1, 1);
    final CompiledRuleset v2 = TestRulesets.compile(TestRulesets.V2, 2);
    final AnswerChecker checker = new AnswerChecker(TestRulesets.oracle(Map.of(1L, v1, 2L, v2)), T0 / 1000 - 60);
    long evaluations;
    /** {@link Observations#settled()} at 4.9 s (steady), 7 s (ams down), 11.5 s (iad on v2, ams behind) and at the end. */
    final java.util.List<Boolean> settled = new java.util.ArrayList<>();

    DrillResult run() {
        for (int ms = 0; ms < 20_000; ms += 100) {
            clock.set(T0 + ms);
            if (ms == 4_900 || ms == 7_000 || ms == 11_500) {
                settled.add(obs.settled());
            }
            if (ms == 5_000) {
                obs.markFault();
                obs.event("belt CDN ams down");
            }
            if (ms == 12_000) {
                obs.markHeal();
            }
            if (ms == 10_000) {
                obs.event("published v2");
            }
            for (String region : List.of("ams", "iad")) {
                boolean amsDown = region.equals("ams") && ms >= 5_000 && ms < 13_000;
                long version = ms >= 10_000 && (region.equals("iad") || ms >= 13_000) ? 2 : 1;
                CompiledRuleset rs = version == 2 ? v2 : v1;
                Map<String, Object> ctx = TestRulesets.ANN;
                // the library: one call per 100 ms
                long latencyMs = !amsDown ? 2 : ms < 6_000 ? 80 : 3;
                Map<String, FlagEvaluation> flags = TestRulesets.flags(rs, ctx);
                String session = region + "/library/0#" + (ms / 5000);
                if (region.equals("iad") && ms == 7_200) {
                    flags = new LinkedHashMap<>(flags);
                    flags.put("dark-mode", new FlagEvaluation("dark-mode", false, "off", "DEFAULT", null, null, Map.of()));
                }
                record(new Answer(T0 + ms, latencyMs * 1_000_000, region, ClientKind.LIBRARY, session, ctx,
                        amsDown ? ServingTier.NODE : ServingTier.BELT_CDN, true, version, region + "/n1", flags, null));
                // a plain OFREP client every 200 ms
                if (ms % 200 == 0) {
                    if (amsDown) {
                        long cached = 1;
                        record(new Answer(T0 + ms, 2_000_000_000L, region, ClientKind.OFREP, "ams/ofrep/0", ctx, ServingTier.LOCAL_CACHE,
                                false, cached, "ams/n1", TestRulesets.flags(v1, ctx), "connection refused"));
                    } else {
                        record(new Answer(T0 + ms, 1_500_000, region, ClientKind.OFREP, region + "/ofrep/0", ctx, ServingTier.BELT_CDN, true,
                                version, region + "/n1", TestRulesets.flags(rs, ctx), null));
                    }
                }
            }
        }
        // the regression: iad's OFREP session had v2 since 10 s; at 11.1 s it gets v1
        record(new Answer(T0 + 11_100, 1_500_000, "iad", ClientKind.OFREP, "iad/ofrep/0", TestRulesets.ANN, ServingTier.BELT_CDN, true, 1,
                "iad/n1", TestRulesets.flags(v1, TestRulesets.ANN), null));
        clock.set(T0 + 20_000);
        settled.add(obs.settled());
        DrillResult r = obs.finish("synthetic", "Synthetic drill", "Made up to test the reports.", List.of());
        return r.withChecks(StandardChecks.of(r));
    }

    private void record(Answer a) {
        evaluations++;
        obs.record(checker.check(a));
    }
}
