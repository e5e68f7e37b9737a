package dev.gdn.ruleset.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** MurmurHash3 x86 32-bit, seed 0, against Guava's reference implementation and published vectors. */
class Murmur3Test {
    private static final HashFunction GUAVA = Hashing.murmur3_32_fixed();

    private static int ours(String s) {
        return Murmur3.hash32(s.getBytes(StandardCharsets.UTF_8), 0);
    }

    private static int guava(String s) {
        return GUAVA.hashBytes(s.getBytes(StandardCharsets.UTF_8)).asInt();
    }

    @Test
    void matchesGuavaOnRandomInputs() {
        Random random = new Random(20261122L);
        for (int i = 0; i < 10_000; i++) {
            byte[] bytes = new byte[random.nextInt(65)];
            random.nextBytes(bytes);
            int expected = GUAVA.hashBytes(bytes).asInt();
            int actual = Murmur3.hash32(bytes, 0);
            if (expected != actual) {
                assertEquals(expected, actual, "input " + java.util.HexFormat.of().formatHex(bytes));
            }
        }
    }

    @Test
    void everyTailLength() {
        // Lengths 0..8 cover every tail case (0-3 trailing bytes) with and without full blocks; 0xff bytes catch sign bugs.
        for (int len = 0; len <= 8; len++) {
            byte[] bytes = new byte[len];
            java.util.Arrays.fill(bytes, (byte) 0xff);
            assertEquals(GUAVA.hashBytes(bytes).asInt(), Murmur3.hash32(bytes, 0), "length " + len);
        }
    }

    /** Published MurmurHash3_x86_32 (seed 0) values, independent of any Java library. */
    @ParameterizedTest(name = "\"{0}\" → {1}")
    @CsvSource(delimiter = '|', textBlock = """
            ''                                          | 0x00000000
            hello                                       | 0x248bfa47
            The quick brown fox jumps over the lazy dog | 0x2e4ff723
            """)
    void knownVectors(String input, String hex) {
        int expected = Integer.parseUnsignedInt(hex.substring(2), 16);
        assertEquals(expected, ours(input));
        assertEquals(expected, guava(input));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            a
            ab
            abc
            abcd
            abcde
            hello, world
            headline-colouruser-1
            ключ-😀
            🚀🚀🚀
            """)
    void matchesGuavaOnUtf8Strings(String input) {
        assertEquals(guava(input), ours(input));
    }

    @Test
    void seedIsUsed() {
        byte[] bytes = "hello".getBytes(StandardCharsets.UTF_8);
        assertEquals(Hashing.murmur3_32_fixed(42).hashBytes(bytes).asInt(), Murmur3.hash32(bytes, 42));
    }

    @org.junit.jupiter.api.Test
    void streamingUtf8HashEqualsHashingTheConcatenatedBytes() {
        java.util.Random rnd = new java.util.Random(7);
        String[] samples = {"", "a", "flag", "ключ", "😀", "日本語", "\uD800", "x\uDC00y", "é", "ü€"};
        for (int i = 0; i < 5_000; i++) {
            StringBuilder a = new StringBuilder();
            StringBuilder b = new StringBuilder();
            for (int j = rnd.nextInt(6); j > 0; j--) {
                a.append(samples[rnd.nextInt(samples.length)]);
            }
            for (int j = rnd.nextInt(6); j > 0; j--) {
                b.append(rnd.nextBoolean() ? samples[rnd.nextInt(samples.length)] : (char) rnd.nextInt(0x10000));
            }
            String s = a.toString() + b;
            assertEquals(Murmur3.hash32(s.getBytes(java.nio.charset.StandardCharsets.UTF_8), 0),
                    Murmur3.hash32Utf8(a.toString(), b.toString()), () -> "for " + s);
        }
    }
}
