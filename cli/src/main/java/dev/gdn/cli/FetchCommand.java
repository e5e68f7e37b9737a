package dev.gdn.cli;

import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.sync.fetch.Fetcher;
import dev.gdn.sync.fetch.FetcherConfig;
import dev.gdn.sync.fetch.Rejection;
import dev.gdn.sync.fetch.StoreStatus;
import dev.gdn.sync.fetch.VerifiedRuleset;
import dev.gdn.sync.store.ObjectStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "fetch",
        description = {"Read the stores as a GDN node would, once: verify every index and artifact, and print per environment",
            "the version a node would serve and from which store, each store's state, and what was rejected and why.",
            "Exit 0 when every environment asked for (or at least one) has a verified version, 6 otherwise."},
        mixinStandardHelpOptions = true)
final class FetchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "URI", description = "a store (repeatable)")
    List<String> stores = new ArrayList<>();

    @Option(names = "--trust", required = true, paramLabel = "PUBKEY", description = "public key file(s) to verify against (repeatable)")
    List<Path> trust = new ArrayList<>();

    @Option(names = "--env", paramLabel = "ENV", description = "only these environments (repeatable; default: all in the stores)")
    List<String> envs = new ArrayList<>();

    @Option(names = "--timeout", defaultValue = "5s", paramLabel = "DURATION", description = "per store call (default: ${DEFAULT-VALUE})")
    String timeout;

    @Override
    public Integer call() {
        TrustedKeys trusted = KeyFiles.loadTrusted(trust);
        List<ObjectStore> opened = StoreArgs.open(stores, Durations.parse(timeout, "--timeout"));
        PrintWriter out = spec.commandLine().getOut();
        // the report below tells every store failure and rejection: the fetcher need not log them too
        FetcherConfig config = FetcherConfig.DEFAULT.withEnvironments(Set.copyOf(envs)).withoutProblemLogging();
        try (Fetcher fetcher = new Fetcher(opened, trusted, config, new SimpleMeterRegistry(), Clock.systemUTC())) {
            fetcher.pollOnce();
            Set<String> wanted = new TreeSet<>(envs.isEmpty() ? fetcher.offeredEnvironments() : envs);
            out.println("environments");
            boolean allServed = !wanted.isEmpty();
            for (String env : wanted) {
                VerifiedRuleset r = fetcher.current().get(env);
                if (r == null) {
                    allServed = false;
                    out.printf("  %-24s nothing verified%n", env);
                } else {
                    out.printf("  %-24s v%-6d from %s (%d flags, created %s)%n", env, r.version(), r.source(),
                            r.ruleset().getFlagsCount(), Instant.ofEpochMilli(r.ruleset().getCreatedAtMillis()));
                }
            }
            out.println("stores");
            for (StoreStatus s : fetcher.storeStatuses()) {
                out.printf("  %-40s %s%s%n", s.store(), s.up() ? "up" : "DOWN",
                        s.up() ? "  " + s.versions() + (s.lagVersions() > 0 ? "  behind by " + s.lagVersions() : "")
                                : "  " + s.lastError());
            }
            List<Rejection> rejections = fetcher.recentRejections();
            if (!rejections.isEmpty()) {
                out.println("rejected");
                for (Rejection r : rejections) {
                    out.println("  " + r);
                }
            }
            return allServed ? ExitCodes.OK : ExitCodes.NO_STORE;
        } finally {
            opened.forEach(ObjectStore::close);
        }
    }

}
