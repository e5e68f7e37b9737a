package dev.gdn.sync.publish;

import java.util.List;

/** Every store's outcome of publishing one ruleset version. */
public record PublishResult(String environmentId, long version, List<StoreOutcome> outcomes) {
    public PublishResult {
        outcomes = List.copyOf(outcomes);
    }

    /** True when at least one store now holds the version. */
    public boolean anyStored() {
        return outcomes.stream().anyMatch(o -> o.status().stored());
    }

    public boolean allStored() {
        return outcomes.stream().allMatch(o -> o.status().stored());
    }

    public StoreOutcome outcome(String store) {
        return outcomes.stream().filter(o -> o.store().equals(store)).findFirst().orElse(null);
    }
}
