package dev.gdn.chaos.fault;

import dev.gdn.chaos.drill.DrillContext;
import dev.gdn.chaos.drill.Fault;
import dev.gdn.chaos.drill.Publishing;
import dev.gdn.chaos.report.CheckResult;
import dev.gdn.chaos.world.SyncLeader;
import dev.gdn.chaos.world.WorldControl;
import dev.gdn.chaos.world.WorldStores;
import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.sync.layout.ArtifactVerifier;
import dev.gdn.sync.layout.SignedIndex;
import dev.gdn.sync.layout.StoreLayout;
import dev.gdn.sync.store.GetResult;
import dev.gdn.sync.store.ObjectStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The leading sync daemon killed in the middle of a burst of publishes: the standby must take over,
 * and in the end every version is in every store exactly as signed once (the same bytes everywhere),
 * the index names the newest, and no store holds a version the control plane never made.
 */
public final class SyncLeaderCrash implements Fault {
    private static final int PUBLISHES = 5;
    private WorldControl.Part leader;
    private final List<Long> published = new ArrayList<>();

    @Override
    public void inject(DrillContext ctx) throws Exception {
        List<WorldControl.Part> syncs = ctx.parts("sync", null);
        if (syncs.size() < 2) {
            throw new IllegalStateException("the world runs " + syncs.size() + " sync daemon(s); this drill needs a leader and a standby");
        }
        Optional<Long> pid = SyncLeader.find(ctx.world(), syncs.stream().map(WorldControl.Part::pid).filter(p -> p != null).toList());
        leader = pid.flatMap(p -> syncs.stream().filter(s -> p.equals(s.pid())).findFirst()).orElse(null);
        if (leader == null) {
            throw new IllegalStateException("cannot tell which sync daemon leads (no session holds the advisory lock, or world.json names no database)");
        }
        ctx.event("the sync leader is " + leader.name() + " (pid " + leader.pid() + ")");
    }

    @Override
    public void hold(DrillContext ctx, Duration hold) throws Exception {
        long gap = Math.max(100, hold.toMillis() / (PUBLISHES + 1));
        for (int i = 1; i <= PUBLISHES; i++) {
            Publishing.Published p = Publishing.publish(ctx.admin(), ctx.world().environment(), "burst " + i);
            if (!p.ok()) {
                throw new IllegalStateException("publish " + i + " failed: HTTP " + p.status() + " " + p.body());
            }
            published.add(p.version());
            if (i == 2) {
                ctx.act(leader, "kill");
            }
            Thread.sleep(gap);
        }
        ctx.event("published " + published + "; the leader was killed after the second");
    }

    @Override
    public void heal(DrillContext ctx) throws Exception {
        if (leader != null) {
            ctx.act(leader, "start");
        }
    }

    @Override
    public List<CheckResult> verify(DrillContext ctx) throws Exception {
        List<CheckResult> out = new ArrayList<>();
        if (published.isEmpty()) {
            out.add(CheckResult.fail("every version in every store once", "nothing was published"));
            return out;
        }
        String env = ctx.world().environment();
        TrustedKeys trusted = WorldStores.trusted(ctx.world());
        List<Long> known = ctx.admin().versions(env);
        long newest = published.get(published.size() - 1);
        List<String> problems = new ArrayList<>();
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        do {
            problems.clear();
            Map<Long, byte[]> firstBytes = new HashMap<>();
            for (String uri : ctx.world().stores()) {
                try (ObjectStore s = WorldStores.open(ctx.world(), uri)) {
                    for (long v : published) {
                        if (!(s.get(StoreLayout.artifactKey(env, v), null) instanceof GetResult.Found f)) {
                            problems.add(s.name() + " lacks v" + v);
                            continue;
                        }
                        try {
                            ArtifactVerifier.verify(f.data(), env, v, trusted);
                        } catch (ArtifactVerifier.RejectedArtifact e) {
                            problems.add(s.name() + " v" + v + ": " + e.getMessage());
                        }
                        byte[] other = firstBytes.putIfAbsent(v, f.data());
                        if (other != null && !Arrays.equals(other, f.data())) {
                            problems.add("v" + v + " differs between stores: signed twice");
                        }
                    }
                    for (String key : s.list(StoreLayout.rulesetsPrefix(env))) {
                        StoreLayout.ArtifactRef ref = StoreLayout.parseArtifactKey(key);
                        if (ref != null && !known.contains(ref.version())) {
                            problems.add(s.name() + " holds v" + ref.version() + ", which the control plane never made");
                        }
                    }
                    long indexed = s.get(StoreLayout.INDEX_KEY, null) instanceof GetResult.Found f
                            ? SignedIndex.entry(SignedIndex.read(f.data(), trusted), env).map(e -> e.getVersion()).orElse(0L) : 0;
                    if (indexed < newest) {
                        problems.add(s.name() + "'s index names v" + indexed + ", not v" + newest);
                    }
                }
            }
            if (!problems.isEmpty()) {
                Thread.sleep(500);
            }
        } while (!problems.isEmpty() && System.nanoTime() < end);
        out.add(new CheckResult("every version in every store once", problems.isEmpty(), problems.isEmpty()
                ? published.size() + " versions " + published + " in all " + ctx.world().stores().size()
                        + " stores, the same signed bytes everywhere, each index at v" + newest
                : String.join("; ", problems.subList(0, Math.min(6, problems.size())))));
        return out;
    }
}
