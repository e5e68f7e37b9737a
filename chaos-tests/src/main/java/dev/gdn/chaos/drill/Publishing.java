package dev.gdn.chaos.drill;

import dev.gdn.chaos.world.AdminApi;
import dev.gdn.ruleset.json.JsonReader;
import dev.gdn.ruleset.json.JsonWriter;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Publishes drill versions through the admin API: the environment's newest flag file with one flag,
 * {@code drill-marker}, set to a new value. Every answer carries that flag, so an answer that names a
 * version but holds another version's content is caught by the checker, whatever the other flags do.
 */
public final class Publishing {
    public static final String MARKER_FLAG = "drill-marker";

    private Publishing() {
    }

    /** The outcome of one publish: the HTTP status and, on 201, the new version. */
    public record Published(int status, long version, String body) {
        public boolean ok() {
            return status == 201;
        }
    }

    public static Published publish(AdminApi admin, String env, String label) throws IOException, InterruptedException {
        AdminApi.Reply r = admin.uploadFlags(env, withMarker(latestSource(admin, env), label));
        return new Published(r.status(), r.status() == 201 ? AdminApi.versionOf(r) : 0, r.body());
    }

    /** The flag file of the environment's newest version. */
    public static String latestSource(AdminApi admin, String env) throws IOException, InterruptedException {
        List<Long> versions = admin.versions(env);
        if (versions.isEmpty()) {
            throw new IOException("environment " + env + " has no version to start from");
        }
        long latest = versions.get(versions.size() - 1);
        AdminApi.Reply source = admin.source(env, latest);
        if (!source.ok()) {
            throw new IOException("reading version " + latest + " of " + env + ": HTTP " + source.status() + " " + source.body());
        }
        return source.body();
    }

    /** The flag file with {@code drill-marker} (a static string flag) set to {@code value}. */
    @SuppressWarnings("unchecked")
    public static String withMarker(String flagFile, String value) throws IOException {
        Object doc;
        try {
            doc = JsonReader.standard().read(flagFile);
        } catch (dev.gdn.ruleset.json.JsonReadException e) {
            throw new IOException("the environment's flag file is not JSON: " + e.getMessage(), e);
        }
        if (!(doc instanceof Map<?, ?> root) || !(root.get("flags") instanceof Map<?, ?>)) {
            throw new IOException("the environment's flag file has no \"flags\" object");
        }
        Map<String, Object> out = new LinkedHashMap<>((Map<String, Object>) root);
        Map<String, Object> flags = new LinkedHashMap<>((Map<String, Object>) out.get("flags"));
        flags.put(MARKER_FLAG, Map.of("state", "ENABLED", "variants", Map.of("current", value), "defaultVariant", "current"));
        out.put("flags", flags);
        return JsonWriter.toJson(out);
    }
}
