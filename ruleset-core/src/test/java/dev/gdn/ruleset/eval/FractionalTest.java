package dev.gdn.ruleset.eval;

import static dev.gdn.ruleset.eval.Rules.TS;
import static dev.gdn.ruleset.eval.Rules.context;
import static dev.gdn.ruleset.eval.Rules.ruleset;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.hash.Hashing;
import dev.gdn.ruleset.compile.CompileProblem;
import dev.gdn.ruleset.compile.FlagFileException;
import dev.gdn.ruleset.compile.FlagSet;
import dev.gdn.ruleset.compile.FlagdCompiler;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** flagd's fractional operator per SPEC §2, checked against an independent computation with Guava's murmur3. */
class FractionalTest {

    /** The SPEC §2 algorithm, written out with Guava as the hash. */
    static String expectedVariant(String bucketKey, String[] names, long[] weights) {
        long h = Hashing.murmur3_32_fixed().hashBytes(bucketKey.getBytes(StandardCharsets.UTF_8)).asInt() & 0xffffffffL;
        long total = 0;
        for (long w : weights) {
            total += w;
        }
        long bucket = (h * total) >>> 32;
        long running = 0;
        for (int i = 0; i < names.length; i++) {
            running += weights[i];
            if (running > bucket) {
                return names[i];
            }
        }
        throw new AssertionError("unreachable");
    }

    private static String flag(String key, String targeting, String... variants) {
        return Rules.stringFlag(key, targeting, "default", concat(variants, "default"));
    }

    private static String[] concat(String[] a, String b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = b;
        return out;
    }

    private static String variantFor(CompiledRuleset rs, String key, String ctx) {
        FlagResult r = rs.evaluate(key, context(ctx), TS);
        assertFalse(r.isError(), r::toString);
        return r.variant();
    }

    @Test
    void handComputedBucket() {
        // murmur3("headline-colouruser-1") = 0xf00756e4 (Guava and our Murmur3 agree, see Murmur3Test), read
        // unsigned: 4027012836. bucket = (4027012836 * 100) >>> 32 = 93; running sums 50, 90, 100: green.
        long h = Hashing.murmur3_32_fixed().hashString("headline-colouruser-1", StandardCharsets.UTF_8).asInt() & 0xffffffffL;
        assertEquals(0xf00756e4L, h);
        assertEquals(93, (h * 100) >>> 32);
        CompiledRuleset rs = ruleset(flag("headline-colour",
                "{\"fractional\": [[\"red\", 50], [\"blue\", 40], [\"green\", 10]]}", "red", "blue", "green"));
        FlagResult r = rs.evaluate("headline-colour", context("{\"targetingKey\": \"user-1\"}"), TS);
        assertEquals("green", r.variant());
        assertEquals(Reason.TARGETING_MATCH, r.reason());
        // A signed reading of h (negative) would have picked another bucket; weights 93/7 put bucket 93 in the second.
        CompiledRuleset edge = ruleset(flag("headline-colour",
                "{\"fractional\": [[\"red\", 93], [\"blue\", 7]]}", "red", "blue"));
        assertEquals("blue", variantFor(edge, "headline-colour", "{\"targetingKey\": \"user-1\"}"));
        CompiledRuleset edge2 = ruleset(flag("headline-colour",
                "{\"fractional\": [[\"red\", 94], [\"blue\", 6]]}", "red", "blue"));
        assertEquals("red", variantFor(edge2, "headline-colour", "{\"targetingKey\": \"user-1\"}"));
    }

    @Test
    void defaultBucketingIsFlagKeyPlusTargetingKey() {
        String[] names = {"a", "b", "c", "d"};
        long[] weights = {10, 20, 30, 40};
        CompiledRuleset rs = ruleset(flag("my-flag",
                "{\"fractional\": [[\"a\", 10], [\"b\", 20], [\"c\", 30], [\"d\", 40]]}", names));
        for (int i = 0; i < 500; i++) {
            String tk = "user-" + i;
            assertEquals(expectedVariant("my-flag" + tk, names, weights),
                    variantFor(rs, "my-flag", "{\"targetingKey\": \"" + tk + "\"}"), tk);
        }
    }

