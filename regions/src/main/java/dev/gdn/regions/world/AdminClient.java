package dev.gdn.regions.world;

import dev.gdn.ruleset.json.JsonReader;
import dev.gdn.ruleset.json.JsonWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The classic API's admin API, as the world uses it: seeding an environment and reading its current version. */
final class AdminClient {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).version(HttpClient.Version.HTTP_1_1).build();
    private final String base;
    private final String token;

    AdminClient(String baseUrl, String token) {
        this.base = baseUrl;
        this.token = token;
    }

    /** The seeded environment's keys. */
    record Seed(String environment, String clientKey, String serverKey) {
    }

    Seed seed(String environment, byte[] flags) throws Exception {
        call("POST", "/admin/v1/environments", JsonWriter.toJson(Map.of("id", environment)).getBytes(), 201);
        Map<?, ?> client = call("POST", "/admin/v1/environments/" + environment + "/keys",
                JsonWriter.toJson(Map.of("kind", "client", "name", "world-client")).getBytes(), 201);
        Map<?, ?> server = call("POST", "/admin/v1/environments/" + environment + "/keys",
                JsonWriter.toJson(Map.of("kind", "server", "name", "world-server")).getBytes(), 201);
        upload(environment, flags);
        return new Seed(environment, (String) client.get("secret"), (String) server.get("secret"));
    }

    /** Uploads a flag file; returns the new version. */
    long upload(String environment, byte[] flags) throws Exception {
        Map<?, ?> v = call("PUT", "/admin/v1/environments/" + environment + "/flags", flags, 201);
        return ((Number) v.get("version")).longValue();
    }

    /** The environment's current version in the database, or -1 when the API does not answer. */
    long currentVersion(String environment) {
        try {
            Map<?, ?> all = call("GET", "/admin/v1/environments", null, 200);
            for (Object e : (List<?>) all.get("environments")) {
                Map<?, ?> env = (Map<?, ?>) e;
                if (environment.equals(env.get("id"))) {
                    Object v = env.get("currentVersion");
                    return v instanceof Number n ? n.longValue() : 0;
                }
            }
            return 0;
        } catch (Exception e) {
            return -1;
        }
    }

    private Map<?, ?> call(String method, String path, byte[] body, int expected) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        HttpResponse<byte[]> res = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (res.statusCode() != expected) {
            throw new WorldException("admin API " + method + " " + path + " answered " + res.statusCode() + ": " + new String(res.body()));
        }
        return (Map<?, ?>) JsonReader.standard().read(res.body());
    }
}
