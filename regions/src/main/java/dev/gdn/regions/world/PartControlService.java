package dev.gdn.regions.world;

import dev.gdn.regions.link.JsonReply;
import dev.gdn.ruleset.json.JsonReadException;
import dev.gdn.ruleset.json.JsonReader;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The parts' control API, for drills: {@code GET /parts}; {@code POST /parts/{name}} with
 * {@code {"action":"kill"}} (SIGKILL), {@code "stop"} (its stop signal, then SIGKILL after 10 s),
 * {@code "start"} or {@code "restart"} (answers once the part is ready again).
 */
final class PartControlService implements HttpService {
    private final World world;

    PartControlService(World world) {
        this.world = world;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/parts", (req, res) -> {
            List<Object> all = new ArrayList<>();
            world.parts().forEach(p -> all.add(p.describe()));
            JsonReply.send(res, 200, Map.of("parts", all));
        }).post("/parts/{name}", this::act);
    }

    private void act(ServerRequest req, ServerResponse res) {
        Part part;
        try {
            part = world.part(req.path().pathParameters().get("name"));
        } catch (IllegalArgumentException e) {
            JsonReply.send(res, 404, Map.of("error", e.getMessage()));
            return;
        }
        String action;
        try {
            Object body = JsonReader.standard().read(req.content().inputStream().readNBytes(4096));
            action = body instanceof Map<?, ?> m && m.get("action") instanceof String a ? a : "";
        } catch (JsonReadException | java.io.IOException e) {
            JsonReply.send(res, 400, Map.of("error", "expected {\"action\": \"kill\" | \"stop\" | \"start\" | \"restart\"}"));
            return;
        }
        try {
            switch (action) {
                case "kill" -> part.kill();
                case "stop" -> part.stop(Duration.ofSeconds(10));
                case "start" -> world.startPart(part.name());
                case "restart" -> {
                    part.stop(Duration.ofSeconds(10));
                    world.startPart(part.name());
                }
                default -> {
                    JsonReply.send(res, 400, Map.of("error", "unknown action '" + action + "' (kill, stop, start, restart)"));
                    return;
                }
            }
        } catch (IllegalStateException e) {
            JsonReply.send(res, 409, Map.of("error", e.getMessage()));
            return;
        } catch (Exception e) {
            JsonReply.send(res, 500, Map.of("error", part.name() + ": " + e.getMessage()));
            return;
        }
        JsonReply.send(res, 200, part.describe());
    }

}