    @Test
    void unicodeKeysHashTheirUtf8Bytes() {
        String[] names = {"a", "b"};
        long[] weights = {50, 50};
        CompiledRuleset rs = ruleset(flag("флаг-🚀", "{\"fractional\": [[\"a\", 50], [\"b\", 50]]}", names));
        for (String tk : List.of("ключ-😀", "名前", "Zürich", "🚀🚀")) {
            assertEquals(expectedVariant("флаг-🚀" + tk, names, weights),
                    variantFor(rs, "флаг-🚀", "{\"targetingKey\": \"" + tk + "\"}"), tk);
        }
    }

    @Test
    void explicitBucketBy() {
        String[] names = {"a", "b", "c"};
        long[] weights = {25, 25, 50};
        CompiledRuleset rs = ruleset(flag("f",
                "{\"fractional\": [{\"var\": \"email\"}, [\"a\", 25], [\"b\", 25], [\"c\", 50]]}", names));
        CompiledRuleset salted = ruleset(flag("f",
                "{\"fractional\": [{\"cat\": [\"salt-\", {\"var\": \"email\"}]}, [\"a\", 25], [\"b\", 25], [\"c\", 50]]}", names));
        for (int i = 0; i < 300; i++) {
            String email = "person" + i + "@example.com";
            String ctx = "{\"targetingKey\": \"ignored-" + i + "\", \"email\": \"" + email + "\"}";
            assertEquals(expectedVariant(email, names, weights), variantFor(rs, "f", ctx), email);
            assertEquals(expectedVariant("salt-" + email, names, weights), variantFor(salted, "f", ctx), email);
        }
        // A bucketBy that is neither a string nor null gives null: the default variant (flagd).
        FlagResult r = rs.evaluate("f", context("{\"email\": 12, \"targetingKey\": \"t\"}"), TS);
        assertEquals(Reason.DEFAULT, r.reason());
        assertEquals("default", r.variant());
        // A bucketBy that yields null (a missing attribute) falls back to flagKey + targetingKey, as in flagd...
        for (int i = 0; i < 100; i++) {
            assertEquals(expectedVariant("ft" + i, names, weights), variantFor(rs, "f", "{\"targetingKey\": \"t" + i + "\"}"));
        }
        // ...and without a targeting key there is nothing to bucket by: the default variant.
        assertEquals(Reason.DEFAULT, rs.evaluate("f", context("{}"), TS).reason());
    }

    @Test
    void missingOrNonStringTargetingKeyGivesDefault() {
        CompiledRuleset rs = ruleset(flag("f", "{\"fractional\": [[\"a\", 50], [\"b\", 50]]}", "a", "b"));
        for (String ctx : List.of("{}", "{\"targetingKey\": null}", "{\"targetingKey\": 7}", "{\"targetingKey\": [\"x\"]}")) {
            FlagResult r = rs.evaluate("f", context(ctx), TS);
            assertEquals(Reason.DEFAULT, r.reason(), ctx);
            assertEquals("default", r.variant(), ctx);
        }
        // An empty targeting key is none (flagd): the default variant.
        assertEquals(Reason.DEFAULT, rs.evaluate("f", context("{\"targetingKey\": \"\"}"), TS).reason());
    }

    @Test
    void fractionalInsideAnIfBranch() {
        String[] names = {"a", "b"};
        CompiledRuleset rs = ruleset(flag("f",
                "{\"if\": [{\"==\": [{\"var\": \"beta\"}, true]}, {\"fractional\": [[\"a\", 1], [\"b\", 3]]}, \"c\"]}",
                "a", "b", "c"));
        for (int i = 0; i < 200; i++) {
            String tk = "k" + i;
            assertEquals(expectedVariant("f" + tk, names, new long[] {1, 3}),
                    variantFor(rs, "f", "{\"targetingKey\": \"" + tk + "\", \"beta\": true}"));
            assertEquals("c", variantFor(rs, "f", "{\"targetingKey\": \"" + tk + "\"}"));
        }
    }

