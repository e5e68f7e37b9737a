package dev.gdn.chaos.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A time-series chart as a standalone SVG: seconds on x, one quantity on y, with the fault window
 * shaded and the drill's events marked. Series are stacked areas (parts of a whole), lines, or step
 * lines (levels such as a version). NaN values leave gaps. Plain SVG 1.1, no script, no external
 * references, so a report opens anywhere and the chart can be committed as a file.
 */
public final class SvgChart {
    private static final int LEFT = 58;
    private static final int RIGHT = 14;
    private static final int TOP = 30;
    private static final int BOTTOM = 52;

    private final String title;
    private final String yLabel;
    private final int width;
    private final int height;
    private final double xMax;
    private final List<Series> series = new ArrayList<>();
    private double shadeFrom = Double.NaN;
    private double shadeTo = Double.NaN;
    private final List<double[]> markerAt = new ArrayList<>();
    private final List<String> markerText = new ArrayList<>();
    private boolean integerY;

    /** How a series is drawn. */
    public enum Style { AREA, LINE, DASHED, STEP }

    /** One series: its points are (second, value); stacked AREA series are drawn in the order added. */
    public record Series(String label, String color, Style style, double[] x, double[] y) {
    }

    public SvgChart(String title, String yLabel, double xMaxSeconds, int width, int height) {
        this.title = title;
        this.yLabel = yLabel;
        this.xMax = Math.max(1, xMaxSeconds);
        this.width = width;
        this.height = height;
    }

    public SvgChart add(Series s) {
        if (s.x().length != s.y().length) {
            throw new IllegalArgumentException("series " + s.label() + ": " + s.x().length + " x values, " + s.y().length + " y values");
        }
        series.add(s);
        return this;
    }

    /** Shades [from, to) seconds: the fault window. */
    public SvgChart shade(double fromSeconds, double toSeconds) {
        this.shadeFrom = fromSeconds;
        this.shadeTo = toSeconds;
        return this;
    }

    /** A labelled vertical marker (an event). */
    public SvgChart marker(double atSeconds, String text) {
        markerAt.add(new double[] {atSeconds});
        markerText.add(text);
        return this;
    }

    /** Y ticks on whole numbers only (counts, versions). */
    public SvgChart integerY() {
        this.integerY = true;
        return this;
    }

