package dev.gdn.sync.layout;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.gdn.ruleset.envelope.EnvelopeException;
import dev.gdn.ruleset.envelope.Envelopes;
import dev.gdn.ruleset.envelope.SigningKey;
import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.ruleset.proto.IndexEntry;
import dev.gdn.ruleset.proto.PayloadType;
import dev.gdn.ruleset.proto.StoreIndex;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Reading and writing a store's signed index, and merging entries into it without ever going backwards. */
public final class SignedIndex {
    private SignedIndex() {
    }

    /** Verifies (hash, signature, trusted key, payload type) and parses an index file. */
    public static StoreIndex read(byte[] bytes, TrustedKeys trusted) throws EnvelopeException {
        byte[] payload = Envelopes.verify(bytes, PayloadType.STORE_INDEX, trusted);
        try {
            return StoreIndex.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            throw new EnvelopeException(EnvelopeException.Reason.BAD_PAYLOAD, "verified payload is not a store index: " + e.getMessage(), e);
        }
    }

    public static byte[] write(StoreIndex index, SigningKey key) {
        return Envelopes.sign(index.toByteArray(), PayloadType.STORE_INDEX, key).toByteArray();
    }

    public static Optional<IndexEntry> entry(StoreIndex index, String environmentId) {
        for (IndexEntry e : index.getEntriesList()) {
            if (e.getEnvironmentId().equals(environmentId)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /**
     * The index with {@code entries} merged in: an entry replaces the current one for its environment
     * only when its version is higher (the replaced version becomes {@code previous_version}).
     * Returns null when nothing would change.
     */
    public static StoreIndex merge(StoreIndex current, List<IndexEntry> entries, long nowMillis) {
        List<IndexEntry> result = new ArrayList<>(current.getEntriesList());
        boolean changed = false;
        for (IndexEntry add : entries) {
            int at = -1;
            for (int i = 0; i < result.size(); i++) {
                if (result.get(i).getEnvironmentId().equals(add.getEnvironmentId())) {
                    at = i;
                    break;
                }
            }
            if (at < 0) {
                result.add(add);
                changed = true;
            } else if (add.getVersion() > result.get(at).getVersion()) {
                IndexEntry old = result.get(at);
                IndexEntry.Builder b = add.toBuilder();
                if (add.getPreviousVersion() == 0) {
                    b.setPreviousVersion(old.getVersion());
                }
                result.set(at, b.build());
                changed = true;
            }
        }
        if (!changed) {
            return null;
        }
        result.sort(Comparator.comparing(IndexEntry::getEnvironmentId));
        return StoreIndex.newBuilder().addAllEntries(result).setPublishedAtMillis(nowMillis).build();
    }
}
