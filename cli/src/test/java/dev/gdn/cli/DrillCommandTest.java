package dev.gdn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.chaos.drill.Drill;
import dev.gdn.chaos.drill.DrillCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DrillCommandTest {
    @TempDir
    Path dir;

    @Test
    void listNamesEveryDrillOfTheIssueWithWhatItProves() {
        GdnCommandTest.Run r = GdnCommandTest.gdn("drill", "list");
        assertEquals(0, r.exit(), r.err());
        List<String> names = List.of("region-kill", "regional-blackhole", "all-nodes-down", "belt-cdn-down", "suspenders-cdn-down",
                "classic-down", "postgres-down", "store-lost", "all-stores-lost", "tampered-store", "publish-during-partition", "slow-tier",
                "flapping-node", "rolling-restart", "sync-leader-killed");
        assertEquals(names, DrillCatalog.all().stream().map(Drill::name).toList());
        for (String n : names) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(n + " ")), () -> n + " missing from:\n" + r.out());
        }
        assertTrue(r.out().contains("Sync leader killed mid-publish"), r.out());
    }

    @Test
    void badUsageAndAMissingWorldSayWhatIsWrong() throws Exception {
        GdnCommandTest.Run unknown = GdnCommandTest.gdn("drill", "run", "region-kil", "--world", dir.toString());
        assertEquals(ExitCodes.USAGE, unknown.exit());
        assertTrue(unknown.err().contains("no drill named 'region-kil' (drills: region-kill, "), unknown.err());

        GdnCommandTest.Run noWorld = GdnCommandTest.gdn("drill", "run", "region-kill", "--world", dir.toString(), "--out", dir.resolve("r").toString());
        assertEquals(ExitCodes.BAD_INPUT, noWorld.exit());
        assertTrue(noWorld.err().contains("world.json: no such file (is a world running there?"), noWorld.err());

        Files.writeString(dir.resolve("world.json"), "{\"environment\": \"prod\"}");
        GdnCommandTest.Run bad = GdnCommandTest.gdn("drill", "all", "--quick", "--world", dir.toString());
        assertEquals(ExitCodes.BAD_INPUT, bad.exit());
        assertTrue(bad.err().contains("world.json /admin: missing"), bad.err());

        GdnCommandTest.Run shortHold = GdnCommandTest.gdn("drill", "run", "slow-tier", "--world", dir.toString(), "--hold", "500ms");
        assertEquals(ExitCodes.USAGE, shortHold.exit());
        assertTrue(shortHold.err().contains("must each last at least 1 s"), shortHold.err());
    }
}
