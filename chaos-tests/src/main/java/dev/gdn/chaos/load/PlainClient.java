package dev.gdn.chaos.load;

import dev.gdn.client.FlagEvaluation;
import dev.gdn.ruleset.json.JsonWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/**
 * A client that is not the failover library: one endpoint (the region's belt CDN), no failover, no
 * pinning — the OFREP bulk POST or the CDN-cacheable GET — with what every real OFREP provider and web
 * SDK does: {@code If-None-Match} with the last ETag, and the last good answer kept per session and
 * served when a request fails (the provider's cache). A session with nothing cached whose request fails
 * is unanswered.
 */
final class PlainClient implements AutoCloseable {
    private final ClientKind kind;
    private final String region;
    private final URI base;
    private final String clientKey;
    private final Duration timeout;
    private final HttpClient http;

    /** One user's state: the context, the last ETag and the last good answer. */
    static final class Session {
        final String id;
        final Map<String, Object> context;
        String etag;
        Map<String, FlagEvaluation> flags;
        long version;
        String servedBy;

        Session(String id, Map<String, Object> context) {
            this.id = id;
            this.context = context;
        }
    }

    PlainClient(ClientKind kind, String region, URI base, String clientKey, Duration timeout) {
        if (kind == ClientKind.LIBRARY) {
            throw new IllegalArgumentException("the library is not a plain client");
        }
        this.kind = kind;
        this.region = region;
        this.base = base;
        this.clientKey = clientKey;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    Answer read(Session s) {
        long startedAt = System.currentTimeMillis();
        long t0 = System.nanoTime();
        String why;
        try {
            HttpResponse<byte[]> res = http.send(request(s), HttpResponse.BodyHandlers.ofByteArray());
            long took = System.nanoTime() - t0;
            int status = res.statusCode();
            String servedBy = res.headers().firstValue("GDN-Served-By").orElse(null);
            if (status == 304 && s.flags != null) {
                long version = res.headers().firstValue("GDN-Ruleset-Version").map(PlainClient::parseLong).orElse(s.version);
                s.servedBy = servedBy != null ? servedBy : s.servedBy;
                return new Answer(startedAt, took, region, kind, s.id, s.context, ServingTier.BELT_CDN, true, version, s.servedBy,
                        s.flags, null);
            }
            if (status == 200) {
                OfrepBody body = OfrepBody.parse(res.body());
                long version = res.headers().firstValue("GDN-Ruleset-Version").map(PlainClient::parseLong)
                        .orElse(body.rulesetVersion());
                s.etag = res.headers().firstValue("ETag").orElse(null);
                s.flags = body.flags();
                s.version = version;
                s.servedBy = servedBy;
                return new Answer(startedAt, took, region, kind, s.id, s.context, ServingTier.BELT_CDN, true, version, servedBy,
                        body.flags(), null);
            }
            why = "HTTP " + status;
        } catch (OfrepBody.Malformed e) {
            why = "malformed body: " + e.getMessage();
        } catch (HttpTimeoutException e) {
            why = "timed out after " + timeout.toMillis() + " ms";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            why = "interrupted";
        } catch (Exception e) {
            why = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        long took = System.nanoTime() - t0;
        if (s.flags == null) {
            return new Answer(startedAt, took, region, kind, s.id, s.context, null, false, 0, null, Map.of(), why);
        }
        return new Answer(startedAt, took, region, kind, s.id, s.context, ServingTier.LOCAL_CACHE, false, s.version, s.servedBy,
                s.flags, why);
    }

    private HttpRequest request(Session s) {
        String canonical = JsonWriter.toCanonicalJson(s.context);
        HttpRequest.Builder b;
        if (kind == ClientKind.CDN_GET) {
            String ctx = Base64.getUrlEncoder().withoutPadding().encodeToString(canonical.getBytes(StandardCharsets.UTF_8));
            b = HttpRequest.newBuilder(resolve("gdn/v1/evaluate/" + clientKey + "/" + ctx)).GET();
        } else {
            b = HttpRequest.newBuilder(resolve("ofrep/v1/evaluate/flags"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"context\":" + canonical + "}", StandardCharsets.UTF_8))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + clientKey);
        }
        if (s.etag != null && s.flags != null) {
            b.header("If-None-Match", s.etag);
        }
        return b.timeout(timeout).header("Accept", "application/json").build();
    }

    private URI resolve(String path) {
        String s = base.toString();
        return URI.create(s.endsWith("/") ? s + path : s + "/" + path);
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
