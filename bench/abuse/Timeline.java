import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The abuse bench's timeline as an SVG (docs/benchmarks/): three panels over the same seconds — attack connections
 * open and closed by the node, the node's RSS, and the probes' p99 latency (clipped at 250 ms) — for each run given.
 *
 * usage: java Timeline.java OUT.svg LABEL=timeline.csv[,attack-only-timeline.csv] [...]
 * (the attack-only process's open and closed connections are added to the probing one's, second by second)
 */
public class Timeline {
    record Row(double t, int phase, double open, double closed, double rss, double health, double ofrep, double fresh) {
    }

    static final int W = 900, PANEL = 170, LEFT = 70, TOP = 40, GAP = 40;
    static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};

    public static void main(String[] a) throws Exception {
        List<String> labels = new ArrayList<>();
        List<List<Row>> runs = new ArrayList<>();
        for (int i = 1; i < a.length; i++) {
            String[] kv = a[i].split("=", 2);
            labels.add(kv[0]);
            String[] files = kv[1].split(",");
            List<Row> rows = read(files[0]);
            for (int f = 1; f < files.length; f++) {
                List<Row> extra = read(files[f]);
                for (int r = 0; r < rows.size() && r < extra.size(); r++) {
                    Row x = rows.get(r);
                    rows.set(r, new Row(x.t(), x.phase(), x.open() + extra.get(r).open(), x.closed() + extra.get(r).closed(),
                            x.rss(), x.health(), x.ofrep(), x.fresh()));
                }
            }
            runs.add(rows);
        }
        double tMax = runs.stream().flatMap(List::stream).mapToDouble(Row::t).max().orElse(1);
        double openMax = Math.max(1, runs.stream().flatMap(List::stream).mapToDouble(r -> Math.max(r.open(), r.closed())).max().orElse(1));
        double rssMax = Math.max(1, runs.stream().flatMap(List::stream).mapToDouble(Row::rss).max().orElse(1)) * 1.1;
        StringBuilder s = new StringBuilder();
        int h = TOP + 3 * PANEL + 2 * GAP + 60;
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n", W, h));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append("<text x=\"").append(LEFT).append("\" y=\"22\" font-size=\"15\">gdn node under 20,000 idle connections + slowloris (bench/abuse-bench.sh)</text>\n");
        String[] titles = {"attack connections: open (solid), closed by the node (dashed)", "node RSS (MiB)", "probe p99 latency (ms, clipped at 250): health kept-alive (solid), OFREP bulk (dashed), health new connection (dotted)"};
        double[] max = {openMax, rssMax, 250};
        for (int p = 0; p < 3; p++) {
            int y0 = TOP + p * (PANEL + GAP);
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", LEFT, y0 - 6, titles[p]));
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n", LEFT, y0, W - LEFT - 20, PANEL));
            for (int g = 0; g <= 4; g++) {
                double v = max[p] * g / 4;
                double y = y0 + PANEL - PANEL * g / 4.0;
                s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT - 4, y + 4,
                        v >= 1000 ? String.format(Locale.ROOT, "%.0fk", v / 1000) : String.format(Locale.ROOT, "%.0f", v)));
                s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>%n", LEFT, W - 20, y, y));
            }
            for (int r = 0; r < runs.size(); r++) {
                String color = COLORS[r % COLORS.length];
                List<Row> rows = runs.get(r);
                if (p == 0) {
                    line(s, rows, tMax, y0, max[p], Row::open, color, "");
                    line(s, rows, tMax, y0, max[p], Row::closed, color, "6,4");
                } else if (p == 1) {
                    line(s, rows, tMax, y0, max[p], Row::rss, color, "");
                } else {
                    line(s, rows, tMax, y0, max[p], Row::health, color, "");
                    line(s, rows, tMax, y0, max[p], Row::ofrep, color, "6,4");
                    line(s, rows, tMax, y0, max[p], Row::fresh, color, "2,3");
                }
            }
        }
        int yAxis = TOP + 3 * PANEL + 2 * GAP + 16;
        for (int t = 0; t <= tMax; t += 10) {
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d s</text>%n", x(t, tMax), yAxis, t));
        }
        for (int r = 0; r < labels.size(); r++) {
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">■ %s</text>%n", LEFT + 260 * r, yAxis + 24,
                    COLORS[r % COLORS.length], labels.get(r)));
        }
        s.append("</svg>\n");
        Files.writeString(Path.of(a[0]), s);
    }

    static List<Row> read(String file) throws Exception {
        List<String> lines = Files.readAllLines(Path.of(file));
        List<Row> rows = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            String[] c = l.split(",");
            rows.add(new Row(Double.parseDouble(c[0]), Integer.parseInt(c[1]), Double.parseDouble(c[2]), Double.parseDouble(c[3]),
                    Double.parseDouble(c[4]), Double.parseDouble(c[5]), Double.parseDouble(c[6]), Double.parseDouble(c[7])));
        }
        return rows;
    }

    interface Col {
        double of(Row r);
    }

    static double x(double t, double tMax) {
        return LEFT + (W - LEFT - 20) * t / tMax;
    }

    static void line(StringBuilder s, List<Row> rows, double tMax, int y0, double max, Col col, String color, String dash) {
        StringBuilder pts = new StringBuilder();
        for (Row r : rows) {
            double v = col.of(r);
            if (v < 0) {
                continue;
            }
            pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(r.t(), tMax), y0 + PANEL - PANEL * Math.min(v, max) / max));
        }
        s.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"%s points=\"%s\"/>%n", color,
                dash.isEmpty() ? "" : " stroke-dasharray=\"" + dash + "\"", pts.toString().trim()));
    }
}
