package dev.gdn.node.source;

import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The rulesets a server evaluates with, by environment and version: the current one and at least the
 * previous one (for pinning). Fed from object stores in a GDN node, from the database in the classic
 * API; the HTTP and gRPC services depend only on this.
 */
public interface RulesetSource {
    /** The current ruleset of an environment. */
    Optional<LoadedRuleset> current(String environmentId);

    /**
     * The ruleset to answer a request with: {@code pinnedVersion} while it is retained (current or
     * previous), otherwise the current one. {@code pinnedVersion <= 0} means no pin.
     */
    Optional<LoadedRuleset> forRequest(String environmentId, long pinnedVersion);

    /** The environment and kind a presented API key belongs to, judged by the current rulesets' key hashes. */
    Optional<Caller> authenticate(String apiKey);

    /** Called with every newly installed version (e.g. to push it to gRPC watchers). */
    void addListener(Consumer<LoadedRuleset> listener);

    /** Per expected environment, what is loaded (null when nothing yet). Ready when none is null. */
    Map<String, LoadedRuleset> readiness();

    /** What feeds this source, for humans: "stores", "flag file …", "database". */
    String description();
}
