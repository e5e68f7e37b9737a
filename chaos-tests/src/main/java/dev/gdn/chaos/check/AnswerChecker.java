package dev.gdn.chaos.check;

import dev.gdn.chaos.load.Answer;
import dev.gdn.client.FlagEvaluation;
import dev.gdn.ruleset.eval.CompiledRuleset;
import dev.gdn.ruleset.eval.EvaluationContext;
import dev.gdn.ruleset.eval.FlagResult;
import dev.gdn.ruleset.json.JsonWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks one answer at a time against local evaluation (ruleset-core, the evaluator every server uses)
 * of the version the answer names, and that no session ever steps to an older version. Not
 * thread-safe: one checker thread owns it.
 *
 * <p>Rules that read {@code $flagd.timestamp} may legitimately answer differently from one second to
 * the next, and a CDN or a client cache may hand out an answer computed earlier: for a ruleset that may
 * read the time, an answer is right when it equals the evaluation at some second between
 * {@code earliestEpochSecond} and the end of the call. Every other ruleset is compared at one instant.
 */
public final class AnswerChecker {
    private final RulesetOracle oracle;
    private final long earliestEpochSecond;
    private final Map<String, Long> sessionVersions = new HashMap<>();
    /** Expected answers of time-independent rulesets, by version and canonical context. */
    private final Map<String, Map<String, String>> expectedCache = new HashMap<>();

    /** One flag that differs from what local evaluation says. */
    public record Mismatch(String flag, String expected, String actual) {
    }

    /** What the checker found about one answer. */
    public sealed interface Verdict {
        /** Answered with exactly the flags local evaluation gives. */
        record Correct(String oracleSource) implements Verdict {
        }

        /** The caller got its defaults: no tier and no cache answered. */
        record Unanswered(String why) implements Verdict {
        }

        /** The answer differs from local evaluation of the version it names (or names none). */
        record Wrong(List<Mismatch> mismatches, String oracleSource) implements Verdict {
        }

        /** The version the answer names cannot be had from any store or the admin API (yet). */
        record Unverified(List<String> reasons) implements Verdict {
        }
    }

    /** The verdict on the answer, and the version the session had reached before it when this one is older (else 0). */
    public record Checked(Answer answer, Verdict verdict, long regressedFrom) {
        public boolean regression() {
            return regressedFrom > 0;
        }
    }

    public AnswerChecker(RulesetOracle oracle, long earliestEpochSecond) {
        this.oracle = oracle;
        this.earliestEpochSecond = earliestEpochSecond;
    }

    /**
     * Checks the answer: its session's version order now (answers arrive in the order their calls
     * finished), its flags against the version it names. An {@link Verdict.Unverified} answer can be
     * checked again with {@link #verify} once its version can be had.
     */
    public Checked check(Answer a) {
        if (!a.answered()) {
            return new Checked(a, new Verdict.Unanswered(a.error()), 0);
        }
        long regressedFrom = 0;
        if (a.version() > 0) {
            Long before = sessionVersions.get(a.session());
            regressedFrom = before != null && a.version() < before ? before : 0;
            if (before == null || a.version() > before) {
                sessionVersions.put(a.session(), a.version());
            }
        }
        return new Checked(a, verify(a), regressedFrom);
    }

    /** The answer's flags against local evaluation of the version it names. */
    public Verdict verify(Answer a) {
        if (!a.answered()) {
            return new Verdict.Unanswered(a.error());
        }
        if (a.version() <= 0) {
            return new Verdict.Wrong(List.of(new Mismatch("(version)",
                    "a ruleset version (GDN-Ruleset-Version or metadata.rulesetVersion)", "none")), "-");
        }
        RulesetOracle.Lookup lookup = oracle.get(a.version());
        if (lookup instanceof RulesetOracle.Lookup.Unavailable u) {
            return new Verdict.Unverified(u.reasons());
        }
        RulesetOracle.Lookup.Found found = (RulesetOracle.Lookup.Found) lookup;
        List<Mismatch> mismatches = compare(found.ruleset(), a);
        return mismatches.isEmpty() ? new Verdict.Correct(found.source()) : new Verdict.Wrong(mismatches, found.source());
    }

    private List<Mismatch> compare(CompiledRuleset rs, Answer a) {
        Map<String, String> actual = actual(a.flags());
        long endSecond = Math.floorDiv(a.finishedAtMillis(), 1000) + 1;
        if (!rs.mayReadTime()) {
            String key = rs.version() + " " + JsonWriter.toCanonicalJson(a.context());
            Map<String, String> expected = expectedCache.computeIfAbsent(key, k -> expected(rs, a.context(), endSecond));
            return diff(expected, actual);
        }
        List<Mismatch> atEnd = diff(expected(rs, a.context(), endSecond), actual);
        for (long t = endSecond - 1; !atEnd.isEmpty() && t >= earliestEpochSecond; t--) {
            if (diff(expected(rs, a.context(), t), actual).isEmpty()) {
                return List.of();
            }
        }
        return atEnd;
    }

    /** Each flag as the wire carries it: [value, variant, reason, errorCode] (no value without a variant, no reason with an error). */
    static Map<String, String> expected(CompiledRuleset rs, Map<String, Object> context, long epochSecond) {
        Map<String, String> out = new TreeMap<>();
        for (FlagResult r : rs.evaluateAll(EvaluationContext.of(context), epochSecond)) {
            out.put(r.key(), JsonWriter.toCanonicalJson(Arrays.asList(r.hasValue() ? r.value() : null, r.variant(),
                    r.isError() ? null : r.reason().name(), r.isError() ? r.errorCode().name() : null)));
        }
        return out;
    }

    static Map<String, String> actual(Map<String, FlagEvaluation> flags) {
        Map<String, String> out = new TreeMap<>();
        for (FlagEvaluation f : flags.values()) {
            out.put(f.key(), JsonWriter.toCanonicalJson(Arrays.asList(f.value(), f.variant(),
                    f.errorCode() == null ? f.reason() : null, f.errorCode())));
        }
        return out;
    }

    private static List<Mismatch> diff(Map<String, String> expected, Map<String, String> actual) {
        List<Mismatch> out = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        for (String k : keys) {
            String e = expected.getOrDefault(k, "(no such flag)");
            String got = actual.getOrDefault(k, "(missing)");
            if (!e.equals(got)) {
                out.add(new Mismatch(k, e, got));
            }
        }
        return out;
    }
}
