package dev.gdn.classic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.node.events.EventStreamConfig;
import dev.gdn.node.http.CdnPolicy;
import dev.gdn.node.server.RawHttp;
import dev.gdn.node.server.ServerLimits;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ClassicConfig#limits()} reaches the classic API's listener ({@code gdn classic --header-timeout} and co.). */
class ClassicLimitsTest {
    @TempDir
    Path dir;

    @Test
    void theConfiguredHeaderTimeoutClosesASilentConnection() throws Exception {
        ServerLimits limits = ClassicConfig.DEFAULT_LIMITS.withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(60));
        try (ClassicFixture f = new ClassicFixture(dir.resolve("data"), EventStreamConfig.DEFAULT, limits);
             RawHttp silent = new RawHttp(f.api.port())) {
            assertFalse(silent.closedWithin(500), "closed before the 1 s header timeout");
            assertTrue(silent.closedWithin(9_500), "the 1 s header timeout, not the default 10 s, must close a silent connection");
        }
    }

    @Test
    void theOlderConstructorsKeepTheAdminPayload() {
        ClassicConfig c = new ClassicConfig("127.0.0.1", 0, null, null, null, dir, 0, "t", Duration.ofSeconds(5), Duration.ofSeconds(1),
                CdnPolicy.DEFAULT);
        assertEquals(ClassicConfig.DEFAULT_LIMITS, c.limits());
        assertEquals(17L * 1024 * 1024, c.limits().maxPayload(), "flag uploads up to 16 MiB");
        assertEquals(ServerLimits.DEFAULT.withMaxPayload(c.limits().maxPayload()), c.limits());
    }
}
