package dev.gdn.node.server;

import dev.gdn.ruleset.ofrep.OfrepJson;
import java.nio.charset.StandardCharsets;

/** A complete HTTP/1.1 response that closes the connection, for what is refused before any route runs. */
record Refusal(byte[] bytes) {
    static Refusal overCapacity() {
        return of(503, "Service Unavailable", "server at its connection limit; retry shortly", "Retry-After: 1\r\n");
    }

    static Refusal uriTooLong(int max) {
        return of(414, "URI Too Long", "request line longer than " + max + " bytes", "");
    }

    static Refusal versionNotSupported(String version) {
        String shown = version.length() > 16 ? version.substring(0, 16) : version;
        return of(505, "HTTP Version Not Supported", shown + " is not supported: use HTTP/1.1 or HTTP/2", "");
    }

    static Refusal badRequestLine() {
        return of(400, "Bad Request", "malformed request line: expected \"METHOD TARGET HTTP/1.1\"", "");
    }

    private static Refusal of(int status, String reason, String details, String extraHeaders) {
        byte[] body = OfrepJson.errorDetails(details);
        String head = "HTTP/1.1 " + status + " " + reason + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Cache-Control: no-store\r\n"
                + "Access-Control-Allow-Origin: *\r\n"
                + extraHeaders
                + "Connection: close\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return new Refusal(all);
    }
}
