package dev.gdn.node.source;

import dev.gdn.node.http.GdnHeaders;
import dev.gdn.ruleset.eval.CompiledRuleset;
import dev.gdn.ruleset.ofrep.BulkResponseWriter;
import io.helidon.http.Header;
import io.helidon.http.HeaderValues;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A ruleset ready to serve, with what every response from it shares, computed once.
 *
 * @param envelope the signed artifact bytes (null when the node serves an unsigned development file)
 * @param source   where it came from, for readiness and logs: a store URI, "disk-cache", or a file path
 */
public record LoadedRuleset(CompiledRuleset compiled, byte[] envelope, String source, Instant loadedAt,
                            Map<String, Object> bulkMetadata, List<String> allowedOrigins, BulkResponseWriter bulkWriter,
                            Header versionHeader) {

    public static LoadedRuleset of(CompiledRuleset compiled, byte[] envelope, String source, Instant loadedAt) {
        Map<String, Object> md = new LinkedHashMap<>(compiled.metadata());
        md.put("rulesetVersion", compiled.version());
        Map<String, Object> metadata = Collections.unmodifiableMap(md);
        return new LoadedRuleset(compiled, envelope, source, loadedAt, metadata,
                List.copyOf(compiled.ruleset().getAllowedOriginsList()), new BulkResponseWriter(compiled, metadata),
                // validated and encoded once per version, not on every response
                HeaderValues.createCached(GdnHeaders.RULESET_VERSION, compiled.version()));
    }

    /** The same ruleset with its signed artifact attached. */
    public LoadedRuleset withEnvelope(byte[] signed) {
        return new LoadedRuleset(compiled, signed, source, loadedAt, bulkMetadata, allowedOrigins, bulkWriter, versionHeader);
    }

    public String environmentId() {
        return compiled.environmentId();
    }

    public long version() {
        return compiled.version();
    }
}
