package dev.gdn.regions.world;

import dev.gdn.ruleset.json.JsonWriter;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The world's status page: plain HTML with an SVG map of the regions (equirectangular: longitude → x,
 * latitude → y), each region's node, belt CDN and links with their state and version, and every part
 * with its pid and memory. The page replaces its live part every second ({@code GET /?part=live}); without
 * JavaScript it reloads itself. {@code GET /status.json} is the same data for tools and {@code gdn world status}.
 */
final class StatusPage implements HttpService {
    private static final int W = 720;
    private static final int H = 360;
    private final WorldStatus status;

    StatusPage(WorldStatus status) {
        this.status = status;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/status.json", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.header(HeaderNames.CACHE_CONTROL, "no-store");
            res.send(JsonWriter.toJson(status.snapshot()));
        }).get("/", this::page);
    }

    private void page(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        String live = live(status.snapshot());
        if (req.query().contains("part")) {
            res.send(live);
            return;
        }
        res.send("""
                <!doctype html><html lang="en"><head><meta charset="utf-8"><title>GDN world</title>
                <noscript><meta http-equiv="refresh" content="1"></noscript>
                <style>
                body{font:14px system-ui,sans-serif;margin:1.5em;color:#222;background:#fafafa}
                h1{font-size:1.3em;margin:0 0 .3em} table{border-collapse:collapse;margin:.8em 0}
                td,th{padding:.2em .7em;border-bottom:1px solid #ddd;text-align:left;font-variant-numeric:tabular-nums}
                .READY,.up{color:#1a7f37;font-weight:600}.EXITED,.STOPPED,.down,.reset,.blackhole{color:#c62828;font-weight:600}
                .STARTING,.slow,.limited,.NOT_STARTED{color:#b26a00;font-weight:600} svg{background:#eef3f8;border:1px solid #ccd}
                </style></head><body><h1>GDN world</h1><div id="live">""" + live + """
                </div><script>
                setInterval(async()=>{try{const r=await fetch('/?part=live',{cache:'no-store'});
                if(r.ok){document.getElementById('live').innerHTML=await r.text();}}catch(e){}},1000);
                </script></body></html>""");
    }

    @SuppressWarnings("unchecked")
    static String live(Map<String, Object> s) {
        StringBuilder b = new StringBuilder();
        Map<String, Object> world = (Map<String, Object>) s.get("world");
        Map<String, Object> db = (Map<String, Object>) s.get("database");
        List<Map<String, Object>> regions = (List<Map<String, Object>>) s.get("regions");
        b.append("<p>").append(esc(world.get("dir"))).append(" · environment <b>").append(esc(world.get("environment")))
                .append("</b> · database version <b>").append(esc(db.get("version"))).append("</b> · stores ");
        for (Map<String, Object> st : (List<Map<String, Object>>) s.get("stores")) {
            b.append(esc(String.valueOf(st.get("uri")).replaceAll("\\?.*", ""))).append(" <b>v").append(esc(st.get("version"))).append("</b> ");
        }
        b.append("· memory <b>").append(mib(world.get("rss_bytes"))).append("</b></p>\n");
        b.append(map(regions, String.valueOf(world.get("home"))));
        b.append("<table><tr><th>region</th><th>node</th><th>version</th><th>lag</th><th>belt CDN</th><th>hit ratio</th><th>links</th></tr>\n");
        for (Map<String, Object> r : regions) {
            Map<String, Object> node = (Map<String, Object>) r.get("node");
            Map<String, Object> belt = (Map<String, Object>) r.get("belt_cdn");
            b.append("<tr><td><b>").append(esc(r.get("code"))).append("</b> ").append(esc(r.get("city"))).append("</td>")
                    .append(cell(node.get("state"))).append("<td>").append(esc(node.get("version"))).append("</td><td>")
                    .append(esc(node.get("lag"))).append("</td>").append(cell(belt.get("state"))).append("<td>")
                    .append(ratio(belt.get("hit_ratio"))).append("</td><td>");
            for (Map.Entry<String, Object> l : ((Map<String, Object>) r.get("links")).entrySet()) {
                String state = String.valueOf(((Map<String, Object>) l.getValue()).get("state"));
                b.append(esc(l.getKey())).append(" <span class=\"").append(esc(state)).append("\">").append(esc(state)).append("</span> ");
            }
            b.append("</td></tr>\n");
        }
        Map<String, Object> susp = StatusText.susp(s);
        b.append("</table>\n<p>suspenders CDN (one POP, origin the classic API) <span class=\"").append(esc(susp.get("state"))).append("\">")
                .append(esc(susp.get("state"))).append("</span> · hit ratio <b>").append(ratio(susp.get("hit_ratio"))).append("</b></p>\n");
        b.append("<table><tr><th>part</th><th>state</th><th>pid</th><th>memory</th></tr>\n");
        for (Map<String, Object> p : (List<Map<String, Object>>) s.get("parts")) {
            b.append("<tr><td>").append(esc(p.get("name"))).append("</td>").append(cell(p.get("state"))).append("<td>")
                    .append(esc(p.get("pid"))).append("</td><td>").append(mib(p.get("rss_bytes"))).append("</td></tr>\n");
        }
        return b.append("</table>").toString();
    }

    @SuppressWarnings("unchecked")
    private static String map(List<Map<String, Object>> regions, String home) {
        StringBuilder svg = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + W + "\" height=\"" + H
                + "\" viewBox=\"0 0 " + W + " " + H + "\" role=\"img\" aria-label=\"regions of the world\">\n");
        for (int lon = -150; lon <= 150; lon += 30) {
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.0f\" y1=\"0\" x2=\"%.0f\" y2=\"%d\" stroke=\"#d5dde8\"/>", x(lon), x(lon), H));
        }
        for (int lat = -60; lat <= 60; lat += 30) {
            svg.append(String.format(Locale.ROOT, "<line x1=\"0\" y1=\"%.0f\" x2=\"%d\" y2=\"%.0f\" stroke=\"%s\"/>", y(lat), W, y(lat),
                    lat == 0 ? "#b8c4d4" : "#d5dde8"));
        }
        Map<String, Object> homeRegion = regions.stream().filter(r -> home.equals(r.get("code"))).findFirst().orElse(regions.get(0));
        double hx = x(num(homeRegion.get("lon")));
        double hy = y(num(homeRegion.get("lat")));
        for (Map<String, Object> r : regions) {
            double rx = x(num(r.get("lon")));
            double ry = y(num(r.get("lat")));
            if (!r.equals(homeRegion)) {
                svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#8aa\" stroke-dasharray=\"4 3\"/>"
                        + "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"#567\">%s ms</text>\n", rx, ry, hx, hy,
                        (rx + hx) / 2, (ry + hy) / 2 - 3, esc(Math.round(num(r.get("rtt_to_home_ms"))))));
            }
        }
        for (Map<String, Object> r : regions) {
            double rx = x(num(r.get("lon")));
            double ry = y(num(r.get("lat")));
            Map<String, Object> node = (Map<String, Object>) r.get("node");
            Map<String, Object> links = (Map<String, Object>) r.get("links");
            Map<String, Object> belt = (Map<String, Object>) r.get("belt_cdn");
            String nodeLink = String.valueOf(((Map<String, Object>) links.getOrDefault("node", Map.of("state", "?"))).get("state"));
            String fill = "READY".equals(node.get("state")) && "up".equals(nodeLink) ? "#2e7d32"
                    : "READY".equals(node.get("state")) ? "#ef6c00" : "#c62828";
            svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"7\" fill=\"%s\" stroke=\"#fff\" stroke-width=\"2\"/>"
                            + "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" font-weight=\"bold\">%s%s</text>"
                            + "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\">node %s v%s · link %s</text>"
                            + "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\">belt POP %s · hits %s</text>\n",
                    rx, ry, fill, rx + 10, ry - 2, esc(r.get("code")), home.equals(r.get("code")) ? " (home)" : "",
                    rx + 10, ry + 10, esc(node.get("state")), esc(node.get("version")), esc(nodeLink),
                    rx + 10, ry + 22, esc(belt.get("state")), ratio(belt.get("hit_ratio"))));
        }
        return svg.append("</svg>\n").toString();
    }

    private static double x(double lon) {
        return (lon + 180) / 360 * W;
    }

    private static double y(double lat) {
        return (90 - lat) / 180 * H;
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : 0;
    }

    private static String cell(Object state) {
        return "<td class=\"" + esc(state) + "\">" + esc(state) + "</td>";
    }

    static String mib(Object bytes) {
        return bytes instanceof Number n ? String.format(Locale.ROOT, "%.0f MiB", n.doubleValue() / (1 << 20)) : "–";
    }

    static String ratio(Object r) {
        return r instanceof Number n ? String.format(Locale.ROOT, "%.0f %%", n.doubleValue() * 100) : "–";
    }

    private static String esc(Object o) {
        if (o == null) {
            return "–";
        }
        return String.valueOf(o).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
