package dev.gdn.node.server;

import dev.gdn.node.http.GdnHeaders;
import dev.gdn.ruleset.ofrep.OfrepJson;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;

/**
 * Errors Helidon answers itself before any route runs: a body over the server's payload limit (413), a request
 * line too long (414), headers too large (431), malformed HTTP (400). Its default answers have an empty body and no
 * CORS headers, so a browser sees only an opaque network failure; these are JSON like every other error of the
 * evaluation API, and readable from any origin.
 * <p>
 * Helidon 4.5 reports a request it could not parse (a method that is not a token, an undecodable
 * {@code HTTP2-Settings}, a client gone half-way through its headers) as an internal error: those are the client's
 * fault, so they answer 400, are counted by cause and logged at most once per ten seconds, never with a trace.
 * Route failures keep their 500: their request is known.
 */
final class JsonDirectHandler implements DirectHandler {
    private static final Status HEADERS_TOO_LARGE = Status.create(431, "Request Header Fields Too Large");
    private final long maxPayload;
    private final int maxHeadersSize;
    private final Rejections rejections;

    /** Helidon passes the parse failure's text only with its error handling's {@code includeEntity}; it is never echoed. */
    JsonDirectHandler(ServerLimits limits, Rejections rejections) {
        this.maxPayload = limits.maxPayload();
        this.maxHeadersSize = limits.maxHeadersSize();
        this.rejections = rejections;
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                    ServerResponseHeaders headers, String message) {
        Status answered = status;
        String details;
        boolean beforeRouting = request.method().isEmpty();
        if (eventType == EventType.INTERNAL_ERROR && beforeRouting) {
            answered = Status.BAD_REQUEST_400;
            details = "malformed request: it is not valid HTTP/1.1 (method, header or upgrade settings)";
            rejections.record("malformed-request", "could not parse the request head");
        } else if (status.code() == Status.REQUEST_ENTITY_TOO_LARGE_413.code()) {
            details = "request body larger than " + maxPayload + " bytes";
            rejections.record("body-too-large", details);
        } else if (message != null && message.startsWith("Header size exceeded")) {
            // Helidon 4.5 answers 400 for this and has no 431 constant
            answered = HEADERS_TOO_LARGE;
            details = "request headers larger than " + maxHeadersSize + " bytes";
            rejections.record("headers-too-large", details);
        } else if (status.code() == Status.REQUEST_URI_TOO_LONG_414.code()) {
            details = "request line too long";
            rejections.record("request-line-too-long", details);
        } else if (status.code() >= 400 && status.code() < 500 && status.code() != 404) {
            // The message can quote the offending request; a fixed text per status says enough.
            details = "request rejected: " + status.code() + " " + status.reasonPhrase();
            rejections.record("bad-request", eventType + " " + status.code());
        } else {
            details = "request rejected: " + status.code() + " " + status.reasonPhrase();
        }
        return TransportResponse.builder()
                .status(answered)
                .headers(headers)
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .header(HeaderNames.CACHE_CONTROL, "no-store")
                .header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
                .header(HeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, GdnHeaders.EXPOSE_HEADERS)
                .keepAlive(eventType.keepAlive() && answered == status)
                .entity(OfrepJson.errorDetails(details))
                .build();
    }
}
