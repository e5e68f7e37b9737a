package dev.gdn.bench;

import dev.gdn.ruleset.json.JsonReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Publish → served, across a running world ({@code bench/world-bench.sh}): N admin uploads, one at a time;
 * after each, every region's node (OFREP bulk POST) and belt POP (the CDN GET, cached: only a purge shows
 * the new version before its s-maxage) and the suspenders POP (the CDN GET through the home region's link)
 * are asked every 5 ms until each answers with the new {@code GDN-Ruleset-Version}. The time to the last endpoint is the publish's
 * propagation; p50/p99/max over N. Reads only world.json.
 *
 * <p>Usage: {@code WorldPropagation WORLD_JSON N SVG_OUT}.
 */
public final class WorldPropagation {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private WorldPropagation() {
    }

    private record Endpoint(String name, HttpRequest request) {
    }

    @SuppressWarnings("unchecked")
    public static void main(String[] args) throws Exception {
        Map<String, Object> world = (Map<String, Object>) JsonReader.standard().read(Files.readAllBytes(Path.of(args[0])));
        int n = Integer.parseInt(args[1]);
        Path svg = Path.of(args[2]);
        Map<String, Object> admin = (Map<String, Object>) world.get("admin");
        String key = (String) world.get("client_key");
        List<Endpoint> endpoints = new ArrayList<>();
        String ctx = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"targetingKey\":\"bench\"}".getBytes(StandardCharsets.UTF_8));
        List<Map<String, Object>> regions = (List<Map<String, Object>>) world.get("regions");
        endpoints.add(new Endpoint("suspenders CDN", HttpRequest.newBuilder(URI.create(regions.get(0).get("suspenders_cdn") + "/gdn/v1/evaluate/"
                + key + "/" + ctx)).timeout(Duration.ofSeconds(5)).build()));
        for (Map<String, Object> r : regions) {
            endpoints.add(new Endpoint(r.get("code") + " node", HttpRequest.newBuilder(URI.create(r.get("node") + "/ofrep/v1/evaluate/flags"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"context\":{\"targetingKey\":\"bench\"}}")).timeout(Duration.ofSeconds(5)).build()));
            endpoints.add(new Endpoint(r.get("code") + " belt CDN", HttpRequest.newBuilder(URI.create(r.get("belt_cdn") + "/gdn/v1/evaluate/" + key + "/" + ctx))
                    .timeout(Duration.ofSeconds(5)).build()));
        }
        double[] millis = new double[n];
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            // First, every endpoint answers once (any version): as in a deployment serving traffic, the evaluation
            // paths and this client's connections are in use when a publish comes. The publish path itself
            // (upload, NOTIFY, signing, store writes, swaps, purges) stays as cold as the start left it.
            long before = System.nanoTime();
            for (Endpoint e : endpoints) {
                waitFor(e, 1, before);
            }
            for (int i = 0; i < n; i++) {
                String flags = "{\"flags\":{\"bench-round\":{\"state\":\"ENABLED\",\"variants\":{\"v\":" + i + "},\"defaultVariant\":\"v\"}}}";
                long t0 = System.nanoTime();
                HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create(admin.get("url") + "/admin/v1/environments/"
                                + world.get("environment") + "/flags")).header("Authorization", "Bearer " + admin.get("token"))
                        .PUT(HttpRequest.BodyPublishers.ofString(flags)).build(), HttpResponse.BodyHandlers.ofString());
                if (put.statusCode() != 201) {
                    throw new IllegalStateException("upload answered " + put.statusCode() + ": " + put.body());
                }
                double uploadMs = (System.nanoTime() - t0) / 1e6;
                long version = ((Number) ((Map<String, Object>) JsonReader.standard().read(put.body())).get("version")).longValue();
                List<Future<Double>> seen = new ArrayList<>();
                for (Endpoint e : endpoints) {
                    seen.add(pool.submit(() -> waitFor(e, version, t0)));
                }
                double worst = 0;
                StringBuilder line = new StringBuilder();
                for (int k = 0; k < endpoints.size(); k++) {
                    double ms = seen.get(k).get();
                    worst = Math.max(worst, ms);
                    line.append(String.format(Locale.ROOT, " %s %.0f", endpoints.get(k).name(), ms));
                }
                millis[i] = worst;
                System.out.printf(Locale.ROOT, "publish %2d (v%d): served everywhere after %.0f ms; upload answered after %.0f ms;%s%n",
                        i + 1, version, worst, uploadMs, line);
                Thread.sleep(300);
            }
        }
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "publish → served by every node and every POP (belt and suspenders), %d publishes: p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                n, pct(sorted, 50), pct(sorted, 99), sorted[n - 1]);
        Files.writeString(svg, picture(millis));
    }

    private static double waitFor(Endpoint e, long version, long t0) throws Exception {
        while (true) {
            try {
                HttpResponse<Void> res = HTTP.send(e.request(), HttpResponse.BodyHandlers.discarding());
                String v = res.headers().firstValue("GDN-Ruleset-Version").orElse("0");
                if (res.statusCode() == 200 && Long.parseLong(v) >= version) {
                    return (System.nanoTime() - t0) / 1e6;
                }
            } catch (java.io.IOException ignored) {
                // a tier restarting: keep asking
            }
            if (System.nanoTime() - t0 > 30_000_000_000L) {
                throw new IllegalStateException(e.name() + " did not serve version " + version + " within 30 s");
            }
            Thread.sleep(5);
        }
    }

    /** Nearest-rank percentile. */
    private static double pct(double[] sorted, int p) {
        return sorted[Math.max(0, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static String picture(double[] ms) {
        double max = Math.max(1000, Arrays.stream(ms).max().orElse(0));
        int w = 60 + ms.length * 22;
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"260\" font-family=\"sans-serif\" font-size=\"11\">\n"
                        + "<text x=\"10\" y=\"16\" font-weight=\"bold\">publish → served by every node and POP (ms), per publish</text>\n", w));
        double y1s = 230 - 200 * 1000 / max;
        s.append(String.format(Locale.ROOT, "<line x1=\"40\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#c62828\" stroke-dasharray=\"4 3\"/>"
                + "<text x=\"2\" y=\"%.1f\" fill=\"#c62828\">1 s</text>\n", y1s, w, y1s, y1s + 4));
        for (int i = 0; i < ms.length; i++) {
            double h = 200 * ms[i] / max;
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"16\" height=\"%.1f\" fill=\"#1e88e5\"/>"
                    + "<text x=\"%d\" y=\"248\" font-size=\"9\">%d</text>\n", 44 + i * 22, 230 - h, h, 46 + i * 22, i + 1));
        }
        return s.append("</svg>\n").toString();
    }
}
