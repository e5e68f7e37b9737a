package dev.gdn.cli;

import dev.gdn.ruleset.apikey.ApiKeys;
import dev.gdn.ruleset.proto.ApiKeyKind;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "apikey",
        description = "Manage the API keys file used by `gdn publish --keys` (hashes only; secrets are shown once).",
        mixinStandardHelpOptions = true,
        subcommands = {ApiKeyCommand.Create.class, ApiKeyCommand.ListKeys.class, ApiKeyCommand.Revoke.class})
final class ApiKeyCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create a key: appends its hash to the keys file and prints the secret once.",
                "client keys may appear in browsers and URLs and only evaluate; server keys may also download rulesets."})
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--kind", required = true, paramLabel = "client|server", description = "client or server")
        String kind;

        @Option(names = "--keys", required = true, paramLabel = "KEYS.json", description = "the keys file (created if absent)")
        Path file;

        @Option(names = "--name", defaultValue = "", paramLabel = "NAME", description = "a label, e.g. the app using the key")
        String name;

        @Override
        public Integer call() {
            ApiKeyKind k = switch (kind) {
                case "client" -> ApiKeyKind.CLIENT;
                case "server" -> ApiKeyKind.SERVER;
                default -> throw new CliException(ExitCodes.USAGE, "--kind must be client or server, not '" + kind + "'");
            };
            List<ApiKeysFile.Entry> entries = ApiKeysFile.read(file);
            String secret = ApiKeys.newSecret(k);
            entries.add(new ApiKeysFile.Entry(name, k, HexFormat.of().formatHex(ApiKeys.sha256(secret)), Instant.now().toString()));
            ApiKeysFile.write(file, entries);
            spec.commandLine().getOut().println(secret);
            spec.commandLine().getErr().println("gdn apikey: " + kind + " key" + (name.isEmpty() ? "" : " '" + name + "'")
                    + " added to " + file + "; the secret above is not stored anywhere: keep it now."
                    + " It takes effect with the next `gdn publish --keys " + file + "`.");
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the keys in a keys file (names, kinds, hash prefixes).")
    static final class ListKeys implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--keys", required = true, paramLabel = "KEYS.json")
        Path file;

        @Override
        public Integer call() {
            for (ApiKeysFile.Entry e : ApiKeysFile.read(file)) {
                spec.commandLine().getOut().printf("%-6s %s…  %-20s %s%n", e.kind().name().toLowerCase(), e.sha256Hex().substring(0, 12),
                        e.name(), e.created());
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Remove a key from the keys file (by name or hash prefix); it stops working with the next publish.")
    static final class Revoke implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--keys", required = true, paramLabel = "KEYS.json")
        Path file;

        @Option(names = "--key", required = true, paramLabel = "NAME|HASH_PREFIX", description = "the key's name, or at least 8 hex digits of its hash")
        String which;

        @Override
        public Integer call() {
            List<ApiKeysFile.Entry> entries = ApiKeysFile.read(file);
            List<ApiKeysFile.Entry> matching = entries.stream()
                    .filter(e -> e.name().equals(which) || (which.length() >= 8 && e.sha256Hex().startsWith(which))).toList();
            if (matching.size() != 1) {
                throw new CliException(ExitCodes.BAD_INPUT, file + ": " + (matching.isEmpty() ? "no key" : matching.size() + " keys")
                        + " match '" + which + "'" + (matching.isEmpty() ? "" : "; use a longer hash prefix"));
            }
            entries.remove(matching.get(0));
            ApiKeysFile.write(file, entries);
            spec.commandLine().getErr().println("gdn apikey: revoked " + matching.get(0).kind().name().toLowerCase() + " key "
                    + matching.get(0).sha256Hex().substring(0, 12) + "…; publish again for it to take effect");
            return ExitCodes.OK;
        }
    }
}
