package dev.gdn.node.http;

import dev.gdn.ruleset.ofrep.OfrepJson;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;

/**
 * Errors Helidon answers itself before any route runs: a body over the server's payload limit (413),
 * a request line too long (414), malformed HTTP (400). Its default answers have an empty body and no
 * CORS headers, so a browser sees only an opaque network failure; these are JSON like every other
 * error of the evaluation API, and readable from any origin.
 */
public final class JsonDirectHandler implements DirectHandler {
    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                    ServerResponseHeaders headers, String message) {
        // The message can quote the offending request; a fixed text per status says enough.
        String details = status.code() == Status.REQUEST_ENTITY_TOO_LARGE_413.code()
                ? "request body larger than " + EvaluationService.MAX_BODY_BYTES + " bytes"
                : "request rejected: " + status.code() + " " + status.reasonPhrase();
        return TransportResponse.builder()
                .status(status)
                .headers(headers)
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .header(HeaderNames.CACHE_CONTROL, "no-store")
                .header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
                .header(HeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, GdnHeaders.EXPOSE_HEADERS)
                .keepAlive(eventType.keepAlive())
                .entity(OfrepJson.errorDetails(details))
                .build();
    }
}
