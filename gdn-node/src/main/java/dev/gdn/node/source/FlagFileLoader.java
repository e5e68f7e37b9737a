package dev.gdn.node.source;

import dev.gdn.ruleset.apikey.ApiKeys;
import dev.gdn.ruleset.compile.FlagFileException;
import dev.gdn.ruleset.compile.FlagSet;
import dev.gdn.ruleset.compile.FlagdCompiler;
import dev.gdn.ruleset.eval.CompiledRuleset;
import dev.gdn.ruleset.proto.ApiKeyHash;
import dev.gdn.ruleset.proto.ApiKeyKind;
import dev.gdn.ruleset.proto.Ruleset;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Development and store-less self-hosting: serves one flagd file as environment {@code default} and
 * reloads it when it changes. A broken edit is rejected with a log line listing its problems, and the
 * last good version keeps serving. Each accepted change is a new version (1, 2, 3, …).
 */
public final class FlagFileLoader implements AutoCloseable {
    public static final String ENVIRONMENT = "default";
    private static final System.Logger LOG = System.getLogger(FlagFileLoader.class.getName());

    private final Path file;
    private final List<ApiKeyHash> keys;
    private final RulesetRegistry registry;
    private final Clock clock;
    private final ReloadStatus status;
    private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("gdn-flag-file-watch").daemon().factory());
    private long version;
    private FileTime lastModified;
    private byte[] lastContent;

    /** @param clientKey, serverKey the only keys accepted; both null means no key is needed */
    public FlagFileLoader(Path file, String clientKey, String serverKey, RulesetRegistry registry, Clock clock,
                          ReloadStatus status) {
        this.file = file;
        this.status = status;
        this.registry = registry;
        this.clock = clock;
        List<ApiKeyHash> k = new ArrayList<>();
        if (clientKey != null) {
            k.add(ApiKeys.hashOf(clientKey, ApiKeyKind.CLIENT, "--client-key"));
        }
        if (serverKey != null) {
            k.add(ApiKeys.hashOf(serverKey, ApiKeyKind.SERVER, "--server-key"));
        }
        this.keys = List.copyOf(k);
    }

    /** Whether requests need an API key (only when --client-key or --server-key was given). */
    public static boolean keysRequired(String clientKey, String serverKey) {
        return clientKey != null || serverKey != null;
    }

    /**
     * Loads the file now (failing loudly when it is unreadable or invalid at startup), then checks it
     * for changes every {@code pollMillis}.
     */
    public void start(long pollMillis) throws IOException, FlagFileException {
        byte[] content = Files.readAllBytes(file);
        load(content, FlagdCompiler.compile(content));
        lastModified = Files.getLastModifiedTime(file);
        watcher.scheduleWithFixedDelay(this::checkForChange, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
    }

    private synchronized void load(byte[] content, FlagSet flags) {
        // the version counts applied rulesets only: it moves once the new one is installed
        long next = version + 1;
        Ruleset r = flags.toRuleset(ENVIRONMENT, next, clock.millis(), keys);
        registry.install(LoadedRuleset.of(CompiledRuleset.of(r), null, file.toString(), clock.instant()));
        version = next;
        lastContent = content;
        status.applied();
        if (!flags.warnings().isEmpty()) {
            // SPEC §1: a flag warning leaves the file valid; say which flags evaluate as flagd does (and /metrics counts them)
            StringBuilder lines = new StringBuilder();
            flags.warnings().forEach(w -> lines.append("\n  ").append(file).append(':').append(w));
            LOG.log(Level.WARNING, "{0}: v{1} has {2} flag warning(s); each such flag evaluates as flagd does:{3}",
                    file, version, flags.warnings().size(), lines);
        }
    }

    /**
     * Runs on the watcher's schedule, so nothing may escape it: a scheduled task that throws is never run again,
     * and every later edit would be ignored while health still said READY.
     */
    private void checkForChange() {
        try {
            reloadIfChanged();
        } catch (Throwable e) {
            // StackOverflowError, OutOfMemoryError, a bug: one line, the old version keeps serving, the watcher goes on
            reject("cannot reload (" + e + ")");
        }
    }

    private void reject(String why) {
        LOG.log(Level.WARNING, file + ": " + why + "; still serving v" + version);
        status.failed(why);
    }

    private void reloadIfChanged() {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            if (modified.equals(lastModified)) {
                return;
            }
            lastModified = modified;
            byte[] content = Files.readAllBytes(file);
            if (Arrays.equals(content, lastContent)) {
                status.applied(); // the file is back to the version served
                return;
            }
            try {
                load(content, FlagdCompiler.compile(content));
            } catch (FlagFileException e) {
                reject("edit rejected: " + e.getMessage());
            }
        } catch (NoSuchFileException e) {
            reject("file is gone");
        } catch (IOException e) {
            reject("cannot reload (" + e + ")");
        }
    }

    @Override
    public void close() {
        watcher.shutdownNow();
    }
}
