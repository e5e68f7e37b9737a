package dev.gdn.node;

import dev.gdn.node.server.HostileHttpContract;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11's framing reproducers against a real node serving a flag file (the development mode a CDN may front). */
class HostileHttpTest extends HostileHttpContract {
    @TempDir
    static Path tmp;
    static NodeFixture f;
    static GdnNode node;

    @BeforeAll
    static void start() throws Exception {
        f = new NodeFixture(tmp);
        Path flags = tmp.resolve("flags.json");
        Files.writeString(flags, NodeFixture.flags(1));
        node = f.startFileNode(flags, null, null);
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    @Override
    protected int port() {
        return node.port();
    }

    @Override
    protected String getPath() {
        return "/health/live";
    }

    @Override
    protected String postPath() {
        return "/ofrep/v1/evaluate/flags";
    }
}