    /**
     * A fractional whose variant name is itself a fractional compiles and evaluates. With default bucketing
     * both levels hash the same string, so the inner bucket is a function of the outer one: when the outer
     * picks the nested entry (h &lt; 2^31 here) the inner 50/50 split always lands in its first half, and "b"
     * can never be chosen. An inner bucketBy of its own gives an independent split.
     */
    @Test
    void nestedFractionalAsVariantName() {
        CompiledRuleset rs = ruleset(flag("f",
                "{\"fractional\": [[{\"fractional\": [[\"a\", 1], [\"b\", 1]]}, 50], [\"c\", 50]]}", "a", "b", "c"));
        CompiledRuleset independent = ruleset(flag("f",
                "{\"fractional\": [[{\"fractional\": [{\"cat\": [{\"var\": \"targetingKey\"}, \"/inner\"]}, [\"a\", 1], [\"b\", 1]]}, 50], [\"c\", 50]]}",
                "a", "b", "c"));
        Map<String, Integer> counts = new HashMap<>();
        Map<String, Integer> independentCounts = new HashMap<>();
        for (int i = 0; i < 2000; i++) {
            String tk = "n" + i;
            String ctx = "{\"targetingKey\": \"" + tk + "\"}";
            String outer = expectedVariant("f" + tk, new String[] {"inner", "c"}, new long[] {50, 50});
            String expected = outer.equals("c") ? "c" : expectedVariant("f" + tk, new String[] {"a", "b"}, new long[] {1, 1});
            String actual = variantFor(rs, "f", ctx);
            assertEquals(expected, actual, tk);
            counts.merge(actual, 1, Integer::sum);
            String expectedIndependent = outer.equals("c") ? "c"
                    : expectedVariant(tk + "/inner", new String[] {"a", "b"}, new long[] {1, 1});
            String actualIndependent = variantFor(independent, "f", ctx);
            assertEquals(expectedIndependent, actualIndependent, tk);
            independentCounts.merge(actualIndependent, 1, Integer::sum);
        }
        assertNull(counts.get("b"), "correlated buckets: b is unreachable");
        assertTrue(counts.get("a") > 900 && counts.get("c") > 900, counts::toString);
        assertTrue(independentCounts.get("a") > 400 && independentCounts.get("b") > 400, independentCounts::toString);
    }

    @Test
    void zeroWeightVariantIsNeverChosen() {
        String[] names = {"a", "b", "c"};
        CompiledRuleset rs = ruleset(flag("f", "{\"fractional\": [[\"a\", 0], [\"b\", 1], [\"c\", 0]]}", names));
        for (int i = 0; i < 1000; i++) {
            assertEquals("b", variantFor(rs, "f", "{\"targetingKey\": \"z" + i + "\"}"));
        }
    }

    /** SPEC §1: odd literal weights are flag warnings, and the flag evaluates as flagd does. */
    @Test
    void oddLiteralWeightsAreWarningsWithFlagdsResult() throws Exception {
        for (String weights : List.of("[[\"a\", 0], [\"b\", 0]]", "[[\"a\", -3], [\"b\", 0]]")) {
            FlagSet fs = FlagdCompiler.compile(flag("f", "{\"fractional\": " + weights + "}", "a", "b"));
            assertTrue(fs.warnings().contains(CompileProblem.warning("/flags/f/targeting/fractional",
                    "fractional weights sum to 0: the operation yields null (the default variant)")), fs.warnings()::toString);
            FlagResult r = CompiledRuleset.of(fs.toRuleset("e", 1, 0, List.of())).evaluate("f", context("{\"targetingKey\": \"u\"}"), TS);
            assertEquals(Reason.DEFAULT, r.reason(), weights);
        }
        FlagSet negative = FlagdCompiler.compile(flag("f", "{\"fractional\": [[\"a\", -1], [\"b\", 5]]}", "a", "b"));
        assertEquals(List.of(CompileProblem.warning("/flags/f/targeting/fractional/0/1", "a negative weight counts 0, got -1")),
                negative.warnings());
        CompiledRuleset rs = CompiledRuleset.of(negative.toRuleset("e", 1, 0, List.of()));
        for (int i = 0; i < 100; i++) {
            assertEquals("b", variantFor(rs, "f", "{\"targetingKey\": \"n" + i + "\"}"));
        }
        // flagd refuses weights that are not whole numbers, and weights (or sums) beyond 2^31-1: null
        for (String weights : List.of("[[\"a\", 0.5], [\"b\", 1]]", "[[\"a\", 2147483648], [\"b\", 1]]",
                "[[\"a\", 2147483647], [\"b\", 1]]", "[[\"a\", \"50\"], [\"b\", 50]]", "[\"a\", [\"b\", 1]]")) {
            FlagSet fs = FlagdCompiler.compile(flag("f", "{\"fractional\": [{\"var\": \"targetingKey\"}, " + weights.substring(1) + "}", "a", "b"));
            assertEquals(1, fs.warnings().size(), weights + ": " + fs.warnings());
            assertTrue(fs.warnings().get(0).message().endsWith(": the operation yields null"), fs.warnings()::toString);
            FlagResult r = CompiledRuleset.of(fs.toRuleset("e", 1, 0, List.of())).evaluate("f", context("{\"targetingKey\": \"u\"}"), TS);
            assertEquals(Reason.DEFAULT, r.reason(), weights);
        }
    }

