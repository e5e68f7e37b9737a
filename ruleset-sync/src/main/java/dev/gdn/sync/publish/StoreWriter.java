package dev.gdn.sync.publish;

import com.google.protobuf.ByteString;
import dev.gdn.ruleset.envelope.EnvelopeException;
import dev.gdn.ruleset.envelope.SigningKey;
import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.ruleset.proto.IndexEntry;
import dev.gdn.ruleset.proto.Ruleset;
import dev.gdn.ruleset.proto.StoreIndex;
import dev.gdn.sync.layout.ArtifactVerifier;
import dev.gdn.sync.layout.SignedIndex;
import dev.gdn.sync.layout.StoreLayout;
import dev.gdn.sync.store.GetResult;
import dev.gdn.sync.store.ObjectStore;
import dev.gdn.sync.store.PreconditionFailedException;
import dev.gdn.sync.store.StoreException;
import dev.gdn.sync.store.WriteCondition;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two writes every publication and repair makes to one store, in order: the immutable artifact,
 * then the index (compare-and-swap, merged so no environment ever goes backwards).
 */
final class StoreWriter {
    private static final System.Logger LOG = System.getLogger(StoreWriter.class.getName());
    /** Compare-and-swap attempts before giving up on a store whose index keeps changing under us. */
    private static final int MAX_INDEX_ATTEMPTS = 16;

    private final SigningKey signingKey;
    private final TrustedKeys trusted;
    private final Clock clock;

    StoreWriter(SigningKey signingKey, TrustedKeys trusted, Clock clock) {
        this.signingKey = signingKey;
        this.trusted = trusted;
        this.clock = clock;
    }

    /**
     * Writes an artifact unless the store already has it. Artifacts are immutable: an existing,
     * verifying object with other bytes at the same key is an error, never overwritten. An existing
     * object that does not verify (corrupted, truncated, tampered) is replaced: that is the repair.
     */
    void putArtifact(ObjectStore store, String key, byte[] bytes) throws StoreException {
        try {
            store.put(key, bytes, WriteCondition.IF_ABSENT);
        } catch (PreconditionFailedException exists) {
            GetResult existing = store.get(key, null);
            if (existing instanceof GetResult.Found f) {
                if (Arrays.equals(f.data(), bytes)) {
                    return; // already published: re-publishing is idempotent
                }
                StoreLayout.ArtifactRef ref = StoreLayout.parseArtifactKey(key);
                try {
                    ArtifactVerifier.verify(f.data(), ref.environmentId(), ref.version(), trusted);
                } catch (ArtifactVerifier.RejectedArtifact bad) {
                    LOG.log(Level.WARNING, "{0}: replacing {1}, which does not verify: {2}", store.name(), key, bad.getMessage());
                    store.put(key, bytes, WriteCondition.ifMatch(f.etag()));
                    return;
                }
            }
            throw new StoreException(store.name(), "put", key,
                    "a different artifact already exists at this key (artifacts are immutable; publish a higher version)", null, true);
        }
    }

    /** The store's verified index, or null when it has none. */
    StoreIndex readIndex(ObjectStore store) throws StoreException, EnvelopeException {
        GetResult got = store.get(StoreLayout.INDEX_KEY, null);
        return got instanceof GetResult.Found f ? SignedIndex.read(f.data(), trusted) : null;
    }

    /** The outcome of merging into one store's index. */
    enum IndexOutcome { UPDATED, ALREADY_CURRENT, NEWER_PRESENT }

