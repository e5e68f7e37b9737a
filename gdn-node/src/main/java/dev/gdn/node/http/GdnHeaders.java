package dev.gdn.node.http;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;

/** The GDN additions to OFREP (SPEC §3) and the CORS header values every evaluation route sends. */
public final class GdnHeaders {
    public static final HeaderName RULESET_VERSION = HeaderNames.create("GDN-Ruleset-Version");
    public static final HeaderName SERVED_BY = HeaderNames.create("GDN-Served-By");
    public static final HeaderName SURROGATE_KEY = HeaderNames.create("Surrogate-Key");
    public static final HeaderName X_API_KEY = HeaderNames.create("X-API-Key");

    static final String ALLOW_HEADERS = "Authorization, X-API-Key, Content-Type, If-None-Match, GDN-Ruleset-Version";
    public static final String EXPOSE_HEADERS = "ETag, Retry-After, GDN-Ruleset-Version, GDN-Served-By";
    static final String ALLOW_METHODS = "GET, POST, OPTIONS";
    /** Chromium caches a preflight for at most 2 h (and only 5 s without this header). */
    static final String PREFLIGHT_MAX_AGE = "7200";

    private GdnHeaders() {
    }

    /** The API key a request presents: {@code Authorization: Bearer <key>}, else {@code X-API-Key}; null for none. */
    public static String apiKey(ServerRequest req) {
        Optional<String> auth = req.headers().first(HeaderNames.AUTHORIZATION);
        if (auth.isPresent()) {
            String a = auth.get().trim();
            if (a.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return a.substring(7).trim();
            }
        }
        return req.headers().first(X_API_KEY).map(String::trim).orElse(null);
    }
}
