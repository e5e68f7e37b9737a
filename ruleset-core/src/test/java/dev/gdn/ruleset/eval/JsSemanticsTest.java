package dev.gdn.ruleset.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** JavaScript's Number::toString, ToNumber and parseFloat, which every JSON Logic string conversion rests on. */
class JsSemanticsTest {

    /** Expected strings are what JavaScript's String(x) gives (shortest round-trip digits, JS exponent layout). */
    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', textBlock = """
            0                      | 0
            -0.0                   | 0
            1                      | 1
            -1.5                   | -1.5
            0.1                    | 0.1
            0.30000000000000004    | 0.30000000000000004
            123.456                | 123.456
            1e-6                   | 0.000001
            1.5e-7                 | 1.5e-7
            1e-7                   | 1e-7
            123456789012345680000  | 123456789012345680000
            1e21                   | 1e+21
            1.2345e22              | 1.2345e+22
            9007199254740991       | 9007199254740991
            9007199254740992       | 9007199254740992
            1152921504606846976    | 1152921504606847000
            1e20                   | 100000000000000000000
            2e23                   | 2e+23
            8.41e21                | 8.41e+21
            2.82879384806159e17    | 282879384806159000
            1.9400994884341945e25  | 1.9400994884341945e+25
            5e-324                 | 5e-324
            1.7976931348623157e308 | 1.7976931348623157e+308
            NaN                    | NaN
            Infinity               | Infinity
            -Infinity              | -Infinity
            """)
    void numberToString(double d, String expected) {
        assertEquals(expected, JsSemantics.numberToString(d));
    }

    @ParameterizedTest(name = "Number(\"{0}\") = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            ''         | 0
            '  '       | 0
            ' 12 '     | 12
            1.         | 1
            .5         | 0.5
            -.5        | -0.5
            +3         | 3
            1e3        | 1000
            0x1A       | 26
            0o17       | 15
            0b101      | 5
            -0x10      | NaN
            0x         | NaN
            1_000      | NaN
            12px       | NaN
            Infinity   | Infinity
            -Infinity  | -Infinity
            infinity   | NaN
            """)
    void toNumber(String s, String expected) {
        assertEquals(expected, JsSemantics.numberToString(JsSemantics.toNumber(s)));
    }

    @ParameterizedTest(name = "parseFloat(\"{0}\") = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            3.5        | 3.5
            '  4.5xyz' | 4.5
            12px       | 12
            1e3x       | 1000
            1e         | 1
            .5.5       | 0.5
            0x10       | 0
            -Infinityx | -Infinity
            x1         | NaN
            ''         | NaN
            """)
    void parseFloat(String s, String expected) {
        assertEquals(expected, JsSemantics.numberToString(JsSemantics.parseFloat(s)));
    }

    /** 3,000 doubles (random bit patterns and random magnitudes) with the String(x) Node.js printed for each. */
    @Test
    void numberToStringMatchesNode() throws Exception {
        int checked = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                JsSemanticsTest.class.getResourceAsStream("js-number-strings.txt"), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split(" ");
                double d = Double.longBitsToDouble(Long.parseUnsignedLong(parts[0], 16));
                assertEquals(parts[1], JsSemantics.numberToString(d), parts[0]);
                checked++;
            }
        }
        assertEquals(3000, checked);
    }
}
