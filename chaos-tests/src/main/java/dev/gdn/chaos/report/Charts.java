package dev.gdn.chaos.report;

import dev.gdn.chaos.load.ServingTier;
import java.util.List;

/** The four charts every drill report shows, built from its per-second samples. */
public final class Charts {
    private static final String[] REGION_COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"};
    static final int WIDTH = 860;
    static final int HEIGHT = 250;

    private Charts() {
    }

    /** Answers per second, stacked by the tier that served them; unanswered evaluations as a red line. */
    public static String answersByTier(DrillResult r) {
        SvgChart c = frame(r, "Answers per second by serving tier", "answers / s").integerY();
        List<SecondSample> s = r.seconds();
        for (ServingTier t : ServingTier.values()) {
            double[] y = new double[s.size()];
            boolean any = false;
            for (int i = 0; i < s.size(); i++) {
                y[i] = s.get(i).byTier().getOrDefault(t, 0);
                any |= y[i] > 0;
            }
            if (any) {
                c.add(new SvgChart.Series(t.label(), t.color(), SvgChart.Style.AREA, xs(s), y));
            }
        }
        double[] un = s.stream().mapToDouble(SecondSample::unanswered).toArray();
        double[] wrong = s.stream().mapToDouble(SecondSample::wrong).toArray();
        c.add(new SvgChart.Series("unanswered", "#e74c3c", SvgChart.Style.LINE, xs(s), un));
        c.add(new SvgChart.Series("wrong or regressed", "#000000", SvgChart.Style.DASHED, xs(s), wrong));
        return c.render();
    }

    /** The failover library's p50 and p99 latency per second. */
    public static String latency(DrillResult r) {
        SvgChart c = frame(r, "Failover library latency (what the application waits)", "milliseconds");
        List<SecondSample> s = r.seconds();
        c.add(new SvgChart.Series("p50", "#2e86de", SvgChart.Style.LINE, xs(s), s.stream().mapToDouble(SecondSample::p50Ms).toArray()));
        c.add(new SvgChart.Series("p99", "#c0392b", SvgChart.Style.LINE, xs(s), s.stream().mapToDouble(SecondSample::p99Ms).toArray()));
        return c.render();
    }

    /** Per region: evaluations per second that no server answered fresh (served from a client cache, or not at all). */
    public static String errors(DrillResult r) {
        SvgChart c = frame(r, "Errors per region: evaluations without a fresh answer", "per second").integerY();
        return perRegion(c, r, SvgChart.Style.LINE, rs -> rs == null ? 0 : rs.errors());
    }

    /** Per region: the newest ruleset version its fresh answers named each second. */
    public static String versions(DrillResult r) {
        SvgChart c = frame(r, "Ruleset version served per region (newest in fresh answers)", "version").integerY();
        return perRegion(c, r, SvgChart.Style.STEP, rs -> rs == null || rs.maxVersion() == 0 ? Double.NaN : rs.maxVersion());
    }

    /** One series per region, in the region's colour; {@code value} gets null for a second the region had no answer in. */
    private static String perRegion(SvgChart c, DrillResult r, SvgChart.Style style,
                                    java.util.function.ToDoubleFunction<SecondSample.RegionSecond> value) {
        List<SecondSample> s = r.seconds();
        for (int k = 0; k < r.regions().size(); k++) {
            String region = r.regions().get(k);
            double[] y = s.stream().mapToDouble(x -> value.applyAsDouble(x.regions().get(region))).toArray();
            c.add(new SvgChart.Series(region, REGION_COLORS[k % REGION_COLORS.length], style, xs(s), y));
        }
        return c.render();
    }

    private static SvgChart frame(DrillResult r, String title, String yLabel) {
        SvgChart c = new SvgChart(title, yLabel, r.endedAtMillis() / 1000.0, WIDTH, HEIGHT);
        if (r.healAtMillis() > r.faultAtMillis()) {
            c.shade(r.faultAtMillis() / 1000.0, r.healAtMillis() / 1000.0);
        }
        for (DrillEvent e : r.events()) {
            c.marker(e.atMillis() / 1000.0, String.format(java.util.Locale.ROOT, "%.1f s: %s", e.atMillis() / 1000.0, e.text()));
        }
        return c;
    }

    /** Each sample plotted at the middle of its second. */
    private static double[] xs(List<SecondSample> s) {
        return s.stream().mapToDouble(x -> x.second() + 0.5).toArray();
    }
}
