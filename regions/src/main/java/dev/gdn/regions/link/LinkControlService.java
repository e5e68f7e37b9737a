package dev.gdn.regions.link;

import dev.gdn.ruleset.json.JsonReadException;
import dev.gdn.ruleset.json.JsonReader;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The links' HTTP control API, for drills and people outside the process that runs them:
 * <ul>
 *   <li>{@code GET /links}: every link, its path, state and counters;</li>
 *   <li>{@code GET /links/{name}}: one link;</li>
 *   <li>{@code POST /links/{pattern}} with {@code {"state":"down"}} (or {@code blackhole}, {@code reset},
 *       {@code up}, {@code {"state":"slow","added_ms":300}}, {@code {"state":"limited","bytes_per_second":10000}}):
 *       switches every link the pattern names ({@code *} is a wildcard: {@code ams.*}, {@code *.node}).</li>
 * </ul>
 */
public final class LinkControlService implements HttpService {
    private static final int MAX_BODY = 4096;
    private final Links links;

    public LinkControlService(Links links) {
        this.links = links;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/links", (req, res) -> JsonReply.send(res, 200, Map.of("links", json(links.all()))))
                .get("/links/{name}", (req, res) -> {
                    try {
                        JsonReply.send(res, 200, json(links.get(req.path().pathParameters().get("name"))));
                    } catch (IllegalArgumentException e) {
                        JsonReply.send(res, 404, Map.of("error", e.getMessage()));
                    }
                })
                .post("/links/{name}", this::set);
    }

    private void set(ServerRequest req, ServerResponse res) {
        String pattern = req.path().pathParameters().get("name");
        LinkState state;
        try (InputStream in = req.content().inputStream()) {
            byte[] body = in.readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                JsonReply.send(res, 400, Map.of("error", "body larger than " + MAX_BODY + " bytes"));
                return;
            }
            state = LinkState.fromJson(JsonReader.standard().read(body));
        } catch (JsonReadException | IllegalArgumentException e) {
            JsonReply.send(res, 400, Map.of("error", e.getMessage()));
            return;
        } catch (IOException e) {
            JsonReply.send(res, 400, Map.of("error", "cannot read the body: " + e.getMessage()));
            return;
        }
        try {
            JsonReply.send(res, 200, Map.of("links", json(links.set(pattern, state))));
        } catch (IllegalArgumentException e) {
            JsonReply.send(res, 404, Map.of("error", e.getMessage()));
        } catch (IOException e) {
            JsonReply.send(res, 409, Map.of("error", e.getMessage()));
        }
    }

    private static List<Object> json(List<Link> all) {
        List<Object> out = new ArrayList<>();
        for (Link link : all) {
            out.add(json(link));
        }
        return out;
    }

    /** One link as JSON: its path, state and counters. */
    public static Map<String, Object> json(Link link) {
        LinkPath p = link.path();
        LinkStats s = link.stats();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", p.name());
        m.put("listen", p.listen().getAddress().getHostAddress() + ":" + p.listen().getPort());
        m.put("target", p.target().getAddress().getHostAddress() + ":" + p.target().getPort());
        m.put("one_way_ms", p.oneWayDelay().toNanos() / 1e6);
        m.put("jitter_ms", p.jitter().toNanos() / 1e6);
        m.putAll(s.state().toJson());
        m.put("accepted", s.accepted());
        m.put("open", s.open());
        m.put("bytes_up", s.bytesUp());
        m.put("bytes_down", s.bytesDown());
        return m;
    }
}
