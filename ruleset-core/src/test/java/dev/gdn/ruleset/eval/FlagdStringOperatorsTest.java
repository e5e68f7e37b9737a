package dev.gdn.ruleset.eval;

import static dev.gdn.ruleset.eval.Rules.TS;
import static dev.gdn.ruleset.eval.Rules.context;
import static dev.gdn.ruleset.eval.Rules.evalJs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** flagd's sem_ver, starts_with and ends_with (SPEC §2). */
class FlagdStringOperatorsTest {

    @ParameterizedTest(name = "{0} with {1} → {2}")
    @CsvSource(delimiter = '|', textBlock = """
            {"sem_ver": ["1.2.3", "=", "1.2.3"]}     | {} | true
            {"sem_ver": ["1.2.3", "=", "1.2.4"]}     | {} | false
            {"sem_ver": ["1.2.3", "!=", "1.2.4"]}    | {} | true
            {"sem_ver": ["1.2.3", "!=", "1.2.3"]}    | {} | false
            {"sem_ver": ["1.10.0", ">", "1.9.0"]}    | {} | true
            {"sem_ver": ["1.9.0", ">", "1.10.0"]}    | {} | false
            {"sem_ver": ["1.9.0", "<", "1.10.0"]}    | {} | true
            {"sem_ver": ["1.2.3", "<", "1.2.3"]}     | {} | false
            {"sem_ver": ["2.0.0", ">=", "2.0.0"]}    | {} | true
            {"sem_ver": ["1.0.0", ">=", "2.0.0"]}    | {} | false
            {"sem_ver": ["2.0.0", "<=", "2.0.0"]}    | {} | true
            {"sem_ver": ["2.0.1", "<=", "2.0.0"]}    | {} | false
            {"sem_ver": ["1.2.9", "~", "1.2.0"]}     | {} | true
            {"sem_ver": ["1.2.0-rc.1", "~", "1.2.5"]} | {} | true
            {"sem_ver": ["1.3.0", "~", "1.2.0"]}     | {} | false
            {"sem_ver": ["2.2.0", "~", "1.2.0"]}     | {} | false
            {"sem_ver": ["1.9.9", "^", "1.0.0"]}     | {} | true
            {"sem_ver": ["1.0.0", "^", "1.9.9"]}     | {} | true
            {"sem_ver": ["2.0.0", "^", "1.0.0"]}     | {} | false
            {"sem_ver": ["0.2.0", "^", "0.1.0"]}     | {} | true
            {"sem_ver": ["1.0.0+build.1", "=", "1.0.0+build.2"]} | {} | true
            {"sem_ver": ["1.0.0+x", "=", "1.0.0"]}   | {} | true
            {"sem_ver": ["1.0.0+zzz", ">", "1.0.0+aaa"]} | {} | false
            {"sem_ver": ["1.0.0-rc.1+b", "<", "1.0.0"]} | {} | true
            {"sem_ver": ["v1.2.3", "=", "1.2.3"]}    | {} | true
            {"sem_ver": ["V1.2.3", "=", "v1.2.3"]}   | {} | true
            {"sem_ver": ["1.2.3", "<", "V1.2.4"]}    | {} | true
            {"sem_ver": ["99999999999999999999.0.0", ">", "9999999999999999999.0.0"]} | {} | true
            {"sem_ver": ["1.0.0-Beta", "<", "1.0.0-alpha"]} | {} | true
            {"sem_ver": ["1.0.0-1", "<", "1.0.0-a"]} | {} | true
            {"sem_ver": ["1.0.0-2", "<", "1.0.0-10"]} | {} | true
            {"sem_ver": ["1.0.0-x-y", "=", "1.0.0-x-y"]} | {} | true
            {"sem_ver": [{"var": "app.version"}, ">=", "2.1.0"]}  | {"app": {"version": "2.1.0"}} | true
            {"sem_ver": [{"var": "app.version"}, ">=", {"var": "min"}]} | {"app": {"version": "2.0.9"}, "min": "2.1.0"} | false
            {"sem_ver": [{"var": "v"}, {"var": "op"}, "1.0.0"]}  | {"v": "2.0.0", "op": ">"} | true
            {"sem_ver": [{"var": "v"}, {"var": "op"}, "1.0.0"]}  | {"v": "2.0.0", "op": "=~"} | null
            {"sem_ver": [{"var": "v"}, {"var": "op"}, "1.0.0"]}  | {"v": "2.0.0", "op": 1} | null
            """)
    void semVer(String rule, String data, String expected) {
        assertEquals(expected, evalJs(rule, data), rule);
    }

