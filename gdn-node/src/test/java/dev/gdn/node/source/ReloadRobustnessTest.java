package dev.gdn.node.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload that dies of an {@link Error} (here a StackOverflowError raised inside the reload, where a pathological
 * file would raise one) is logged once, leaves the last good version serving, does not use up a version number, is
 * reported by {@link ReloadStatus}, and does not stop the watcher: the next good edit is applied.
 */
class ReloadRobustnessTest {
    @TempDir
    Path tmp;
    final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLoggerName().equals(FlagFileLoader.class.getName())) {
                warnings.add(r.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    FlagFileLoader loader;

    /** A clock that throws the armed Error once, on the next reading: the reload reads it before installing. */
    static final class FailingClock extends Clock {
        volatile Error armed;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            Error e = armed;
            if (e != null) {
                armed = null;
                throw e;
            }
            return Instant.now();
        }
    }

    @BeforeEach
    void capture() {
        Logger.getLogger(FlagFileLoader.class.getName()).addHandler(capture);
    }

    @AfterEach
    void stop() {
        Logger.getLogger(FlagFileLoader.class.getName()).removeHandler(capture);
        if (loader != null) {
            loader.close();
        }
    }

    static String flags(String value) {
        return "{\"flags\":{\"f\":{\"state\":\"ENABLED\",\"variants\":{\"a\":\"" + value + "\"},\"defaultVariant\":\"a\"}}}";
    }

    static void write(Path file, String content, int tick) throws Exception {
        Files.writeString(file, content);
        // distinct modification times even on coarse file systems
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(tick)));
    }

    static void await(String what, BooleanSupplier ok) throws InterruptedException {
        long end = System.currentTimeMillis() + 8000;
        while (!ok.getAsBoolean()) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void anErrorInAReloadIsSurvivedAndReported() throws Exception {
        Path file = tmp.resolve("flags.json");
        write(file, flags("one"), 0);
        FailingClock clock = new FailingClock();
        RulesetRegistry registry = new RulesetRegistry(() -> Set.of(FlagFileLoader.ENVIRONMENT), null, "test");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ReloadStatus status = new ReloadStatus("flag-file", meters, clock);
        loader = new FlagFileLoader(file, null, null, registry, clock, status);
        loader.start(20);
        assertEquals(1, registry.current(FlagFileLoader.ENVIRONMENT).orElseThrow().version());

        clock.armed = new StackOverflowError("injected");
        write(file, flags("two"), 1);
        await("the failed reload reported", () -> status.problem() != null);
        assertTrue(status.problem().contains("StackOverflowError"), status.problem());
        assertEquals(1, registry.current(FlagFileLoader.ENVIRONMENT).orElseThrow().version(), "still serving v1");
        assertEquals(1.0, meters.get("gdn.reload.failed").gauge().value());
        assertEquals(1.0, meters.get("gdn.reload.failures").counter().count());
        List<String> lines = List.copyOf(warnings);
        assertEquals(1, lines.size(), lines::toString);
        assertTrue(lines.get(0).contains("still serving v1"), lines::toString);

        // the watcher still runs: the next edit is applied, as v2 (the failed one used no version)
        write(file, flags("three"), 2);
        await("v2 served", () -> registry.current(FlagFileLoader.ENVIRONMENT).orElseThrow().version() == 2);
        assertNull(status.problem());
        assertEquals(0.0, meters.get("gdn.reload.failed").gauge().value());
        assertEquals(1, warnings.size(), warnings::toString);
    }
}
