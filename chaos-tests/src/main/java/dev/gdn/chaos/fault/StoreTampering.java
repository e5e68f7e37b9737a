package dev.gdn.chaos.fault;

import com.google.protobuf.ByteString;
import dev.gdn.chaos.drill.DrillContext;
import dev.gdn.chaos.drill.Fault;
import dev.gdn.chaos.drill.Publishing;
import dev.gdn.chaos.report.CheckResult;
import dev.gdn.chaos.world.WorldControl;
import dev.gdn.chaos.world.WorldStores;
import dev.gdn.ruleset.compile.FlagdCompiler;
import dev.gdn.ruleset.envelope.Envelopes;
import dev.gdn.ruleset.envelope.SigningKey;
import dev.gdn.ruleset.proto.IndexEntry;
import dev.gdn.ruleset.proto.PayloadType;
import dev.gdn.ruleset.proto.SignedEnvelope;
import dev.gdn.ruleset.proto.StoreIndex;
import dev.gdn.sync.layout.ArtifactVerifier;
import dev.gdn.sync.layout.StoreLayout;
import dev.gdn.sync.store.GetResult;
import dev.gdn.sync.store.ObjectStore;
import dev.gdn.sync.store.WriteCondition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An attacker (or a broken tool) writes into one store: the current artifact with a flipped byte, a
 * forged higher version signed by a key nobody trusts, and an unsigned index naming the forgery. Nodes
 * must never serve any of it (they keep the version they verified, and a node restarted meanwhile
 * takes the good store's); the heal puts the store's own bytes back.
 */
public final class StoreTampering implements Fault {
    private ObjectStore store;
    private byte[] indexBackup;
    private String artifactKey;
    private byte[] artifactBackup;
    private long forgedVersion;
    private String forgedKey;
    private String restarted;

    @Override
    public void inject(DrillContext ctx) throws Exception {
        String env = ctx.world().environment();
        String uri = ctx.world().stores().stream().filter(u -> u.startsWith("file:")).findFirst().orElse(ctx.world().stores().get(0));
        store = WorldStores.open(ctx.world(), uri);
        if (!(store.get(StoreLayout.INDEX_KEY, null) instanceof GetResult.Found index)) {
            throw new IllegalStateException(store.name() + " has no index to tamper with");
        }
        indexBackup = index.data();
        long current = ctx.admin().versions(env).stream().mapToLong(Long::longValue).max().orElseThrow();
        artifactKey = StoreLayout.artifactKey(env, current);
        if (store.get(artifactKey, null) instanceof GetResult.Found artifact) {
            artifactBackup = artifact.data();
            byte[] flipped = artifactBackup.clone();
            flipped[flipped.length / 2] ^= 0x20;
            store.put(artifactKey, flipped, WriteCondition.ALWAYS);
            ctx.event("flipped a byte of " + store.name() + artifactKey);
        }
        forgedVersion = current + 1000;
        forgedKey = StoreLayout.artifactKey(env, forgedVersion);
        String forgedFlags = Publishing.withMarker(Publishing.latestSource(ctx.admin(), env), "forged");
        byte[] forged = Envelopes.sign(FlagdCompiler.compile(forgedFlags).toRuleset(env, forgedVersion, System.currentTimeMillis(), List.of()),
                SigningKey.generate()).toByteArray();
        store.put(forgedKey, forged, WriteCondition.ALWAYS);
        StoreIndex idx = StoreIndex.newBuilder().setPublishedAtMillis(System.currentTimeMillis()).addEntries(IndexEntry.newBuilder()
                .setEnvironmentId(env).setVersion(forgedVersion).setArtifactKey(forgedKey)
                .setArtifactSha256(ByteString.copyFrom(ArtifactVerifier.sha256(forged))).setArtifactSize(forged.length)
                .setPublishedAtMillis(System.currentTimeMillis()).setPreviousVersion(current)).build();
        byte[] payload = idx.toByteArray();
        byte[] unsigned = SignedEnvelope.newBuilder().setPayload(ByteString.copyFrom(payload))
                .setPayloadSha256(ByteString.copyFrom(ArtifactVerifier.sha256(payload))).setPayloadType(PayloadType.STORE_INDEX).build()
                .toByteArray();
        store.put(StoreLayout.INDEX_KEY, unsigned, WriteCondition.ALWAYS);
        ctx.event("wrote v" + forgedVersion + " signed by an untrusted key and an unsigned index naming it into " + store.name());
    }

    @Override
    public void hold(DrillContext ctx, Duration hold) throws Exception {
        Thread.sleep(hold.toMillis() / 3);
        WorldControl.Part node = ctx.parts("node", ctx.world().regionCodes().get(0)).get(0);
        WorldControl.Part after = ctx.act(node, "restart");
        restarted = after.name() + (after.ready() ? " came back ready" : " is " + after.state());
        Thread.sleep(Math.max(0, hold.toMillis() * 2 / 3 - 1000));
    }

    @Override
    public void heal(DrillContext ctx) throws Exception {
        if (store == null) {
            return;
        }
        try {
            if (indexBackup != null) {
                store.put(StoreLayout.INDEX_KEY, indexBackup, WriteCondition.ALWAYS);
            }
            if (artifactBackup != null) {
                store.put(artifactKey, artifactBackup, WriteCondition.ALWAYS);
            }
            if (forgedKey != null) {
                store.delete(forgedKey);
            }
            ctx.event("restored " + store.name() + "'s own index and artifact, removed the forgery");
        } finally {
            store.close();
        }
    }

    @Override
    public List<CheckResult> verify(DrillContext ctx) {
        List<CheckResult> out = new ArrayList<>();
        long max = ctx.observations().maxVersionAnswered();
        out.add(new CheckResult("the forged version was never served", max < forgedVersion,
                "highest version any answer named: v" + max + " (forged: v" + forgedVersion + ")"));
        out.add(new CheckResult("a node restarted meanwhile refuses the tampered store", restarted != null && restarted.endsWith("ready"),
                restarted == null ? "no restart happened" : restarted));
        return out;
    }
}