    @Test
    void computedWeights() {
        CompiledRuleset rs = ruleset(flag("f",
                "{\"fractional\": [[\"a\", {\"var\": \"wa\"}], [\"b\", {\"var\": \"wb\"}]]}", "a", "b"));
        for (int i = 0; i < 200; i++) {
            String tk = "\"targetingKey\": \"w" + i + "\"";
            assertEquals("b", variantFor(rs, "f", "{" + tk + ", \"wa\": 0, \"wb\": 5}"));
            assertEquals("b", variantFor(rs, "f", "{" + tk + ", \"wa\": -5, \"wb\": 1}"), "negative weights count 0");
            assertEquals("a", variantFor(rs, "f", "{" + tk + ", \"wa\": 3, \"wb\": 0}"));
            assertEquals(expectedVariant("fw" + i, new String[] {"a", "b"}, new long[] {30, 70}),
                    variantFor(rs, "f", "{" + tk + ", \"wa\": 30, \"wb\": 70}"));
        }
        // Every computed weight 0 or negative: no bucket, the default variant. As in flagd, a computed weight
        // that is not a whole number (or not a number) fails the operation: null, the default variant.
        for (String ws : List.of("\"wa\": 0, \"wb\": 0", "\"wa\": -1, \"wb\": -2", "\"wa\": 0.5, \"wb\": 2",
                "\"wa\": \"3\", \"wb\": 2", "\"wa\": 2147483647, \"wb\": 1")) {
            FlagResult r = rs.evaluate("f", context("{\"targetingKey\": \"u\", " + ws + "}"), TS);
            assertEquals(Reason.DEFAULT, r.reason(), ws);
            assertEquals("default", r.variant(), ws);
        }
        // A computed weight that yields null counts 1, like an absent one (flagd).
        for (int i = 0; i < 100; i++) {
            assertEquals(expectedVariant("fm" + i, new String[] {"a", "b"}, new long[] {1, 1}),
                    variantFor(rs, "f", "{\"targetingKey\": \"m" + i + "\"}"));
        }
    }

    @Test
    void absentWeightCountsOne() {
        String[] names = {"a", "b", "c"};
        CompiledRuleset rs = ruleset(flag("f", "{\"fractional\": [[\"a\"], [\"b\"], [\"c\", 2]]}", names));
        for (int i = 0; i < 300; i++) {
            assertEquals(expectedVariant("fx" + i, names, new long[] {1, 1, 2}),
                    variantFor(rs, "f", "{\"targetingKey\": \"x" + i + "\"}"));
        }
    }

    @Test
    void fiftyFiftyDistribution() {
        CompiledRuleset rs = ruleset(flag("rollout", "{\"fractional\": [[\"on\", 50], [\"off\", 50]]}", "on", "off"));
        int on = 0;
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            Map<String, Object> ctx = Map.of("targetingKey", "user-" + i);
            String v = rs.evaluate("rollout", EvaluationContext.of(ctx), TS).variant();
            if ("on".equals(v)) {
                on++;
            } else {
                assertEquals("off", v);
            }
        }
        assertTrue(Math.abs(on - n / 2) <= n / 100, "on=" + on + " of " + n);
    }
}
