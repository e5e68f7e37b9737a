package dev.gdn.cli;

import dev.gdn.node.cdn.CdnPurger;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --cdn-purge URL}, shared by the servers that serve a CDN: {@code gdn node} and {@code gdn classic}. */
final class CdnPurgeOption {
    @Option(names = "--cdn-purge", paramLabel = "URL",
            description = {"a CDN POP to purge after each new version of an environment (repeatable): PURGE URL with",
                "xkey: env-<id> and GDN-Ruleset-Version: N, as the VCL in regions/ expects (e.g. http://127.0.0.1:6081/)"})
    List<String> urls = new ArrayList<>();

    List<URI> uris() {
        try {
            return CdnPurger.parse(urls);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "--cdn-purge " + e.getMessage());
        }
    }
}
