package dev.gdn.chaos.world;

import dev.gdn.ruleset.json.JsonReadException;
import dev.gdn.ruleset.json.JsonReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The classic API's admin routes a drill uses: upload a flag file, list versions, read a version's source. */
public final class AdminApi implements AutoCloseable {
    private final URI base;
    private final String token;
    private final HttpClient http;
    private final Duration timeout;

    /** What one admin call answered: the status and the body. */
    public record Reply(int status, String body) {
        public boolean ok() {
            return status / 100 == 2;
        }
    }

    public AdminApi(World.Admin admin, Duration timeout) {
        this.base = admin.url();
        this.token = admin.token();
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** PUT a flag file; a new version on 201. Never throws for an HTTP status: the drill decides. */
    public Reply uploadFlags(String env, String flagFile) throws IOException, InterruptedException {
        return send("PUT", "/admin/v1/environments/" + env + "/flags", flagFile);
    }

    /** The version a 201 upload created. */
    public static long versionOf(Reply reply) {
        Map<String, Object> m = json(reply.body());
        return m.get("version") instanceof Long v ? v : 0;
    }

    /** Every committed version of the environment, oldest first. */
    @SuppressWarnings("unchecked")
    public List<Long> versions(String env) throws IOException, InterruptedException {
        Reply r = send("GET", "/admin/v1/environments/" + env + "/versions", null);
        if (!r.ok()) {
            throw new IOException("admin API " + base + ": listing versions of " + env + " answered " + r.status() + " " + r.body());
        }
        List<Long> out = new ArrayList<>();
        for (Object o : (List<Object>) json(r.body()).getOrDefault("versions", List.of())) {
            if (o instanceof Map<?, ?> m && m.get("version") instanceof Long v) {
                out.add(v);
            }
        }
        out.sort(null);
        return out;
    }

    /** The flag file a version was made from (404: no such version). */
    public Reply source(String env, long version) throws IOException, InterruptedException {
        return send("GET", "/admin/v1/environments/" + env + "/versions/" + version, null);
    }

    private Reply send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("Authorization", "Bearer " + token)
                .header("GDN-Author", "gdn-drill")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Reply(r.statusCode(), r.body());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String body) {
        try {
            return JsonReader.standard().read(body) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        } catch (JsonReadException e) {
            return Map.of();
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
