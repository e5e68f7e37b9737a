package dev.gdn.regions.link;

import dev.gdn.ruleset.json.JsonWriter;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;

/** How the world's control APIs answer: a JSON object, never cached. */
public final class JsonReply {
    private JsonReply() {
    }

    public static void send(ServerResponse res, int status, Map<String, Object> body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(JsonWriter.toJson(body));
    }
}