    /**
     * Merges entries into the store's index with compare-and-swap, retrying when another writer got
     * there first. A missing or unverifiable index is rebuilt from the artifacts the store holds, so a
     * repair never drops environments the store already serves.
     */
    IndexOutcome mergeIndex(ObjectStore store, List<IndexEntry> entries) throws StoreException {
        for (int attempt = 0; attempt < MAX_INDEX_ATTEMPTS; attempt++) {
            GetResult got = store.get(StoreLayout.INDEX_KEY, null);
            StoreIndex current;
            WriteCondition condition;
            boolean rebuilt = false;
            if (got instanceof GetResult.Found f) {
                condition = WriteCondition.ifMatch(f.etag());
                try {
                    current = SignedIndex.read(f.data(), trusted);
                } catch (EnvelopeException e) {
                    rebuilt = true;
                    LOG.log(Level.WARNING, "{0}: {1} is unusable ({2}); rebuilding it from the artifacts in the store",
                            store.name(), StoreLayout.INDEX_KEY, e.getMessage());
                    current = scan(store);
                }
            } else {
                rebuilt = true;
                condition = WriteCondition.IF_ABSENT;
                current = scan(store);
            }
            StoreIndex merged = SignedIndex.merge(current, entries, clock.millis());
            if (merged == null) {
                if (!rebuilt) {
                    return outcomeWithoutChange(current, entries);
                }
                merged = current.toBuilder().setPublishedAtMillis(clock.millis()).build();
            }
            try {
                store.put(StoreLayout.INDEX_KEY, SignedIndex.write(merged, signingKey), condition);
                return IndexOutcome.UPDATED;
            } catch (PreconditionFailedException raced) {
                // another publisher or repairer wrote the index between our read and write: read again
            }
        }
        throw new StoreException(store.name(), "put", StoreLayout.INDEX_KEY,
                "the index kept changing during " + MAX_INDEX_ATTEMPTS + " compare-and-swap attempts", null);
    }

    private static IndexOutcome outcomeWithoutChange(StoreIndex current, List<IndexEntry> entries) {
        for (IndexEntry e : entries) {
            long have = SignedIndex.entry(current, e.getEnvironmentId()).map(IndexEntry::getVersion).orElse(0L);
            if (have > e.getVersion()) {
                return IndexOutcome.NEWER_PRESENT;
            }
        }
        return IndexOutcome.ALREADY_CURRENT;
    }

    /**
     * An index derived from the artifacts a store holds: per environment, the newest artifact that
     * verifies (and the next lower one present, as previous_version).
     */
    StoreIndex scan(ObjectStore store) throws StoreException {
        Map<String, List<Long>> versions = new LinkedHashMap<>();
        for (String key : store.list(StoreLayout.ENVIRONMENTS_PREFIX)) {
            StoreLayout.ArtifactRef ref = StoreLayout.parseArtifactKey(key);
            if (ref != null) {
                versions.computeIfAbsent(ref.environmentId(), k -> new ArrayList<>()).add(ref.version());
            }
        }
        List<IndexEntry> entries = new ArrayList<>();
        for (Map.Entry<String, List<Long>> env : versions.entrySet()) {
            List<Long> vs = env.getValue();
            vs.sort((a, b) -> Long.compare(b, a));
            for (int i = 0; i < vs.size(); i++) {
                String key = StoreLayout.artifactKey(env.getKey(), vs.get(i));
                if (!(store.get(key, null) instanceof GetResult.Found f)) {
                    continue;
                }
                try {
                    ArtifactVerifier.verify(f.data(), env.getKey(), vs.get(i), trusted);
                } catch (ArtifactVerifier.RejectedArtifact e) {
                    LOG.log(Level.WARNING, "{0}: {1} rejected while rebuilding the index: {2}", store.name(), key, e.getMessage());
                    continue;
                }
                entries.add(entryFor(env.getKey(), vs.get(i), f.data(), i + 1 < vs.size() ? vs.get(i + 1) : 0, clock.millis()));
                break;
            }
        }
        StoreIndex empty = StoreIndex.getDefaultInstance();
        StoreIndex built = SignedIndex.merge(empty, entries, clock.millis());
        return built == null ? empty : built;
    }

    static IndexEntry entryFor(String environmentId, long version, byte[] artifact, long previousVersion, long nowMillis) {
        return IndexEntry.newBuilder()
                .setEnvironmentId(environmentId)
                .setVersion(version)
                .setArtifactKey(StoreLayout.artifactKey(environmentId, version))
                .setArtifactSha256(ByteString.copyFrom(ArtifactVerifier.sha256(artifact)))
                .setArtifactSize(artifact.length)
                .setPublishedAtMillis(nowMillis)
                .setPreviousVersion(previousVersion)
                .build();
    }

    static IndexEntry entryFor(Ruleset ruleset, byte[] artifact, long nowMillis) {
        return entryFor(ruleset.getEnvironmentId(), ruleset.getVersion(), artifact, 0, nowMillis);
    }
}
