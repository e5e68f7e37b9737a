package dev.gdn.cli;

import dev.gdn.ruleset.envelope.SigningKey;
import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.sync.publish.Reconciler;
import dev.gdn.sync.publish.WritePolicy;
import dev.gdn.sync.store.ObjectStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "reconcile",
        description = {"Repair stores from the newest verified state among them: copy missing or bad artifacts, then merge indexes",
            "(never backwards). Reads every store's copy of the newest artifacts. Exit 0 when every store converged, 1 otherwise."},
        mixinStandardHelpOptions = true)
final class ReconcileCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--to", required = true, paramLabel = "URI", description = "a store (repeatable)")
    List<String> stores = new ArrayList<>();

    @Option(names = "--sign-key", required = true, paramLabel = "KEY", description = "signing key for the indexes it rewrites")
    Path signKey;

    @Option(names = "--trust", paramLabel = "PUBKEY", description = "other public keys whose artifacts and indexes to accept")
    List<Path> trust = new ArrayList<>();

    @Option(names = "--timeout", defaultValue = "30s", paramLabel = "DURATION", description = "the most to wait for any store (default: ${DEFAULT-VALUE})")
    String timeout;

    @Override
    public Integer call() {
        SigningKey key = KeyFiles.loadSigningKey(signKey);
        TrustedKeys trusted = trust.isEmpty() ? TrustedKeys.of() : KeyFiles.loadTrusted(trust);
        Duration deadline = Durations.parse(timeout, "--timeout");
        List<ObjectStore> opened = StoreArgs.open(stores, deadline);
        PrintWriter out = spec.commandLine().getOut();
        try (Reconciler reconciler = new Reconciler(opened, key, trusted,
                new WritePolicy(deadline, 3, Duration.ofMillis(100), Duration.ofSeconds(30)), Clock.systemUTC(), new SimpleMeterRegistry())) {
            Reconciler.Report report = reconciler.reconcileOnce(true);
            out.println("newest verified: " + (report.newest().isEmpty() ? "(nothing)" : report.newest()));
            for (Map.Entry<String, Reconciler.StoreReport> e : report.stores().entrySet()) {
                Reconciler.StoreReport r = e.getValue();
                String what = r.error() != null ? "FAILED: " + r.error()
                        : r.copied().isEmpty() && !r.indexUpdated() ? "in sync"
                        : (r.copied().isEmpty() ? "" : "copied " + String.join(", ", r.copied()) + "; ")
                                + (r.indexUpdated() ? "index updated" : "index current");
                out.printf("  %-40s %s%n", e.getKey(), what);
            }
            return report.converged() ? ExitCodes.OK : ExitCodes.PARTIAL;
        } finally {
            opened.forEach(ObjectStore::close);
        }
    }
}
