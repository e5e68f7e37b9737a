package dev.gdn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.sync.layout.StoreLayout;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Store failures as a user sees them from {@code gdn publish}, in a real process (so logs count too):
 * one line per failing store, naming the store, the operation and the cause, said once, and a store that
 * cannot be opened or used is one failed row, never the end of the publication.
 */
class StoreFailureReportTest {
    @TempDir
    Path dir;
    String key;

    @BeforeEach
    void setUp() throws Exception {
        Files.writeString(dir.resolve("flags.json"), GdnCommandTest.FLAGS);
        assertEquals(0, GdnCommandTest.gdn("keygen", "--out", dir.resolve("keys").toString()).exit());
        key = dir.resolve("keys/gdn-signing.key").toString();
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }

    @Test
    void aStoreThatCannotBeOpenedIsOneFailedRowAndThePublishGoesOn() throws Exception {
        Files.writeString(dir.resolve("blocker"), "a file where a directory of the store's path should be");
        String blocked = dir.resolve("blocker/store").toUri().toString();
        String good = dir.resolve("good").toUri().toString();
        GdnProcess p = GdnProcess.run(dir, Map.of(), "publish", "--flags", "flags.json", "--env", "prod", "--sign-key", key,
                "--to", blocked, "--to", good, "--timeout", "5s");
        String all = p.all();
        assertEquals(ExitCodes.OK, p.exit(), all);
        String row = p.out().stream().filter(l -> l.contains("blocker/store")).findFirst().orElseThrow(() -> new AssertionError(all));
        assertTrue(row.contains("FAILED") && row.contains("open failed: cannot create the directory: not a directory"), row);
        assertTrue(p.out().stream().anyMatch(l -> l.contains(good) && l.contains("PUBLISHED")), all);
        assertEquals(1, count(all, "cannot create the directory"), "the cause is told once:\n" + all);
        assertTrue(Files.exists(dir.resolve("good").resolve(StoreLayout.artifactKey("prod", 1))));
        assertTrue(p.err().isEmpty(), "nothing else to say:\n" + all);
    }

    @Test
    void anS3StoreWithoutCredentialsSaysSoInOneLineOnce() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort(); // nothing listens there once closed; no credentials means no request anyway
        }
        String s3 = "s3://gdn-bucket?endpoint=http://127.0.0.1:" + closedPort;
        String good = dir.resolve("good").toUri().toString();
        GdnProcess p = GdnProcess.run(dir, Map.of(), "publish", "--flags", "flags.json", "--env", "prod", "--sign-key", key,
                "--to", s3, "--to", good, "--timeout", "5s");
        String all = p.all();
        assertEquals(ExitCodes.OK, p.exit(), all);
        String row = p.out().stream().filter(l -> l.startsWith("  s3://gdn-bucket")).findFirst().orElseThrow(() -> new AssertionError(all));
        assertTrue(row.contains("FAILED") && row.contains("failed: no AWS credentials (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"),
                row);
        assertEquals(1, count(all, "no AWS credentials"), "said once:\n" + all);
        assertFalse(all.contains("AwsCredentialsProviderChain") || all.contains("InstanceProfileCredentialsProvider"), all);
        assertTrue(p.out().stream().anyMatch(l -> l.contains(good) && l.contains("PUBLISHED")), all);
        assertTrue(row.length() < 300, "one readable line: " + row);
    }

    @Test
    void withEveryStoreUnreadableTheErrorNamesEachCauseOnce() throws Exception {
        Files.writeString(dir.resolve("blocker"), "in the way");
        String blocked = dir.resolve("blocker/store").toUri().toString();
        GdnProcess p = GdnProcess.run(dir, Map.of(), "publish", "--flags", "flags.json", "--env", "prod", "--sign-key", key,
                "--to", blocked, "--timeout", "5s");
        String all = p.all();
        assertEquals(ExitCodes.NO_STORE, p.exit(), all);
        assertEquals(1, p.err().size(), all);
        assertTrue(p.err().get(0).startsWith("gdn publish: no store could be read") && p.err().get(0).contains(blocked)
                && p.err().get(0).contains("not a directory"), all);
    }
}
