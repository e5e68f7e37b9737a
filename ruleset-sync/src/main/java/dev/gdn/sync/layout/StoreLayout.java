package dev.gdn.sync.layout;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where things live under a store's prefix (SPEC §4):
 * {@code v1/environments/{env}/rulesets/{version}.pb} (immutable envelopes, written first) and
 * {@code v1/index.pb} (the signed index, written after the artifacts it names).
 */
public final class StoreLayout {
    public static final String INDEX_KEY = "v1/index.pb";
    public static final String ENVIRONMENTS_PREFIX = "v1/environments/";

    private static final Pattern ENVIRONMENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern ARTIFACT_KEY = Pattern.compile("v1/environments/([^/]+)/rulesets/([1-9][0-9]{0,18})\\.pb");

    private StoreLayout() {
    }

    public static String artifactKey(String environmentId, long version) {
        requireValidEnvironmentId(environmentId);
        if (version < 1) {
            throw new IllegalArgumentException("version must be positive, got " + version);
        }
        return ENVIRONMENTS_PREFIX + environmentId + "/rulesets/" + version + ".pb";
    }

    public static String rulesetsPrefix(String environmentId) {
        requireValidEnvironmentId(environmentId);
        return ENVIRONMENTS_PREFIX + environmentId + "/rulesets/";
    }

    /** An environment id safe in every store's keys and in URLs: letters, digits, '.', '_', '-'; at most 64. */
    public static boolean isValidEnvironmentId(String id) {
        return id != null && ENVIRONMENT_ID.matcher(id).matches();
    }

    public static void requireValidEnvironmentId(String id) {
        if (!isValidEnvironmentId(id)) {
            throw new IllegalArgumentException("invalid environment id '" + id
                    + "': use letters, digits, '.', '_' and '-' (at most 64, starting with a letter or digit)");
        }
    }

    /** The (environment, version) an artifact key names, or null when it is not an artifact key. */
    public static ArtifactRef parseArtifactKey(String key) {
        Matcher m = ARTIFACT_KEY.matcher(key);
        if (!m.matches() || !isValidEnvironmentId(m.group(1))) {
            return null;
        }
        return new ArtifactRef(m.group(1), Long.parseLong(m.group(2)));
    }

    public record ArtifactRef(String environmentId, long version) {
    }
}
