package dev.gdn.client.remote;

import dev.gdn.client.Evaluations;
import dev.gdn.client.FlagEvaluation;
import dev.gdn.ruleset.compile.FlagdCompiler;
import dev.gdn.ruleset.eval.CompiledRuleset;
import dev.gdn.ruleset.eval.EvaluationContext;
import dev.gdn.ruleset.eval.FlagResult;
import dev.gdn.ruleset.json.JsonWriter;
import dev.gdn.ruleset.ofrep.OfrepJson;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Real rulesets and the OFREP bulk bodies a GDN server would send for them, to compare answers against. */
public final class TestFlags {
    /** Version 1 of a small flag file; version 2 changes two answers. */
    public static final String FLAGS_V1 = """
            {
              "flags": {
                "dark-mode": {
                  "state": "ENABLED",
                  "variants": { "on": true, "off": false },
                  "defaultVariant": "off",
                  "targeting": { "if": [{ "ends_with": [{ "var": "email" }, "@example.com"] }, "on", null] }
                },
                "banner-text": {
                  "state": "ENABLED",
                  "variants": { "welcome": "Welcome back!", "plain": "Hello" },
                  "defaultVariant": "plain",
                  "targeting": { "if": [{ "==": [{ "var": "plan" }, "enterprise"] }, "welcome", null] }
                },
                "max-items": {
                  "state": "ENABLED",
                  "variants": { "small": 10, "large": 250 },
                  "defaultVariant": "small"
                },
                "discount-rate": {
                  "state": "ENABLED",
                  "variants": { "none": 0.0, "some": 0.15, "lots": 0.35 },
                  "defaultVariant": "none",
                  "targeting": { "fractional": [["some", 50], ["lots", 50]] }
                },
                "retired-feature": {
                  "state": "DISABLED",
                  "variants": { "on": true, "off": false },
                  "defaultVariant": "off"
                }
              }
            }
            """;
    public static final String FLAGS_V2 = FLAGS_V1
            .replace("\"defaultVariant\": \"small\"", "\"defaultVariant\": \"large\"")
            .replace("\"welcome\", null", "\"plain\", \"welcome\"");

    public static final Map<String, Object> CONTEXT = Map.of("targetingKey", "user-42", "email", "ann@example.com",
            "plan", "enterprise");
    public static final Map<String, Object> OTHER_CONTEXT = Map.of("targetingKey", "user-7", "email", "bob@other.org",
            "plan", "free");

    private TestFlags() {
    }

    public static CompiledRuleset ruleset(String flags, long version) {
        try {
            return CompiledRuleset.of(FlagdCompiler.compile(flags).toRuleset("default", version, 0, List.of()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The OFREP bulk body a server sends for this context. */
    public static byte[] bulkBody(CompiledRuleset rs, Map<String, Object> context) {
        Map<String, Object> md = new LinkedHashMap<>(rs.metadata());
        md.put("rulesetVersion", rs.version());
        return OfrepJson.bulk(rs.evaluateAll(EvaluationContext.of(context)), md);
    }

    /** What the flags should be, key to [value, variant, reason], as canonical JSON (numbers keep their type). */
    public static String expected(CompiledRuleset rs, Map<String, Object> context) {
        Map<String, Object> out = new TreeMap<>();
        for (FlagResult r : rs.evaluateAll(EvaluationContext.of(context))) {
            // As the wire carries it: no value without a variant, no reason with an error code.
            out.put(r.key(), java.util.Arrays.asList(r.hasValue() ? r.value() : null, r.variant(),
                    r.isError() ? null : r.reason().name(), r.isError() ? r.errorCode().name() : null));
        }
        return JsonWriter.toCanonicalJson(out);
    }

    /** The same shape for what the client got. */
    public static String actual(Evaluations e) {
        Map<String, Object> out = new TreeMap<>();
        for (FlagEvaluation f : e.flags().values()) {
            out.put(f.key(), java.util.Arrays.asList(f.value(), f.variant(), f.reason(), f.errorCode()));
        }
        return JsonWriter.toCanonicalJson(out);
    }

    public static String canonical(Map<String, Object> context) {
        return JsonWriter.toCanonicalJson(context);
    }

    public static String base64url(Map<String, Object> context) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(canonical(context).getBytes(StandardCharsets.UTF_8));
    }
}