    /** Invalid input (per SemVer 2.0.0 and flagd's 1 / 1.2 shorthands, after an optional v/V) gives null, for every operator. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            "1.2-beta"
            "1+build"
            "1."
            "1.2."
            "01"
            "1.2.3.4"
            "01.2.3"
            "1.02.3"
            "1.2.3-"
            "1.2.3-01"
            "1.2.3-a..b"
            "1.2.3+"
            "vv1.2.3"
            " 1.2.3"
            "1.2.3 "
            "abc"
            ""
            "x1.2.3"
            null
            1.5e300
            true
            {"var": "missing"}
            {"var": "obj"}
            """)
    void invalidVersionsGiveNull(String operand) {
        for (String op : List.of("=", "!=", ">", "<", ">=", "<=", "~", "^")) {
            String data = "{\"obj\": {\"a\": 1}}";
            assertEquals("null", evalJs("{\"sem_ver\": [" + operand + ", \"" + op + "\", \"1.0.0\"]}", data), operand + " " + op);
            assertEquals("null", evalJs("{\"sem_ver\": [\"1.0.0\", \"" + op + "\", " + operand + "]}", data), op + " " + operand);
        }
    }

    /** Operands are stringified: a number in the context is compared as its string, a shorthand version (flagd). */
    @Test
    void numericOperandsAreStringified() {
        assertEquals("true", evalJs("{\"sem_ver\": [{\"var\": \"v\"}, \">\", \"1.0.0\"]}", "{\"v\": 2}"));
        assertEquals("true", evalJs("{\"sem_ver\": [{\"var\": \"v\"}, \"=\", \"1.5\"]}", "{\"v\": 1.5}"));
        assertEquals("false", evalJs("{\"sem_ver\": [{\"var\": \"v\"}, \">\", \"1.1\"]}", "{\"v\": 1.1}"));
        assertEquals("true", evalJs("{\"sem_ver\": [{\"var\": \"v\"}, \"^\", \"1\"]}", "{\"v\": 1.0}"), "1.0 is String()ed as 1");
        assertEquals("null", evalJs("{\"sem_ver\": [{\"var\": \"v\"}, \"=\", \"1.0.0\"]}", "{\"v\": 1e21}"), "1e+21 is no version");
        // Stringification is what makes a computed string work: cat builds "1.2.3" from numbers.
        assertEquals("true", evalJs("{\"sem_ver\": [{\"cat\": [{\"var\": \"maj\"}, \".\", 2, \".\", 3]}, \"=\", \"1.2.3\"]}", "{\"maj\": 1}"));
    }

    static Stream<Arguments> preReleasePairs() {
        List<String> ordered = List.of("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
                "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1-0", "1.0.1");
        List<Arguments> pairs = new ArrayList<>();
        for (int i = 0; i < ordered.size(); i++) {
            for (int j = i + 1; j < ordered.size(); j++) {
                pairs.add(Arguments.of(ordered.get(i), ordered.get(j)));
            }
        }
        return pairs.stream();
    }

    /** SemVer 2.0.0 §11's precedence example, every pair. */
    @ParameterizedTest(name = "{0} < {1}")
    @MethodSource("preReleasePairs")
    void preReleaseOrdering(String lower, String higher) {
        String a = Rules.quote(lower);
        String b = Rules.quote(higher);
        assertEquals("true", evalJs("{\"sem_ver\": [" + a + ", \"<\", " + b + "]}"));
        assertEquals("true", evalJs("{\"sem_ver\": [" + b + ", \">\", " + a + "]}"));
        assertEquals("false", evalJs("{\"sem_ver\": [" + a + ", \">=\", " + b + "]}"));
        assertEquals("false", evalJs("{\"sem_ver\": [" + a + ", \"=\", " + b + "]}"));
        assertEquals("true", evalJs("{\"sem_ver\": [" + a + ", \"!=\", " + b + "]}"));
    }

