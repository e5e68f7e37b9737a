package dev.gdn.chaos.fault;

import dev.gdn.chaos.drill.DrillContext;
import dev.gdn.chaos.drill.Fault;
import dev.gdn.chaos.drill.Publishing;
import dev.gdn.chaos.report.CheckResult;
import dev.gdn.chaos.world.WorldControl;
import dev.gdn.chaos.world.WorldStores;
import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.sync.layout.SignedIndex;
import dev.gdn.sync.layout.StoreLayout;
import dev.gdn.sync.store.GetResult;
import dev.gdn.sync.store.ObjectStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Stores lose every object: one store (the others carry on), or all of them (nodes serve their last
 * good ruleset, and a node restarted meanwhile comes back from its disk cache). The heal is the next
 * publish: the sync daemon writes it, with a fresh index, to every store.
 */
public final class StoreLoss implements Fault {
    private final boolean everyStore;
    private final List<String> lost = new ArrayList<>();
    private Publishing.Published published;
    private String restartedNode;

    /** @param everyStore every store, or only the first world.json lists */
    public StoreLoss(boolean everyStore) {
        this.everyStore = everyStore;
    }

    @Override
    public void inject(DrillContext ctx) throws Exception {
        List<String> uris = everyStore ? ctx.world().stores() : ctx.world().stores().subList(0, 1);
        for (String uri : uris) {
            try (ObjectStore s = WorldStores.open(ctx.world(), uri)) {
                List<String> keys = s.list("v1/");
                for (String k : keys) {
                    s.delete(k);
                }
                lost.add(uri);
                ctx.event("deleted all " + keys.size() + " objects of " + s.name());
            }
        }
    }

    @Override
    public void hold(DrillContext ctx, Duration hold) throws Exception {
        if (!everyStore) {
            Fault.super.hold(ctx, hold);
            return;
        }
        Thread.sleep(hold.toMillis() / 3);
        WorldControl.Part node = ctx.parts("node", ctx.world().regionCodes().get(0)).get(0);
        WorldControl.Part after = ctx.act(node, "restart"); // returns once ready: from the disk cache, with no store to read
        restartedNode = after.name() + (after.ready() ? " came back ready" : " is " + after.state());
        Thread.sleep(Math.max(0, hold.toMillis() * 2 / 3 - 1000));
    }

    @Override
    public void heal(DrillContext ctx) throws Exception {
        published = Publishing.publish(ctx.admin(), ctx.world().environment(), "after the store loss");
        ctx.event(published.ok() ? "published v" + published.version() + " (the sync daemon writes every store again)"
                : "publish after the loss failed: HTTP " + published.status());
    }

    @Override
    public List<CheckResult> verify(DrillContext ctx) throws Exception {
        List<CheckResult> out = new ArrayList<>();
        if (restartedNode != null) {
            out.add(new CheckResult("a node restarted with no store serves from its disk cache", restartedNode.endsWith("ready"), restartedNode));
        }
        if (published == null || !published.ok()) {
            out.add(CheckResult.fail("stores repaired by the next publish", "the publish failed"));
            return out;
        }
        TrustedKeys trusted = WorldStores.trusted(ctx.world());
        List<String> missing = new ArrayList<>();
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        do {
            missing.clear();
            for (String uri : lost) {
                try (ObjectStore s = WorldStores.open(ctx.world(), uri)) {
                    long indexed = s.get(StoreLayout.INDEX_KEY, null) instanceof GetResult.Found f
                            ? SignedIndex.entry(SignedIndex.read(f.data(), trusted), ctx.world().environment()).map(e -> e.getVersion()).orElse(0L)
                            : 0;
                    boolean artifact = s.get(StoreLayout.artifactKey(ctx.world().environment(), published.version()), null) instanceof GetResult.Found;
                    if (indexed < published.version() || !artifact) {
                        missing.add(s.name() + " (index at v" + indexed + ", artifact " + (artifact ? "there" : "missing") + ")");
                    }
                }
            }
            if (!missing.isEmpty()) {
                Thread.sleep(500);
            }
        } while (!missing.isEmpty() && System.nanoTime() < end);
        out.add(new CheckResult("stores repaired by the next publish", missing.isEmpty(), missing.isEmpty()
                ? "every lost store holds v" + published.version() + " and a signed index naming it" : "not repaired: " + missing));
        return out;
    }
}
