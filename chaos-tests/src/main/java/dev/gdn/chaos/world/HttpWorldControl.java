package dev.gdn.chaos.world;

import dev.gdn.ruleset.json.JsonReadException;
import dev.gdn.ruleset.json.JsonReader;
import dev.gdn.ruleset.json.JsonWriter;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The world's control API ({@code world.json}'s {@code control} URL): {@code GET /parts},
 * {@code POST /parts/NAME {"action": …}}, {@code POST /links/PATTERN {"state": …}}. A refusal is an
 * {@link IOException} carrying the world's own message.
 */
public final class HttpWorldControl implements WorldControl {
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Starting a part waits for it to be ready; the world itself allows 180 s on a loaded machine. */
    private final Duration timeout = Duration.ofSeconds(190);

    public HttpWorldControl(URI base) {
        this.base = base;
    }

    /** The control API named in world.json ({@code control}). */
    public static HttpWorldControl of(World world) {
        return new HttpWorldControl(URI.create(world.extraString("control").orElseThrow(() -> new IllegalArgumentException(
                world.dir().resolve(WorldFile.NAME) + ": no \"control\" URL (a world started by `gdn world up` writes one)"))));
    }

    @Override
    public List<Part> parts() throws IOException, InterruptedException {
        Map<String, Object> body = send("GET", "/parts", null);
        List<Part> out = new ArrayList<>();
        if (body.get("parts") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> m) {
                    out.add(part(m));
                }
            }
        }
        return out;
    }

    @Override
    public Part act(String part, String action) throws IOException, InterruptedException {
        return part(send("POST", "/parts/" + encode(part), JsonWriter.toJson(Map.of("action", action))));
    }

    @Override
    public void setLinks(String pattern, LinkState state) throws IOException, InterruptedException {
        send("POST", "/links/" + encode(pattern), JsonWriter.toJson(json(state)));
    }

    /** The wire form of a link state. */
    static Map<String, Object> json(LinkState s) {
        return switch (s) {
            case LinkState.Up u -> Map.of("state", "up");
            case LinkState.Down d -> Map.of("state", "down");
            case LinkState.Blackhole b -> Map.of("state", "blackhole");
            case LinkState.Reset r -> Map.of("state", "reset");
            case LinkState.Slow x -> Map.of("state", "slow", "added_ms", x.added().toMillis());
            case LinkState.Bandwidth w -> Map.of("state", "limited", "bytes_per_second", w.bytesPerSecond());
        };
    }

    private static Part part(Map<?, ?> m) {
        return new Part(String.valueOf(m.get("name")), String.valueOf(m.get("kind")), m.get("region") instanceof String r ? r : null,
                String.valueOf(m.get("state")), m.get("pid") instanceof Long p ? p : null);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("%2A", "*");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        Object doc;
        try {
            doc = JsonReader.standard().read(r.body());
        } catch (JsonReadException e) {
            throw new IOException("world control " + method + " " + path + ": HTTP " + r.statusCode() + ", not JSON: " + r.body());
        }
        Map<String, Object> m = doc instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
        if (r.statusCode() != 200) {
            throw new IOException("world control " + method + " " + path + ": HTTP " + r.statusCode() + ": " + m.getOrDefault("error", r.body()));
        }
        return m;
    }

    @Override
    public void close() {
        http.close();
    }
}
