package dev.gdn.ruleset.compile;

import dev.gdn.ruleset.proto.ApiKeyHash;
import dev.gdn.ruleset.proto.CompileWarning;
import dev.gdn.ruleset.proto.Evaluator;
import dev.gdn.ruleset.proto.Flag;
import dev.gdn.ruleset.proto.ObjectValue;
import dev.gdn.ruleset.proto.Ruleset;
import java.util.List;

/**
 * A compiled flag file, not yet bound to an environment and version.
 *
 * @param flags        sorted by key
 * @param evaluators   the shared {@code $evaluators} rules their targeting refers to, each before its users
 * @param sourceSha256 hex SHA-256 of the source bytes
 * @param warnings     the file's flag warnings (SPEC §1), in document order: each flag they name
 *                     evaluates as flagd does; callers print them (and count them), never drop them
 */
public record FlagSet(List<Flag> flags, List<Evaluator> evaluators, ObjectValue metadata, String sourceSha256,
                      List<CompileProblem> warnings) {
    public FlagSet {
        flags = List.copyOf(flags);
        evaluators = List.copyOf(evaluators);
        warnings = List.copyOf(warnings);
    }

    public Ruleset toRuleset(String environmentId, long version, long createdAtMillis, List<ApiKeyHash> apiKeys) {
        return Ruleset.newBuilder()
                .setEnvironmentId(environmentId)
                .setVersion(version)
                .setCreatedAtMillis(createdAtMillis)
                .addAllFlags(flags)
                .addAllEvaluators(evaluators)
                .setMetadata(metadata)
                .addAllApiKeys(apiKeys)
                .setSourceSha256(sourceSha256)
                .addAllWarnings(warnings.stream()
                        .map(w -> CompileWarning.newBuilder().setPointer(w.pointer()).setMessage(w.message()).build()).toList())
                .build();
    }
}
