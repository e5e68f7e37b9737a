package dev.gdn.classic;

import dev.gdn.node.server.HostileHttpContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11's framing reproducers against a real classic API; its admin API reads the POST bodies. */
class ClassicHostileHttpTest extends HostileHttpContract {
    @TempDir
    static Path tmp;
    static ClassicFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = new ClassicFixture(tmp);
    }

    @AfterAll
    static void stop() throws Exception {
        f.close();
    }

    @Override
    protected int port() {
        return f.api.port();
    }

    @Override
    protected String getPath() {
        return "/health/live";
    }

    @Override
    protected String postPath() {
        return "/admin/v1/environments";
    }

    @Override
    protected String postHeaders() {
        return "Authorization: " + ClassicFixture.AUTH + "\r\n";
    }
}
