package dev.gdn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GdnCommandTest {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    static Run gdn(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = GdnCommand.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    static final String FLAGS = """
            {
              "metadata": {"team": "web"},
              "flags": {
                "beta": {
                  "state": "ENABLED",
                  "variants": {"on": true, "off": false},
                  "defaultVariant": "off",
                  "targeting": {"if": [{"ends_with": [{"var": "email"}, "@example.com"]}, "on", null]}
                },
                "ratio": {
                  "state": "ENABLED",
                  "variants": {"zero": 0.0, "half": 0.5},
                  "defaultVariant": "zero"
                }
              }
            }
            """;

    private Path flags() throws IOException {
        Path f = dir.resolve("flags.json");
        Files.writeString(f, FLAGS);
        return f;
    }

    @Test
    void evalSingleFlagPrintsTheOfrepSingleResponse() throws IOException {
        Run r = gdn("eval", "--flags", flags().toString(), "--flag", "beta", "--context", "{\"targetingKey\":\"u\",\"email\":\"a@example.com\"}");
        assertEquals(0, r.exit(), r.err());
        assertEquals("{\"key\":\"beta\",\"value\":true,\"reason\":\"TARGETING_MATCH\",\"variant\":\"on\",\"metadata\":{\"team\":\"web\"}}", r.out().strip());
    }

    @Test
    void evalAllFlagsPrintsTheBulkResponseAndKeepsFloatsFloats() throws IOException {
        Run r = gdn("eval", "--flags", flags().toString(), "--context", "{}");
        assertEquals(0, r.exit(), r.err());
        assertEquals("{\"flags\":["
                + "{\"key\":\"beta\",\"value\":false,\"reason\":\"DEFAULT\",\"variant\":\"off\",\"metadata\":{\"team\":\"web\"}},"
                + "{\"key\":\"ratio\",\"value\":0.0,\"reason\":\"STATIC\",\"variant\":\"zero\",\"metadata\":{\"team\":\"web\"}}"
                + "],\"metadata\":{\"team\":\"web\"}}", r.out().strip());
    }

    @Test
    void contextsFileGivesOneLinePerContextAndBadLinesDoNotStopTheRest() throws IOException {
        Path contexts = dir.resolve("contexts.jsonl");
        Files.writeString(contexts, "{\"email\":\"a@example.com\"}\n{broken\n\n[1,2]\n{\"email\":\"b@other.org\"}\n");
        Run r = gdn("eval", "--flags", flags().toString(), "--flag", "beta", "--contexts", contexts.toString());
        assertEquals(ExitCodes.PARTIAL, r.exit());
        List<String> lines = r.lines();
        assertEquals(4, lines.size(), r.out());
        assertTrue(lines.get(0).contains("\"variant\":\"on\""), lines.get(0));
        assertTrue(lines.get(1).contains("\"errorCode\":\"INVALID_CONTEXT\"") && lines.get(1).contains("line 2"), lines.get(1));
        assertTrue(lines.get(2).contains("\"errorCode\":\"INVALID_CONTEXT\"") && lines.get(2).contains("line 4"), lines.get(2));
        assertTrue(lines.get(3).contains("\"variant\":\"off\""), lines.get(3));
        assertTrue(r.err().contains(contexts + ":2: "), r.err());
        assertTrue(r.err().contains(contexts + ":4: context must be a JSON object, not an array"), r.err());
        assertTrue(r.err().contains("2 of 5 lines had an invalid context"), r.err());
    }

    @Test
    void invalidFlagFileNamesTheFileAndEveryProblemByPointer() throws IOException {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"flags\":{\"x\":{\"state\":\"ENABLED\",\"variants\":{\"a\":1},\"defaultVariant\":\"b\","
                + "\"targeting\":{\"nope\":[1]}}}}");
        Run r = gdn("eval", "--flags", bad.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.exit());
        assertEquals("", r.out());
        assertTrue(r.err().contains(bad + ": invalid flag file (2 problems)"), r.err());
        assertTrue(r.err().contains("/flags/x/defaultVariant: 'b' is not a variant of this flag"), r.err());
        assertTrue(r.err().contains("/flags/x/targeting: unknown operator 'nope'"), r.err());
    }

    @Test
    void malformedJsonNamesLineAndColumn() throws IOException {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\n  \"flags\": {\n    \"x\": nope\n  }\n}");
        Run r = gdn("eval", "--flags", bad.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.exit());
        assertTrue(r.err().contains("line 3, column"), r.err());
    }

    @Test
    void missingFileAndBadContextAreBadInput() throws IOException {
        Run missing = gdn("eval", "--flags", dir.resolve("absent.json").toString());
        assertEquals(ExitCodes.BAD_INPUT, missing.exit());
        assertTrue(missing.err().contains("absent.json: no such flag file"), missing.err());

        Run badContext = gdn("eval", "--flags", flags().toString(), "--context", "[1]");
        assertEquals(ExitCodes.BAD_INPUT, badContext.exit());
        assertTrue(badContext.err().contains("--context: context must be a JSON object, not an array"), badContext.err());
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertEquals(ExitCodes.USAGE, gdn("eval").exit());
        assertEquals(ExitCodes.USAGE, gdn("eval", "--flags", "x", "--context", "{}", "--contexts", "y").exit());
        assertEquals(ExitCodes.USAGE, gdn("no-such-command").exit());
    }

    @Test
    void cdnPurgeUrlsAreCheckedBeforeAnythingStarts() throws IOException {
        Run node = gdn("node", "--flags", flags().toString(), "--port", "0", "--cdn-purge", "ftp://127.0.0.1/");
        assertEquals(ExitCodes.USAGE, node.exit());
        assertTrue(node.err().contains("--cdn-purge 'ftp://127.0.0.1/' is not an http:// or https:// URL with a host"), node.err());
        Run classic = gdn("classic", "--data-dir", dir.resolve("data").toString(), "--cdn-purge", "http:/no-host");
        assertEquals(ExitCodes.USAGE, classic.exit());
        assertTrue(classic.err().contains("--cdn-purge 'http:/no-host' is not an http:// or https:// URL with a host"), classic.err());
    }

    @Test
    void helpDocumentsExitCodes() {
        Run r = gdn("--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("Exit codes:"), r.out());
        for (String code : List.of("0 ", "1 ", "2 ", "3 ", "4 ", "5 ", "70 ")) {
            assertTrue(r.out().contains("  " + code), code);
        }
    }

    @Test
    void keygenCompileInspectRoundTripAndVerification() throws IOException {
        Path keys = dir.resolve("keys");
        Run kg = gdn("keygen", "--out", keys.toString());
        assertEquals(0, kg.exit(), kg.err());
        assertTrue(Files.readString(keys.resolve("gdn-signing.key")).contains("PRIVATE KEY"));
        assertFalse(Files.readString(keys.resolve("gdn-signing.pub")).contains("PRIVATE KEY"));
        assertEquals(ExitCodes.CANNOT_WRITE, gdn("keygen", "--out", keys.toString()).exit(), "must not overwrite a key");

        Path out = dir.resolve("prod-7.pb");
        Run c = gdn("compile", flags().toString(), "--env", "prod", "--version", "7",
                "--sign-key", keys.resolve("gdn-signing.key").toString(), "-o", out.toString());
        assertEquals(0, c.exit(), c.err());

        Run ok = gdn("inspect", out.toString(), "--trust", keys.resolve("gdn-signing.pub").toString());
        assertEquals(0, ok.exit(), ok.err());
        assertTrue(ok.out().contains("verified (SHA-256 and Ed25519 signature"), ok.out());
        assertTrue(ok.out().contains("environment: prod"), ok.out());
        assertTrue(ok.out().contains("version:     7"), ok.out());
        assertTrue(ok.out().contains("targeting: {\"if\":[{\"ends_with\":[{\"var\":[\"email\"]},\"@example.com\"]},\"on\",null]}"), ok.out());

        Run unverified = gdn("inspect", out.toString());
        assertEquals(0, unverified.exit());
        assertTrue(unverified.out().contains("NOT VERIFIED"), unverified.out());

        gdn("keygen", "--out", keys.toString(), "--name", "other");
        Run wrongKey = gdn("inspect", out.toString(), "--trust", keys.resolve("other.pub").toString());
        assertEquals(ExitCodes.NOT_VERIFIED, wrongKey.exit());
        assertTrue(wrongKey.err().contains("UNKNOWN_KEY"), wrongKey.err());

        byte[] bytes = Files.readAllBytes(out);
        bytes[bytes.length - 5] ^= 0x01;
        Path flipped = dir.resolve("flipped.pb");
        Files.write(flipped, bytes);
        Run tampered = gdn("inspect", flipped.toString(), "--trust", keys.resolve("gdn-signing.pub").toString());
        assertEquals(ExitCodes.NOT_VERIFIED, tampered.exit());
        assertTrue(tampered.err().contains("HASH_MISMATCH"), tampered.err());

        Path truncated = dir.resolve("truncated.pb");
        Files.write(truncated, java.util.Arrays.copyOf(Files.readAllBytes(out), 200));
        Run cut = gdn("inspect", truncated.toString(), "--trust", keys.resolve("gdn-signing.pub").toString());
        assertEquals(ExitCodes.NOT_VERIFIED, cut.exit());
        assertTrue(cut.err().contains("TRUNCATED"), cut.err());
    }

    @Test
    void compileRefusesBadVersionAndWritesNothingForAnInvalidFile() throws IOException {
        Path keys = dir.resolve("keys");
        gdn("keygen", "--out", keys.toString());
        String key = keys.resolve("gdn-signing.key").toString();
        assertEquals(ExitCodes.USAGE, gdn("compile", flags().toString(), "--env", "prod", "--version", "0", "--sign-key", key, "-o", dir.resolve("a.pb").toString()).exit());

        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"flags\":{\"x\":{\"state\":\"ENABLED\",\"variants\":{}}}}", StandardCharsets.UTF_8);
        Path out = dir.resolve("b.pb");
        Run r = gdn("compile", bad.toString(), "--env", "prod", "--version", "1", "--sign-key", key, "-o", out.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.exit());
        assertTrue(r.err().contains("/flags/x/variants: needs at least one variant"), r.err());
        assertFalse(Files.exists(out), "no output for a rejected file");
    }
}
