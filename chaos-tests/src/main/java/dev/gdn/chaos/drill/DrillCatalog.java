package dev.gdn.chaos.drill;

import dev.gdn.chaos.fault.Faults;
import dev.gdn.chaos.fault.PostgresOutage;
import dev.gdn.chaos.fault.ProcessFaults;
import dev.gdn.chaos.fault.StoreLoss;
import dev.gdn.chaos.fault.StoreTampering;
import dev.gdn.chaos.fault.SyncLeaderCrash;
import dev.gdn.chaos.world.LinkState;
import dev.gdn.chaos.world.World;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Every drill, in the order {@code gdn drill all} runs them. Region drills act on the world's first region. */
public final class DrillCatalog {
    private static final List<Drill> ALL = List.of(
            new Drill("region-kill", "Region kill",
                    "The first region's GDN node and belt POP are killed. Its clients keep getting correct answers from the suspenders"
                            + " and other regions (the library) or their caches (plain clients); the region is back within seconds of the restart.",
                    w -> Faults.kill(first(w), "node", "belt_cdn")),
            new Drill("regional-blackhole", "Regional blackhole",
                    "The first region's belt CDN and node links accept connections and never answer (nothing refuses). The library"
                            + " hedges past them; its breakers open so the hang stops costing latency.",
                    w -> Faults.links(LinkState.BLACKHOLE, first(w) + ".belt_cdn", first(w) + ".node")),
            new Drill("all-nodes-down", "All GDN nodes down",
                    "Every GDN node is killed. The belt POPs serve what they cached, the library falls back to the suspenders"
                            + " (classic API behind its CDN), and every region recovers when the nodes return.",
                    w -> Faults.kill(null, "node")),
            new Drill("belt-cdn-down", "Belt CDN down everywhere",
                    "Every belt POP is killed. The library goes straight to the GDN nodes; plain clients of the belt serve their caches.",
                    w -> Faults.kill(null, "belt_cdn")),
            new Drill("suspenders-cdn-down", "Suspenders CDN down",
                    "The suspenders POP is killed. Nothing a user sees changes: the belt answers.",
                    w -> Faults.kill(null, "suspenders_cdn")),
            new Drill("classic-down", "Classic API down",
                    "The classic API (suspenders origin and admin API) is killed. Nodes keep serving from the stores.",
                    w -> Faults.kill(null, "classic")),
            new Drill("postgres-down", "PostgreSQL down",
                    "PostgreSQL is stopped. Evaluations are unaffected, admin writes answer 503 and write nothing, and once it is back"
                            + " a write succeeds, no version was lost, and every region serves the new one.",
                    w -> new PostgresOutage()),
            new Drill("store-lost", "One store lost",
                    "Every object of one store is deleted. Nodes carry on from the other store; the next publish repairs the lost one.",
                    w -> new StoreLoss(false)),
            new Drill("all-stores-lost", "Every store lost",
                    "Every object of every store is deleted. Nodes serve their last good ruleset, a node restarted meanwhile comes back from"
                            + " its disk cache, and the next publish fills the stores again.",
                    w -> new StoreLoss(true)),
            new Drill("tampered-store", "Tampered artifact and unsigned index",
                    "One store gets a corrupted artifact, a forged higher version signed by an untrusted key, and an unsigned index naming it."
                            + " Nothing of it is ever served, not even by a node restarted meanwhile.",
                    w -> new StoreTampering()),
            new Drill("publish-during-partition", "Publish during a partition",
                    "The first region's node is frozen (cut off) while two versions are published. Every region converges to the newest"
                            + " after the heal, and no session ever steps back to an older version.",
                    w -> ProcessFaults.publishDuringPartition(first(w))),
            new Drill("slow-tier", "Slow tier (300 ms)",
                    "Every region's belt CDN link gets 300 ms slower. The library hedges to the nodes after its hedge delay instead of waiting.",
                    w -> Faults.links(new LinkState.Slow(Duration.ofMillis(300)), "*.belt_cdn")),
            new Drill("flapping-node", "Flapping node",
                    "The first region's node vanishes for a second and comes back, again and again. Answers stay correct and never step back.",
                    w -> ProcessFaults.flappingNode(first(w))),
            new Drill("rolling-restart", "Rolling restart of every node",
                    "Every node is restarted in turn, as a deploy does. No evaluation goes unanswered.",
                    w -> ProcessFaults.rollingRestart()),
            new Drill("sync-leader-killed", "Sync leader killed mid-publish",
                    "The leading sync daemon is killed in the middle of five publishes. The standby takes over; every version reaches"
                            + " every store exactly once, and every region serves the newest.",
                    w -> new SyncLeaderCrash()));

    private DrillCatalog() {
    }

    public static List<Drill> all() {
        return ALL;
    }

    public static Optional<Drill> find(String name) {
        return ALL.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    private static String first(World w) {
        return w.regionCodes().get(0);
    }
}
