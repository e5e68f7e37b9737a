package dev.gdn.node.conformance.ofrep;

import dev.gdn.node.TestbedNode;
import dev.gdn.node.conformance.FlagdTestbed;
import dev.gdn.node.conformance.TestbedResolver;
import dev.gdn.ruleset.json.JsonReader;
import dev.gdn.ruleset.json.JsonWriter;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The testbed over HTTP: OFREP single-flag requests to a real GDN node. The node serves one environment per
 * flag set a scenario can select (the merged file, and each selector file), and the API key chooses it, as
 * it does for every GDN client.
 */
final class OfrepResolver implements TestbedResolver {
    static final String MERGED_ENV = "all-flags";
    private static final String[] SELECTABLE = {"selector-flags", "selector-flag-combined-metadata"};

    private final TestbedNode node;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    OfrepResolver(Path workDir) throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(MERGED_ENV, FlagdTestbed.merged());
        for (String name : SELECTABLE) {
            files.put(name, FlagdTestbed.flagFile("rawflags/" + name + ".json"));
        }
        node = TestbedNode.start(workDir, files);
    }

    private static String environment(String selector) {
        if (selector.equals(FlagdTestbed.MERGED)) {
            return MERGED_ENV;
        }
        String name = selector.substring(selector.lastIndexOf('/') + 1).replace(".json", "");
        for (String s : SELECTABLE) {
            if (s.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown flagd selector '" + selector + "'");
    }

    @Override
    @SuppressWarnings("unchecked")
    public Answer resolve(String selector, String flagKey, Map<String, Object> context) {
        String env = environment(selector);
        HttpRequest req = HttpRequest.newBuilder(URI.create(node.baseUrl() + "/ofrep/v1/evaluate/flags/"
                        + URLEncoder.encode(flagKey, StandardCharsets.UTF_8).replace("+", "%20")))
                .header("Authorization", "Bearer " + node.clientKey(env))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(JsonWriter.toJson(Map.of("context", context))))
                .build();
        HttpResponse<byte[]> res;
        try {
            res = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new AssertionError("OFREP request for " + flagKey + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        Map<String, Object> body;
        try {
            body = (Map<String, Object>) new JsonReader(200).read(res.body());
        } catch (Exception e) {
            throw new AssertionError("OFREP " + res.statusCode() + " body is not JSON: " + new String(res.body(), StandardCharsets.UTF_8), e);
        }
        Map<String, Object> metadata = body.get("metadata") instanceof Map ? (Map<String, Object>) body.get("metadata") : Map.of();
        int status = res.statusCode();
        if (status == 200) {
            return new Answer(body.get("value"), (String) body.get("variant"), (String) body.get("reason"), null, metadata);
        }
        if ((status == 400 || status == 404) && body.get("errorCode") instanceof String code) {
            return new Answer(null, null, "ERROR", code, metadata);
        }
        throw new AssertionError("OFREP answered " + status + ": " + new String(res.body(), StandardCharsets.UTF_8));
    }

    @Override
    public String name() {
        return "over HTTP (OFREP, GDN node)";
    }

    @Override
    public void close() {
        node.close();
    }
}
