package dev.gdn.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.gdn.ruleset.compile.RuleJson;
import dev.gdn.ruleset.envelope.EnvelopeException;
import dev.gdn.ruleset.envelope.Envelopes;
import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.ruleset.eval.ProtoValues;
import dev.gdn.ruleset.json.JsonWriter;
import dev.gdn.ruleset.proto.ApiKeyHash;
import dev.gdn.ruleset.proto.ApiKeyKind;
import dev.gdn.ruleset.proto.Flag;
import dev.gdn.ruleset.proto.PayloadType;
import dev.gdn.ruleset.proto.Ruleset;
import dev.gdn.ruleset.proto.SignedEnvelope;
import dev.gdn.ruleset.proto.Variant;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "inspect",
        description = {"Show a signed ruleset artifact in readable form.",
            "With --trust, verify its SHA-256 and Ed25519 signature first and refuse (exit 4) if they do not verify."},
        mixinStandardHelpOptions = true)
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE.pb", description = "a signed envelope (from `gdn compile` or a store)")
    Path file;

    @Option(names = "--trust", paramLabel = "PUBKEY", description = "public key file(s) to verify against (repeatable)")
    List<Path> trust = new ArrayList<>();

    @Override
    public Integer call() {
        byte[] bytes = InputFiles.read(file, "artifact");
        PrintWriter out = spec.commandLine().getOut();
        SignedEnvelope env;
        try {
            env = Envelopes.parse(bytes);
        } catch (EnvelopeException e) {
            throw new CliException(trust.isEmpty() ? ExitCodes.BAD_INPUT : ExitCodes.NOT_VERIFIED, file + ": rejected: " + e.getMessage());
        }
        byte[] payload = env.getPayload().toByteArray();
        String verification;
        if (trust.isEmpty()) {
            boolean hashOk = sha256Matches(env);
            verification = hashOk ? "NOT VERIFIED (no --trust given; SHA-256 matches)" : "NOT VERIFIED and SHA-256 MISMATCH: corrupted";
        } else {
            TrustedKeys keys = KeyFiles.loadTrusted(trust);
            try {
                Envelopes.verify(bytes, env.getPayloadType(), keys);
                verification = "verified (SHA-256 and Ed25519 signature, key " + env.getKeyId() + ")";
            } catch (EnvelopeException e) {
                throw new CliException(ExitCodes.NOT_VERIFIED, file + ": rejected: " + e.getMessage());
            }
        }
        out.printf("envelope %s (%d bytes)%n", file, bytes.length);
        out.printf("  payload:    %s, %d bytes, sha256 %s%n", env.getPayloadType(), payload.length, HexFormat.of().formatHex(env.getPayloadSha256().toByteArray()));
        out.printf("  key id:     %s%n", env.getKeyId().isEmpty() ? "(none: unsigned)" : env.getKeyId());
        out.printf("  signature:  %s%n", verification);
        if (env.getPayloadType() != PayloadType.RULESET) {
            return ExitCodes.OK;
        }
        Ruleset r;
        try {
            r = Envelopes.parseRuleset(payload);
        } catch (InvalidProtocolBufferException e) {
            throw new CliException(ExitCodes.BAD_INPUT, file + ": payload is not a ruleset: " + e.getMessage());
        }
        printRuleset(out, r);
        return ExitCodes.OK;
    }

    private static boolean sha256Matches(SignedEnvelope env) {
        try {
            return MessageDigest.isEqual(MessageDigest.getInstance("SHA-256").digest(env.getPayload().toByteArray()),
                    env.getPayloadSha256().toByteArray());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void printRuleset(PrintWriter out, Ruleset r) {
        long clients = r.getApiKeysList().stream().filter(k -> k.getKind() == ApiKeyKind.CLIENT).count();
        long servers = r.getApiKeysList().stream().filter(k -> k.getKind() == ApiKeyKind.SERVER).count();
        out.println("ruleset");
        out.printf("  environment: %s%n", r.getEnvironmentId());
        out.printf("  version:     %d%n", r.getVersion());
        out.printf("  created:     %s%n", Instant.ofEpochMilli(r.getCreatedAtMillis()));
        out.printf("  source:      sha256 %s%n", r.getSourceSha256());
        out.printf("  api keys:    %d client, %d server%n", clients, servers);
        for (ApiKeyHash k : r.getApiKeysList()) {
            out.printf("    %-6s %s…  %s%n", k.getKind().name().toLowerCase(),
                    HexFormat.of().formatHex(k.getSha256().toByteArray(), 0, Math.min(6, k.getSha256().size())), k.getName());
        }
        out.printf("  metadata:    %s%n", JsonWriter.toJson(ProtoValues.toJava(r.getMetadata())));
        out.printf("  warnings:    %d%n", r.getWarningsCount());
        for (dev.gdn.ruleset.proto.CompileWarning w : r.getWarningsList()) {
            out.printf("    %s: warning: %s%n", w.getPointer(), w.getMessage());
        }
        if (r.getEvaluatorsCount() > 0) {
            out.printf("evaluators (%d, shared by every $ref)%n", r.getEvaluatorsCount());
            for (dev.gdn.ruleset.proto.Evaluator e : r.getEvaluatorsList()) {
                out.printf("  %s: %s%n", e.getName(), JsonWriter.toJson(RuleJson.toJson(e.getRule(), r.getEvaluatorsList())));
            }
        }
        out.printf("flags (%d)%n", r.getFlagsCount());
        for (Flag f : r.getFlagsList()) {
            StringBuilder variants = new StringBuilder();
            for (Variant v : f.getVariantsList()) {
                if (variants.length() > 0) {
                    variants.append(", ");
                }
                variants.append(v.getName()).append('=').append(JsonWriter.toJson(ProtoValues.toJava(v.getValue())));
            }
            out.printf("  %s  %s %s  default: %s%n", f.getKey(), f.getState(), f.getType().name().toLowerCase(),
                    f.hasDefaultVariant() ? f.getDefaultVariant() : "(none)");
            out.printf("    variants:  %s%n", variants);
            if (f.hasTargeting()) {
                out.printf("    targeting: %s%n", JsonWriter.toJson(RuleJson.toJson(f.getTargeting(), r.getEvaluatorsList())));
            }
            if (!f.getTargetingError().isEmpty()) {
                out.printf("    targeting: PARSE_ERROR on every evaluation: %s%n", f.getTargetingError());
            }
            if (f.getMetadata().getFieldsCount() > 0) {
                out.printf("    metadata:  %s%n", JsonWriter.toJson(ProtoValues.toJava(f.getMetadata())));
            }
        }
    }
}
