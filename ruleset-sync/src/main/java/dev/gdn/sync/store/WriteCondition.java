package dev.gdn.sync.store;

/** When a write may happen: always, only if nothing is there yet, or only over a known version. */
public sealed interface WriteCondition {
    record Always() implements WriteCondition {
    }

    /** Create only: fails if an object exists at the key. */
    record IfAbsent() implements WriteCondition {
    }

    /** Compare-and-swap: fails unless the object's current ETag is {@code etag}. */
    record IfMatch(String etag) implements WriteCondition {
    }

    WriteCondition ALWAYS = new Always();
    WriteCondition IF_ABSENT = new IfAbsent();

    static WriteCondition ifMatch(String etag) {
        return new IfMatch(etag);
    }
}