    @Test
    void parse() {
        SemVer v = SemVer.parse("v1.22.333-rc.1+build.5");
        assertNotNull(v);
        assertEquals("1", v.major());
        assertEquals("22", v.minor());
        assertEquals("333", v.patch());
        assertEquals(List.of("rc", "1"), List.of(v.preRelease()));
        assertEquals("0", SemVer.parse("1.2").patch());
        assertEquals(0, SemVer.parse("1.2").compareTo(SemVer.parse("v1.2.0")));
        assertEquals(0, SemVer.parse("V1").compareTo(SemVer.parse("1.0.0")));
        assertNull(SemVer.parse("1.2-rc.1"));
    }

    /** A sem_ver result of null (invalid version) as the whole targeting result: the default variant, reason DEFAULT. */
    @Test
    void invalidVersionFallsBackToDefault() {
        CompiledRuleset rs = Rules.ruleset("""
                {"flags": {"new-ui": {"state": "ENABLED", "variants": {"true": "new", "false": "old"}, "defaultVariant": "false",
                  "targeting": {"sem_ver": [{"var": "version"}, ">=", "2.0.0"]}}}}
                """);
        FlagResult ok = rs.evaluate("new-ui", context("{\"version\": \"v2.0.0\"}"), TS);
        assertEquals("true", ok.variant());
        assertEquals(Reason.TARGETING_MATCH, ok.reason());
        assertEquals("false", rs.evaluate("new-ui", context("{\"version\": \"1.9.9\"}"), TS).variant());
        assertEquals("true", rs.evaluate("new-ui", context("{\"version\": \"2.0\"}"), TS).variant(), "2.0 is 2.0.0 (flagd)");
        for (String ctx : List.of("{\"version\": \"2.0.0.0\"}", "{}", "{\"version\": \"two\"}")) {
            FlagResult r = rs.evaluate("new-ui", context(ctx), TS);
            assertEquals(Reason.DEFAULT, r.reason(), ctx);
            assertEquals("false", r.variant(), ctx);
        }
    }

    @ParameterizedTest(name = "{0} with {1} → {2}")
    @CsvSource(delimiter = '|', textBlock = """
            {"starts_with": ["hello@example.com", "hello"]}   | {} | true
            {"starts_with": ["abc", "x"]}                     | {} | false
            {"starts_with": ["abc", ""]}                      | {} | true
            {"starts_with": ["ab", "abc"]}                    | {} | false
            {"starts_with": ["ключ-😀", "ключ"]}              | {} | true
            {"starts_with": [{"var": "email"}, "admin"]}      | {"email": "admin@x.io"} | true
            {"starts_with": [1, "1"]}                         | {} | null
            {"starts_with": ["1", 1]}                         | {} | null
            {"starts_with": [null, "a"]}                      | {} | null
            {"starts_with": [["a"], "a"]}                     | {} | null
            {"starts_with": [{"var": "missing"}, "a"]}        | {} | null
            {"starts_with": [true, "t"]}                      | {} | null
            {"ends_with": ["user@example.com", "@example.com"]} | {} | true
            {"ends_with": ["abc", "ab"]}                      | {} | false
            {"ends_with": ["abc", ""]}                        | {} | true
            {"ends_with": ["ключ-😀", "😀"]}                  | {} | true
            {"ends_with": [1, "1"]}                           | {} | null
            {"ends_with": ["1", 1]}                           | {} | null
            {"ends_with": ["a", null]}                        | {} | null
            {"ends_with": [{"var": "o"}, "]"]}                | {"o": {"k": 1}} | null
            """)
    void affixes(String rule, String data, String expected) {
        assertEquals(expected, evalJs(rule, data), rule);
    }
}