    public String render() {
        double[] top = stackedTops();
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = 0;
        for (Series s : series) {
            for (double v : s.y()) {
                if (!Double.isNaN(v)) {
                    yMax = Math.max(yMax, v);
                    yMin = Math.min(yMin, v);
                }
            }
        }
        for (double v : top) {
            yMax = Math.max(yMax, v);
        }
        boolean steps = series.stream().anyMatch(s -> s.style() == Style.STEP);
        double lo = steps && yMin != Double.POSITIVE_INFINITY && yMin > 0 ? Math.max(0, Math.floor(yMin) - 1) : 0;
        double span = Math.max(yMax - lo, 1e-9);
        double hi = lo + (integerY ? 5 * Math.ceil(Math.max(span, 1) / 5) : niceCeiling(span));
        int pw = width - LEFT - RIGHT;
        int ph = height - TOP - BOTTOM;
        StringBuilder o = new StringBuilder(8192);
        o.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"").append(height)
                .append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"11\" role=\"img\">\n");
        o.append("<title>").append(esc(title)).append("</title>\n");
        o.append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
        o.append("<text x=\"").append(LEFT).append("\" y=\"18\" font-size=\"13\" font-weight=\"bold\" fill=\"#222\">")
                .append(esc(title)).append("</text>\n");
        if (!Double.isNaN(shadeFrom)) {
            double x1 = LEFT + pw * clamp(shadeFrom / xMax);
            double x2 = LEFT + pw * clamp((Double.isNaN(shadeTo) ? xMax : shadeTo) / xMax);
            o.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#e74c3c\" fill-opacity=\"0.12\"/>%n",
                    x1, TOP, Math.max(0, x2 - x1), ph));
            o.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"#c0392b\" font-size=\"10\">fault</text>%n", x1 + 3, TOP + 11));
        }
        // axes and grid
        int ticks = 5;
        for (int i = 0; i <= ticks; i++) {
            double v = lo + (hi - lo) * i / ticks;
            double y = TOP + ph - ph * (v - lo) / (hi - lo);
            o.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>%n", LEFT, y, LEFT + pw, y));
            o.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#555\">%s</text>%n",
                    LEFT - 5, y + 4, number(v)));
        }
        double step = xStep();
        for (double s = 0; s <= xMax + 1e-9; s += step) {
            double x = LEFT + pw * s / xMax;
            o.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#999\"/>%n", x, TOP + ph, x, TOP + ph + 4));
            o.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%s</text>%n",
                    x, TOP + ph + 16, number(s)));
        }
        o.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n", LEFT, TOP + ph, LEFT + pw, TOP + ph));
        o.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n", LEFT, TOP, LEFT, TOP + ph));
        o.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#333\">seconds since the drill started</text>%n",
                LEFT + pw / 2, TOP + ph + 30));
        o.append(String.format(Locale.ROOT, "<text transform=\"translate(13,%d) rotate(-90)\" text-anchor=\"middle\" fill=\"#333\">%s</text>%n",
                TOP + ph / 2, esc(yLabel)));
        // stacked areas, then lines on top
        double[] base = new double[maxPoints()];
        for (Series s : series) {
            if (s.style() == Style.AREA) {
                o.append(area(s, base, lo, hi, pw, ph));
            }
        }
        for (Series s : series) {
            if (s.style() != Style.AREA) {
                o.append(line(s, lo, hi, pw, ph));
            }
        }
        for (int i = 0; i < markerAt.size(); i++) {
            double x = LEFT + pw * clamp(markerAt.get(i)[0] / xMax);
            o.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#c0392b\" stroke-dasharray=\"3,3\"><title>%s</title></line>%n",
                    x, TOP, x, TOP + ph, esc(markerText.get(i))));
        }
        // legend
        double lx = LEFT;
        int ly = height - 8;
        for (Series s : series) {
            o.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>%n", lx, ly - 9, s.color()));
            o.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"#333\">%s</text>%n", lx + 13, ly, esc(s.label())));
            lx += 13 + 6.2 * s.label().length() + 14;
        }
        o.append("</svg>\n");
        return o.toString();
    }

    private int maxPoints() {
        return series.stream().mapToInt(s -> s.x().length).max().orElse(0);
    }

    private double[] stackedTops() {
        double[] top = new double[maxPoints()];
        for (Series s : series) {
            if (s.style() == Style.AREA) {
                for (int i = 0; i < s.y().length; i++) {
                    top[i] += Double.isNaN(s.y()[i]) ? 0 : s.y()[i];
                }
            }
        }
        return top;
    }

    private String area(Series s, double[] base, double lo, double hi, int pw, int ph) {
        int n = s.x().length;
        if (n == 0) {
            return "";
        }
        StringBuilder up = new StringBuilder();
        StringBuilder down = new StringBuilder();
        double[] next = base.clone();
        for (int i = 0; i < n; i++) {
            double v = Double.isNaN(s.y()[i]) ? 0 : s.y()[i];
            next[i] = base[i] + v;
            up.append(point(s.x()[i], next[i], lo, hi, pw, ph)).append(' ');
        }
        for (int i = n - 1; i >= 0; i--) {
            down.append(point(s.x()[i], base[i], lo, hi, pw, ph)).append(' ');
        }
        System.arraycopy(next, 0, base, 0, base.length);
        return "<polygon fill=\"" + s.color() + "\" fill-opacity=\"0.85\" stroke=\"none\" points=\"" + up + down.toString().trim()
                + "\"><title>" + esc(s.label()) + "</title></polygon>\n";
    }

    private String line(Series s, double lo, double hi, int pw, int ph) {
        StringBuilder o = new StringBuilder();
        StringBuilder pts = new StringBuilder();
        double prevY = Double.NaN;
        String dash = s.style() == Style.DASHED ? " stroke-dasharray=\"5,3\"" : "";
        for (int i = 0; i <= s.x().length; i++) {
            boolean gap = i == s.x().length || Double.isNaN(s.y()[i]);
            if (gap) {
                if (pts.length() > 0) {
                    o.append("<polyline fill=\"none\" stroke=\"").append(s.color()).append("\" stroke-width=\"1.8\"").append(dash)
                            .append(" points=\"").append(pts.toString().trim()).append("\"><title>").append(esc(s.label()))
                            .append("</title></polyline>\n");
                    pts.setLength(0);
                }
                prevY = Double.NaN;
                continue;
            }
            if (s.style() == Style.STEP && !Double.isNaN(prevY)) {
                pts.append(point(s.x()[i], prevY, lo, hi, pw, ph)).append(' ');
            }
            pts.append(point(s.x()[i], s.y()[i], lo, hi, pw, ph)).append(' ');
            prevY = s.y()[i];
        }
        return o.toString();
    }

    private String point(double x, double y, double lo, double hi, int pw, int ph) {
        double px = LEFT + pw * clamp(x / xMax);
        double py = TOP + ph - ph * Math.max(0, Math.min(1, (y - lo) / (hi - lo)));
        return String.format(Locale.ROOT, "%.1f,%.1f", px, py);
    }

    private double xStep() {
        for (double s : new double[] {1, 2, 5, 10, 15, 30, 60, 120, 300, 600}) {
            if (xMax / s <= 12) {
                return s;
            }
        }
        return 1200;
    }

    private static double niceCeiling(double v) {
        double mag = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (m * mag >= v) {
                return m * mag;
            }
        }
        return 10 * mag;
    }

    private static double clamp(double f) {
        return Math.max(0, Math.min(1, f));
    }

    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, Math.abs(v) < 10 ? "%.2f" : "%.1f", v);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
