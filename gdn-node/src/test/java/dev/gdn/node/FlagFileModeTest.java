package dev.gdn.node;

import static dev.gdn.node.NodeFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.node.NodeFixture.Resp;
import dev.gdn.ruleset.compile.FlagFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flag-file mode: one flagd file served as environment "default", reloaded on change. */
class FlagFileModeTest {
    @TempDir
    Path tmp;
    NodeFixture f;
    Path flags;
    /** Log lines of the flag-file loader, so a test knows when it has looked at (and rejected) an edit. */
    final List<String> loaderLog = new CopyOnWriteArrayList<>();
    final Logger loaderLogger = Logger.getLogger("dev.gdn.node.source.FlagFileLoader");
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            loaderLog.add(String.valueOf(r.getMessage()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void setUp() throws Exception {
        f = new NodeFixture(tmp);
        flags = tmp.resolve("flags.json");
        Files.writeString(flags, NodeFixture.flags(1));
        loaderLogger.addHandler(capture);
    }

    @AfterEach
    void tearDown() {
        loaderLogger.removeHandler(capture);
        f.close();
    }

    private Resp bulk(GdnNode node, String... headers) {
        return f.post(node, "/ofrep/v1/evaluate/flags", "{\"context\":{}}", headers);
    }

    /** SPEC §1: a file with flag warnings is served; the warnings are logged with their pointers and counted in /metrics. */
    @Test
    void flagWarningsAreLoggedAndCounted() throws Exception {
        Files.writeString(flags, NodeFixture.flags(1).replace("\"targeting\": {\"var\": \"pick\"}",
                "\"targeting\": {\"if\": [{\"ends_with\": [\"x\"]}, \"a\", {\"nope\": 1}]}"));
        GdnNode node = f.startFileNode(flags, null, null);
        assertTrue(loaderLog.stream().anyMatch(l -> l.contains("flag warning(s); each such flag evaluates as flagd does")), loaderLog::toString);
        assertEquals(List.of("gdn_ruleset_flag_warnings{environment=\"default\"} 2.0"), f.metric(node, "gdn_ruleset_flag_warnings"));
        Resp dynamic = f.post(node, "/ofrep/v1/evaluate/flags/dynamic-flag", "{\"context\":{}}");
        assertEquals(400, dynamic.status(), dynamic::toString);
        assertTrue(dynamic.text().contains("\"errorCode\":\"PARSE_ERROR\""), dynamic::text);
        assertEquals(200, bulk(node).status(), "every other flag is served");
    }

    @Test
    void noKeyNeededWithoutKeysAndEditsAreServed() throws Exception {
        GdnNode node = f.startFileNode(flags, null, null);
        Resp ready = f.get(node, "/health/ready");
        assertEquals(200, ready.status(), ready::toString);
        @SuppressWarnings("unchecked")
        Map<String, Object> env = (Map<String, Object>) ((Map<String, Object>) ready.jsonObject().get("environments")).get("default");
        assertEquals(1L, env.get("version"));
        assertEquals(flags.toString(), env.get("source"));

        Resp r = bulk(node);
        assertEquals(200, r.status(), r::toString);
        assertEquals("1", r.requireHeader("GDN-Ruleset-Version"));
        assertTrue(r.text().contains("\"value\":\"version-1\""), r::text);
        // any key, or a key, is fine too: there are none to check
        assertEquals(200, bulk(node, "X-API-Key", "whatever").status());
        assertEquals(200, f.get(node, "/gdn/v1/evaluate/anything/e30").status());

        // an edit becomes version 2
        Files.writeString(flags, NodeFixture.flags(2));
        await("v2 served", () -> "2".equals(bulk(node).header("GDN-Ruleset-Version").orElse("")));
        assertTrue(bulk(node).text().contains("\"value\":\"version-2\""));

        // a broken edit is rejected and the last good version keeps serving
        Files.writeString(flags, "{\"flags\": {\"x\": {\"state\": \"ON\", \"variants\": {}}}");
        await("the broken edit rejected", () -> loaderLog.stream().anyMatch(m -> m.contains("edit rejected")));
        Resp still = bulk(node);
        assertEquals(200, still.status());
        assertEquals("2", still.requireHeader("GDN-Ruleset-Version"));
        assertTrue(still.text().contains("\"value\":\"version-2\""));
        assertEquals(200, f.get(node, "/health/ready").status());

        // the next good edit is version 3: the broken one never became a version
        Files.writeString(flags, NodeFixture.flags(3));
        await("v3 served", () -> "3".equals(bulk(node).header("GDN-Ruleset-Version").orElse("")));
        assertTrue(bulk(node).text().contains("\"value\":\"version-3\""));
    }

    @Test
    void aRejectedEditIsVisibleInHealthAndMetricsUntilAGoodOne() throws Exception {
        GdnNode node = f.startFileNode(flags, null, null);
        Files.writeString(flags, "{\"flags\": {\"x\": {\"state\": \"ON\", \"variants\": {}}}");
        await("the broken edit reported", () -> "DEGRADED".equals(f.get(node, "/health/ready").jsonObject().get("status")));
        Resp ready = f.get(node, "/health/ready");
        assertEquals(200, ready.status(), "still serving v1: ready, degraded");
        String why = (String) ready.jsonObject().get("degraded");
        assertTrue(why.startsWith("last reload failed at ") && why.contains("edit rejected"), why);
        assertEquals(List.of("gdn_reload_failed{source=\"flag-file\"} 1.0"), f.metric(node, "gdn_reload_failed"));
        assertEquals(List.of("gdn_reload_failures_total{source=\"flag-file\"} 1.0"), f.metric(node, "gdn_reload_failures_total"));

        Files.writeString(flags, NodeFixture.flags(2));
        await("v2 served and the failure cleared", () -> "READY".equals(f.get(node, "/health/ready").jsonObject().get("status")));
        assertEquals(2, f.servedVersion(node));
        assertEquals(List.of("gdn_reload_failed{source=\"flag-file\"} 0.0"), f.metric(node, "gdn_reload_failed"));
    }

    @Test
    void configuredKeysAreRequired() throws Exception {
        GdnNode node = f.startFileNode(flags, "dev-client-key", "dev-server-key");
        Resp missing = bulk(node);
        assertEquals(401, missing.status(), missing::toString);
        assertEquals("application/json", missing.requireHeader("Content-Type"));
        assertTrue(missing.jsonObject().get("errorDetails") instanceof String);
        assertEquals(401, bulk(node, "X-API-Key", "wrong").status());
        assertEquals(200, bulk(node, "X-API-Key", "dev-client-key").status());
        assertEquals(200, bulk(node, "Authorization", "Bearer dev-client-key").status());
        assertEquals(200, f.get(node, "/gdn/v1/evaluate/dev-client-key/e30").status());
        assertEquals(403, f.get(node, "/gdn/v1/evaluate/dev-server-key/e30").status());
        // an unsigned development file has no envelope to download
        Resp download = f.get(node, "/gdn/v1/ruleset", "Authorization", "Bearer dev-server-key");
        assertEquals(404, download.status(), download::toString);
        assertTrue(download.jsonObject().get("errorDetails") instanceof String);
    }

    @Test
    void anInvalidFileAtStartupFailsLoudly() throws Exception {
        Files.writeString(flags, "{\"flags\": {\"x\": {\"state\": \"ENABLED\", \"variants\": {\"a\": 1}, \"defaultVariant\": \"b\"}}}");
        assertThrows(FlagFileException.class, () -> f.startFileNode(flags, null, null));
    }
}
