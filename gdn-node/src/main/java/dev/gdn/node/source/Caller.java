package dev.gdn.node.source;

import dev.gdn.ruleset.proto.ApiKeyKind;

/** Who is asking: the environment their API key belongs to, and the key's kind. */
public record Caller(String environmentId, ApiKeyKind kind) {
    public boolean isServer() {
        return kind == ApiKeyKind.SERVER;
    }
}
