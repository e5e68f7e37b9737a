package dev.gdn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/observability against the real thing: a classic API (embedded PostgreSQL), a sync daemon and a
 * node, each a {@code gdn} process writing JSON logs; every metric the Prometheus rules and the Grafana
 * dashboard name must be on their {@code /metrics}, and {@code promtool check rules} must accept the
 * rules (Debian's prometheus package, which ./run-tests installs).
 */
class ObservabilityTest {
    static final Path RULES = Path.of("..", "deploy", "observability", "gdn-rules.yml");
    static final Path DASHBOARD = Path.of("..", "deploy", "observability", "gdn-dashboard.json");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Set<String> PROMQL_WORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on",
            "ignoring", "group_left", "group_right", "inf", "nan", "atan2");

    @TempDir
    Path dir;

    /** The metric names a PromQL expression selects: identifiers that are not functions, keywords or label names. */
    static Set<String> metricNames(String expr) {
        String e = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")      // string literals
                .replaceAll("\\{[^}]*}", " ")                                      // label matchers
                .replaceAll("\\[[^\\]]*]", " ")                                    // ranges ($__rate_interval too)
                .replaceAll("\\b(by|without)\\s*\\([^)]*\\)", " ")                  // grouping: sum by (a) (x) -> sum (x)
                .replaceAll("\\b(on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " $1 "); // matching label lists
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?<![\\w$.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?").matcher(e);
        while (m.find()) {
            if (m.group(2) == null && !PROMQL_WORDS.contains(m.group(1))) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    @Test
    void theMetricNamerIsAParserNotAGuess() {
        assertEquals(Set.of("a_total", "b_bucket"), metricNames(
                "sum by (job, le) (rate(a_total{x=\"y\",le=\"0.1\"}[5m])) / on (job) group_left max without (z) (b_bucket offset 1h) > 3 * 1e6"));
        assertEquals(Set.of("gdn:x:ratio_rate5m", "gdn_sync_leader"), metricNames("(max(gdn_sync_leader) or vector(0)) < 1 and gdn:x:ratio_rate5m"));
    }

    private static HttpResponse<String> send(String method, String url, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void waitFor(String what, long millis, BooleanSupplier ok) throws InterruptedException {
        long until = System.currentTimeMillis() + millis;
        while (!ok.getAsBoolean()) {
            if (System.currentTimeMillis() > until) {
                throw new AssertionError("not within " + millis + " ms: " + what);
            }
            Thread.sleep(100);
        }
    }

    private static int port(GdnProcess p, String pattern) throws Exception {
        Matcher m = Pattern.compile(pattern).matcher(p.awaitLine(true, l -> l.matches(".*" + pattern + ".*"), 60_000));
        assertTrue(m.find());
        return Integer.parseInt(m.group(1));
    }

    private static Set<String> scrapedNames(String scrape) {
        return scrape.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> l.substring(0, l.indexOf('{') >= 0 ? l.indexOf('{') : l.indexOf(' '))).collect(Collectors.toSet());
    }

    @Test
    void everyMetricTheRulesAndTheDashboardNameIsServed() throws Exception {
        // the rules first: promtool, then what they name
        Path promtool = Path.of("/usr/bin/promtool");
        assertTrue(Files.isExecutable(promtool), "promtool is missing: ./run-tests installs Debian's prometheus package"
                + " (or: apt-get install prometheus)");
        Process check = new ProcessBuilder(promtool.toString(), "check", "rules", RULES.toString()).redirectErrorStream(true).start();
        String checked = new String(check.getInputStream().readAllBytes());
        assertTrue(check.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, check.exitValue(), checked);

        JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(RULES.toFile());
        Set<String> recorded = new TreeSet<>();
        Set<String> named = new TreeSet<>();
        List<String> alerts = new ArrayList<>();
        for (JsonNode group : rules.get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                if (rule.has("record")) {
                    recorded.add(rule.get("record").asText());
                } else {
                    alerts.add(rule.get("alert").asText());
                }
                named.addAll(metricNames(rule.get("expr").asText()));
            }
        }
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                named.addAll(metricNames(target.get("expr").asText()));
            }
        }
        for (String alert : List.of("GdnAvailabilityBudgetBurnFast", "GdnLatencyBudgetBurnFast", "GdnRulesetBehindLatest",
                "GdnStoreLagging", "GdnSyncLeaderAbsent")) {
            assertTrue(alerts.contains(alert), alert + " in " + alerts);
        }

        // then the three processes
        Files.writeString(dir.resolve("flags.json"), GdnCommandTest.FLAGS);
        assertEquals(0, GdnCommandTest.gdn("keygen", "--out", dir.resolve("keys").toString()).exit());
        String store = dir.resolve("store").toUri().toString();
        String token = "observability-test-token";
        Set<String> scraped = new TreeSet<>();
        List<GdnProcess> all = new ArrayList<>();
        try (GdnProcess classic = GdnProcess.start(dir, Map.of("GDN_ADMIN_TOKEN", token), "classic", "--log-format", "json",
                "--data-dir", dir.resolve("data").toString(), "--host", "127.0.0.1", "--port", "0", "--check", "500ms")) {
            all.add(classic);
            int classicPort = port(classic, "gdn classic listening on port (\\d+)");
            String admin = "http://127.0.0.1:" + classicPort + "/admin/v1/environments";
            String auth = "Bearer " + token;
            assertEquals(201, send("POST", admin, "{\"id\":\"prod\"}", "Authorization", auth).statusCode());
            String keyBody = send("POST", admin + "/prod/keys", "{\"kind\":\"client\"}", "Authorization", auth).body();
            Matcher secret = Pattern.compile("\"secret\"\\s*:\\s*\"([^\"]+)\"").matcher(keyBody);
            assertTrue(secret.find(), keyBody);
            String clientKey = secret.group(1);
            assertEquals(201, send("PUT", admin + "/prod/flags", GdnCommandTest.FLAGS, "Authorization", auth).statusCode());

            try (GdnProcess sync = GdnProcess.start(dir, Map.of("GDN_LOG_FORMAT", "json"), "sync", "--data-dir", dir.resolve("data").toString(),
                    "--to", store, "--sign-key", dir.resolve("keys/gdn-signing.key").toString(), "--host", "127.0.0.1", "--port", "0",
                    "--poll", "300ms");
                 GdnProcess node = GdnProcess.start(dir, Map.of(), "node", "--log-format", "json", "--store", store,
                         "--trust", dir.resolve("keys/gdn-signing.pub").toString(), "--host", "127.0.0.1", "--port", "0", "--poll", "300ms")) {
                all.add(sync);
                all.add(node);
                int syncPort = port(sync, "metrics and health on port (\\d+)");
                int nodePort = port(node, "gdn node listening on port (\\d+)");
                String nodeUrl = "http://127.0.0.1:" + nodePort;
                waitFor("the node serves what the daemon published", 60_000, () -> {
                    try {
                        return send("GET", nodeUrl + "/health/ready", null).statusCode() == 200;
                    } catch (Exception e) {
                        return false;
                    }
                });
                for (String base : List.of(nodeUrl, "http://127.0.0.1:" + classicPort)) {
                    HttpResponse<String> bulk = send("POST", base + "/ofrep/v1/evaluate/flags", "{\"context\":{\"targetingKey\":\"u\"}}",
                            "Authorization", "Bearer " + clientKey, "Content-Type", "application/json");
                    assertEquals(200, bulk.statusCode(), base + ": " + bulk.body());
                    scraped.addAll(scrapedNames(send("GET", base + "/metrics", null).body()));
                }
                String nodeScrape = send("GET", nodeUrl + "/metrics", null).body();
                assertTrue(nodeScrape.contains("gdn_http_server_requests_seconds_bucket{route=\"ofrep_bulk\",status=\"200\",le=\"0.1\"}"),
                        "the latency SLO's exact bucket");
                String syncUrl = "http://127.0.0.1:" + syncPort;
                waitFor("the daemon's publication counted", 30_000, () -> {
                    try {
                        return send("GET", syncUrl + "/metrics", null).body().contains("gdn_publish_outcomes_total{");
                    } catch (Exception e) {
                        return false;
                    }
                });
                scraped.addAll(scrapedNames(send("GET", syncUrl + "/metrics", null).body()));
                HttpResponse<String> ready = send("GET", syncUrl + "/health/ready", null);
                assertEquals(200, ready.statusCode(), ready.body());
                assertTrue(ready.body().contains("\"role\":\"LEADER\""), ready.body());
            }
        }
        Set<String> missing = new TreeSet<>();
        for (String name : named) {
            if (name.contains(":") ? !recorded.contains(name) : !scraped.contains(name)) {
                missing.add(name);
            }
        }
        assertTrue(missing.isEmpty(), "named by the rules or the dashboard but served by no process: " + missing
                + "\nserved: " + scraped);
        assertTrue(named.size() > 15, "the parser found the names: " + named);
        // and all three wrote JSON lines only, Helidon, PostgreSQL (SLF4J) and start-up included
        for (GdnProcess p : all) {
            JsonLogsTest.jsonLines(p.err(), "stderr");
            JsonLogsTest.jsonLines(p.out(), "stdout");
        }
    }
}
