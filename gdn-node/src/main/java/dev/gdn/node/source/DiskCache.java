package dev.gdn.node.source;

import dev.gdn.ruleset.envelope.TrustedKeys;
import dev.gdn.ruleset.files.AtomicFile;
import dev.gdn.ruleset.proto.Ruleset;
import dev.gdn.sync.fetch.VerifiedRuleset;
import dev.gdn.sync.layout.ArtifactVerifier;
import dev.gdn.sync.layout.StoreLayout;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The node's last-known-good on local disk: every verified envelope, as {@code DIR/{env}/{version}.pb}
 * (the newest two per environment kept, for pinning). On start, what verifies again is served until
 * the stores answer: a node restarted while every store is down still serves.
 */
public final class DiskCache {
    private static final System.Logger LOG = System.getLogger(DiskCache.class.getName());
    private static final int KEEP_PER_ENVIRONMENT = 2;
    public static final String SOURCE = "disk-cache";

    private final Path dir;

    public DiskCache(Path dir) {
        this.dir = dir;
    }

    public void store(VerifiedRuleset r) {
        Path envDir = dir.resolve(r.environmentId());
        try {
            AtomicFile.write(envDir.resolve(r.version() + ".pb"), r.envelope());
            List<Long> versions = versions(envDir);
            for (int i = KEEP_PER_ENVIRONMENT; i < versions.size(); i++) {
                Files.deleteIfExists(envDir.resolve(versions.get(i) + ".pb"));
            }
        } catch (IOException e) {
            // The cache is a fallback; failing to write it must not stop serving.
            LOG.log(Level.WARNING, "cannot write the disk cache {0}: {1}", envDir, e.toString());
        }
    }

    /** Every cached envelope that verifies again, oldest version first per environment. */
    public List<VerifiedRuleset> load(TrustedKeys trusted) {
        List<VerifiedRuleset> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> envs = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path envDir : envs) {
                String env = envDir.getFileName().toString();
                if (!StoreLayout.isValidEnvironmentId(env)) {
                    continue;
                }
                List<Long> versions = versions(envDir);
                for (int i = Math.min(versions.size(), KEEP_PER_ENVIRONMENT) - 1; i >= 0; i--) {
                    Path file = envDir.resolve(versions.get(i) + ".pb");
                    try {
                        byte[] bytes = Files.readAllBytes(file);
                        Ruleset r = ArtifactVerifier.verify(bytes, env, versions.get(i), trusted);
                        out.add(new VerifiedRuleset(r, bytes, SOURCE, Files.getLastModifiedTime(file).toInstant()));
                    } catch (ArtifactVerifier.RejectedArtifact e) {
                        LOG.log(Level.WARNING, "ignoring cached {0}: {1}", file, e.getMessage());
                    }
                }
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot read the disk cache {0}: {1}", dir, e.toString());
        }
        return out;
    }

    /** Cached versions of one environment, newest first. */
    private static List<Long> versions(Path envDir) throws IOException {
        List<Long> versions = new ArrayList<>();
        if (!Files.isDirectory(envDir)) {
            return versions;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(envDir, "*.pb")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                try {
                    versions.add(Long.parseLong(name.substring(0, name.length() - 3)));
                } catch (NumberFormatException ignored) {
                    // not ours
                }
            }
        }
        versions.sort((a, b) -> Long.compare(b, a));
        return versions;
    }

}
