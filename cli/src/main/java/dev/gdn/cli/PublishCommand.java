package dev.gdn.cli;

import dev.gdn.cli.telemetry.Telemetry;
import dev.gdn.ruleset.compile.FlagSet;
import dev.gdn.ruleset.envelope.SigningKey;
import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.ruleset.eval.CompiledRuleset;
import dev.gdn.ruleset.proto.ApiKeyHash;
import dev.gdn.ruleset.proto.Ruleset;
import dev.gdn.sync.fetch.Fetcher;
import dev.gdn.sync.fetch.FetcherConfig;
import dev.gdn.sync.fetch.VerifiedRuleset;
import dev.gdn.sync.layout.StoreLayout;
import dev.gdn.sync.publish.PublishResult;
import dev.gdn.sync.publish.Publisher;
import dev.gdn.sync.publish.StoreOutcome;
import dev.gdn.sync.publish.WritePolicy;
import dev.gdn.sync.store.ObjectStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "publish",
        description = {"Compile, sign and publish a flag file straight to object stores, in parallel:",
            "in each store the artifact first, then the index. The path for flags kept in git and for self-hosters without a database.",
            "The version is one above the highest any readable store holds for the environment, unless --version says otherwise.",
            "Exit 0 when at least one store took it (the reconciler repairs the rest), 6 when none did."},
        mixinStandardHelpOptions = true)
final class PublishCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--flags", required = true, paramLabel = "FILE", description = "flagd flag-definition JSON file")
    Path flagsFile;

    @Option(names = "--env", required = true, paramLabel = "ENV", description = "environment id")
    String environment;

    @Option(names = "--strict", description = "refuse flag warnings too (SPEC §1), as a flag repository's CI would")
    boolean strict;

    @Option(names = "--sign-key", required = true, paramLabel = "KEY", description = "signing key file from `gdn keygen`")
    Path signKey;

    @Option(names = "--keys", paramLabel = "KEYS.json",
            description = "API keys file (`gdn apikey create`); without it the keys of the version being replaced are kept")
    Path keysFile;

    @Option(names = "--to", required = true, paramLabel = "URI", description = "a store: file:///dir, s3://bucket/prefix?…, gs://bucket/prefix (repeatable)")
    List<String> stores = new ArrayList<>();

    @Option(names = "--allow-origin", paramLabel = "ORIGIN",
            description = "a browser origin allowed to read evaluations, e.g. https://app.example.com (repeatable; default: any)")
    List<String> allowedOrigins = new ArrayList<>();

    @Option(names = "--version", paramLabel = "N", description = "publish as this version; refused unless higher than every readable store's")
    Long version;

    @Option(names = "--trust", paramLabel = "PUBKEY", description = "other public keys whose existing indexes to accept (key rotation)")
    List<Path> trust = new ArrayList<>();

    @Option(names = "--timeout", defaultValue = "10s", paramLabel = "DURATION", description = "the most to wait for any store (default: ${DEFAULT-VALUE})")
    String timeout;

    @Override
    public Integer call() {
        if (!StoreLayout.isValidEnvironmentId(environment)) {
            throw new CliException(ExitCodes.USAGE, "--env '" + environment
                    + "' is not a valid environment id (letters, digits, '.', '_', '-'; at most 64)");
        }
        SigningKey key = KeyFiles.loadSigningKey(signKey);
        TrustedKeys trusted = trust.isEmpty() ? TrustedKeys.of() : KeyFiles.loadTrusted(trust);
        FlagSet flags = InputFiles.compileFlags(flagsFile, strict, spec.commandLine().getErr(), "publish");
        Duration deadline = Durations.parse(timeout, "--timeout");
        WritePolicy policy = new WritePolicy(deadline, 3, Duration.ofMillis(100), Duration.ofSeconds(30));
        PrintWriter out = spec.commandLine().getOut();
        List<ObjectStore> opened = StoreArgs.open(stores, deadline);
        try (Telemetry telemetry = Telemetry.start("gdn-cli");
             Publisher publisher = new Publisher(opened, key, trusted, policy, Clock.systemUTC(), new SimpleMeterRegistry(),
                     telemetry.openTelemetry())) {
            Publisher.PublishedState state = publisher.publishedState(environment);
            if (state.unreadable().size() == opened.size() && version == null) {
                throw new CliException(ExitCodes.NO_STORE, "no store could be read, so the next version is unknown ("
                        + String.join("; ", state.unreadable().entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList())
                        + "); fix the stores or give --version");
            }
            long v = version != null ? version : state.highest() + 1;
            if (v <= state.highest()) {
                throw new CliException(ExitCodes.USAGE, "--version " + v + " is not higher than version " + state.highest()
                        + " already published for " + environment);
            }
            if (v < 1) {
                throw new CliException(ExitCodes.USAGE, "--version must be positive");
            }
            String keysFrom;
            List<ApiKeyHash> apiKeys;
            if (keysFile != null) {
                apiKeys = ApiKeysFile.read(keysFile).stream().map(ApiKeysFile.Entry::toProto).toList();
                keysFrom = "from " + keysFile;
            } else {
                // Dropping every key by leaving out --keys would lock every client out: keep the current ones.
                // (stores that could not be read just now are left out: their failure is told once, in their row below)
                VerifiedRuleset previous = currentVersion(opened.stream().filter(st -> !state.unreadable().containsKey(st.name())).toList(),
                        Publisher.withOwnKey(trusted, key));
                apiKeys = previous == null ? List.of() : previous.ruleset().getApiKeysList();
                keysFrom = previous == null ? "none: no --keys and no earlier version" : "kept from v" + previous.version();
            }
            for (String origin : allowedOrigins) {
                if (!origin.matches("https?://[^/\\s]+")) {
                    throw new CliException(ExitCodes.USAGE, "--allow-origin '" + origin + "' is not an origin (scheme://host[:port], no path)");
                }
            }
            Ruleset ruleset = flags.toRuleset(environment, v, System.currentTimeMillis(), apiKeys).toBuilder()
                    .addAllAllowedOrigins(allowedOrigins).build();
            CompiledRuleset.of(ruleset); // loadable by every reader, checked before anything is written
            PublishResult result = publisher.publish(ruleset);
            out.printf("%s v%d (%d flags, %d API keys %s) →%n", environment, v, ruleset.getFlagsCount(), apiKeys.size(), keysFrom);
            for (StoreOutcome o : result.outcomes()) {
                String unreadBefore = state.unreadable().get(o.store());
                // a failed row says why itself; a store that took the version after all gets the earlier failure as a note
                out.println("  " + o + (unreadBefore != null && o.status().stored()
                        ? "  (its index could not be read before publishing: " + unreadBefore + ")" : ""));
            }
            if (!result.anyStored()) {
                throw new CliException(ExitCodes.NO_STORE, "no store took " + environment + " v" + v);
            }
            return ExitCodes.OK;
        } finally {
            opened.forEach(ObjectStore::close);
        }
    }

    /** The environment's current verified version in the stores, read as a node would, or null. */
    private VerifiedRuleset currentVersion(List<ObjectStore> stores, TrustedKeys trusted) {
        if (stores.isEmpty()) {
            return null;
        }
        FetcherConfig config = FetcherConfig.DEFAULT.withEnvironments(java.util.Set.of(environment)).withoutProblemLogging();
        try (Fetcher fetcher = new Fetcher(stores, trusted, config, new SimpleMeterRegistry(), Clock.systemUTC())) {
            fetcher.pollOnce();
            return fetcher.current().get(environment);
        }
    }
}
