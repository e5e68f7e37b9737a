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
        assertTrue(r.err().contains(bad + ": invalid flag file (1 error, 1 warning)"), r.err());
        assertTrue(r.err().contains(bad + ":/flags/x/defaultVariant: error: 'b' is not a variant of this flag"), r.err());
        assertTrue(r.err().contains(bad + ":/flags/x/targeting/nope: warning: unknown operator 'nope'"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    /** SPEC §1: warnings leave a file valid; every command that compiles prints them; --strict refuses them. */
    @Test
    void flagWarningsArePrintedAndStrictRefusesThem() throws IOException {
        Path warn = dir.resolve("warn.json");
        Files.writeString(warn, "{\"flags\":{\"x\":{\"state\":\"ENABLED\",\"variants\":{\"a\":1,\"b\":2},\"defaultVariant\":\"a\","
                + "\"targeting\":{\"starts_with\":[\"abc\"]}}, \"y\":{\"state\":\"ENABLED\",\"variants\":{\"a\":1},\"defaultVariant\":\"a\"}}}");
        Run r = gdn("eval", "--flags", warn.toString());
        assertEquals(ExitCodes.OK, r.exit(), r.err());
        assertTrue(r.err().contains("gdn eval: " + warn + ": 1 flag warning"), r.err());
        assertTrue(r.err().contains(warn + ":/flags/x/targeting/starts_with: warning: 'starts_with' takes exactly 2 arguments, got 1"), r.err());
        assertTrue(r.out().contains("\"key\":\"x\",\"value\":1,\"reason\":\"DEFAULT\""), r.out());

        Path key = dir.resolve("keys");
        assertEquals(ExitCodes.OK, gdn("keygen", "--out", key.toString()).exit());
        Path signKey = key.resolve("gdn-signing.key");
        Run compiled = gdn("compile", warn.toString(), "--env", "prod", "--version", "1", "--sign-key", signKey.toString(),
                "-o", dir.resolve("a.pb").toString());
        assertEquals(ExitCodes.OK, compiled.exit(), compiled.err());
        assertTrue(compiled.err().contains("gdn compile: " + warn + ": 1 flag warning"), compiled.err());
        Run inspect = gdn("inspect", dir.resolve("a.pb").toString());
        assertTrue(inspect.out().contains("warnings:    1"), inspect.out());

        Run strict = gdn("compile", warn.toString(), "--strict", "--env", "prod", "--version", "1", "--sign-key", signKey.toString(),
                "-o", dir.resolve("b.pb").toString());
        assertEquals(ExitCodes.BAD_INPUT, strict.exit());
        assertTrue(strict.err().contains("invalid flag file (1 error; --strict: flag warnings count as errors)"), strict.err());
        assertTrue(strict.err().contains(warn + ":/flags/x/targeting/starts_with: error: "), strict.err());
        assertFalse(Files.exists(dir.resolve("b.pb")));
    }

    @Test
    void lintPrintsEveryProblemAndExitsZeroOneOrTwo() throws IOException {
        Path clean = flags();
        Path warn = dir.resolve("warn.json");
        Files.writeString(warn, "{\"flags\":{\"x\":{\"state\":\"ENABLED\",\"variants\":{\"a\":1},\"defaultVariant\":\"a\","
                + "\"targeting\":{\"if\":[true,\"typo\",\"a\"]}}}}");
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\n  \"flags\": {,}\n}");

        Run ok = gdn("lint", clean.toString());
        assertEquals(0, ok.exit());
        assertEquals("", ok.out());
        assertEquals(0, gdn("lint", clean.toString(), warn.toString()).exit(), "warnings alone pass without --strict");
        Run strict = gdn("lint", "--strict", clean.toString(), warn.toString());
        assertEquals(1, strict.exit());
        assertEquals(List.of(warn + ":/flags/x/targeting/if/1: warning: targeting returns 'typo', which is not a variant of flag 'x'"
                + " (variants: a): GENERAL when this is reached"), strict.lines());
        Run errors = gdn("lint", "--strict", warn.toString(), bad.toString(), dir.resolve("missing.json").toString());
        assertEquals(2, errors.exit());
        assertEquals(3, errors.lines().size(), errors.out());
        assertTrue(errors.lines().get(1).startsWith(bad + ":(document): error: malformed JSON: "), errors.out());
        assertTrue(errors.lines().get(1).endsWith("(line 2, column 13)"), errors.out());
        assertEquals(dir.resolve("missing.json") + ":(document): error: no such flag file", errors.lines().get(2));

        Run json = gdn("lint", "--json", warn.toString());
        assertEquals(0, json.exit());
        assertTrue(json.out().startsWith("{\"files\":[{\"file\":\"" + warn + "\",\"errors\":0,\"warnings\":1,\"problems\":[{\"pointer\":"
                + "\"/flags/x/targeting/if/1\",\"level\":\"warning\",\"message\":\"targeting returns 'typo'"), json.out());
    }

    /** Issue 10: the flagd testbed's merged file evaluates, and lint --strict names its broken flags. */
    @Test
    void flagdTestbedMergedFile() {
        Path merged = dev.gdn.node.conformance.FlagdTestbed.writeMerged(dir.resolve("testbed"));
        Run eval = gdn("eval", "--flags", merged.toString(), "--flag", "starts-with-wrong-args-flag");
        assertEquals(ExitCodes.OK, eval.exit(), eval.err());
        assertEquals("{\"key\":\"starts-with-wrong-args-flag\",\"value\":\"fallback\",\"reason\":\"DEFAULT\",\"variant\":\"fallback\",\"metadata\":{}}",
                eval.out().strip());
        Run lint = gdn("lint", "--strict", merged.toString());
        assertEquals(1, lint.exit(), lint.out());
        assertTrue(lint.out().contains(merged + ":/flags/starts-with-wrong-args-flag/targeting/starts_with: warning: "), lint.out());
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
        assertTrue(r.err().contains(bad + ":/flags/x/variants: error: needs at least one variant"), r.err());
        assertFalse(Files.exists(out), "no output for a rejected file");
    }

    @Test
    void aNodeOnAPortInUseRefusesToStartWithOneLineAndCode8() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            java.nio.file.Path flags = java.nio.file.Files.createTempFile("flags", ".json");
            java.nio.file.Files.writeString(flags, FLAGS);
            Run r = gdn("node", "--flags", flags.toString(), "--host", "127.0.0.1", "--port", Integer.toString(taken.getLocalPort()));
            assertEquals(ExitCodes.CANNOT_LISTEN, r.exit(), r::toString);
            assertEquals(1, r.err().lines().count(), r::err);
            assertTrue(r.err().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), r::err);
            java.nio.file.Files.delete(flags);
        }
    }
}
