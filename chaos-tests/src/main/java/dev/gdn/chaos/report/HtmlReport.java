package dev.gdn.chaos.report;

import dev.gdn.chaos.load.ClientKind;
import dev.gdn.chaos.load.ServingTier;
import dev.gdn.client.policy.CallTrace;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code report.html}: one self-contained page (inline CSS and SVG, no script, nothing fetched) that a
 * person who did not run the drills can read: what each drill did and proves, whether it passed and
 * why not, the figures, the four charts with the fault window shaded, and the first bad answers.
 */
public final class HtmlReport {
    private HtmlReport() {
    }

    public static String render(List<DrillResult> results, Instant generatedAt, String worldDescription) {
        StringBuilder h = new StringBuilder(1 << 16);
        boolean allPassed = results.stream().allMatch(DrillResult::passed);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>GDN drill report</title>\n<style>\n")
                .append("body{font-family:Helvetica,Arial,sans-serif;max-width:960px;margin:2em auto;color:#222;line-height:1.45}\n")
                .append("table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;font-size:13px}\n")
                .append("th{background:#f4f4f4}.pass{color:#fff;background:#27ae60;padding:1px 7px;border-radius:3px}\n")
                .append(".fail{color:#fff;background:#c0392b;padding:1px 7px;border-radius:3px}section{border-top:2px solid #eee;margin-top:2em}\n")
                .append("code,.mono{font-family:Menlo,Consolas,monospace;font-size:12px}td.mono{word-break:break-all}.num{text-align:right}.muted{color:#666}\n")
                .append("svg{display:block;margin:.8em 0}\n</style></head><body>\n");
        h.append("<h1>GDN drill report <span class=\"").append(allPassed ? "pass\">ALL PASSED" : "fail\">FAILED").append("</span></h1>\n");
        h.append("<p class=\"muted\">Generated ").append(esc(generatedAt.toString())).append(". World: ").append(esc(worldDescription))
                .append(".</p>\n");
        h.append(howToRead());
        h.append("<h2>Summary</h2>\n<table><tr><th>drill</th><th>result</th><th class=num>evaluations</th><th class=num>answered</th>")
                .append("<th class=num>wrong</th><th class=num>version regressions</th><th class=num>added p99</th><th class=num>recovery</th></tr>\n");
        for (DrillResult r : results) {
            Totals t = r.totals();
            h.append("<tr><td><a href=\"#").append(esc(r.name())).append("\">").append(esc(r.name())).append("</a></td><td>")
                    .append(badge(r.passed())).append("</td><td class=num>").append(t.evaluations()).append("</td><td class=num>")
                    .append(TerminalSummary.percent(t.answered(), t.evaluations())).append(" %</td><td class=num>").append(t.wrong())
                    .append("</td><td class=num>").append(t.regressions()).append("</td><td class=num>")
                    .append(ms(r.latency().addedP99Ms())).append("</td><td class=num>")
                    .append(r.recoverySeconds() == null ? "–" : String.format(Locale.ROOT, "%.1f s", r.recoverySeconds()))
                    .append("</td></tr>\n");
        }
        h.append("</table>\n");
        for (DrillResult r : results) {
            h.append(drill(r));
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    private static String howToRead() {
        StringBuilder h = new StringBuilder();
        h.append("<details open><summary><b>How to read this report</b></summary>\n<p>Each drill runs a whole GDN world under load and ")
                .append("goes <b>steady state → fault → hold → heal → verify</b>. In every region, real clients read flags the way ")
                .append("applications do: the Java failover library with its default chain (belt CDN → GDN node → suspenders CDN → ")
                .append("classic API → other regions' nodes), plain OFREP clients and CDN GET clients (one endpoint each, the region's ")
                .append("belt CDN, with the last good answer kept as OFREP providers do). Every answer names the ruleset version it was ")
                .append("computed with; the drill evaluates that version locally (the version's signed artifact from a store, verified, ")
                .append("or the admin API's copy) and compares every flag.</p>\n<p>A drill <b>passes</b> when every evaluation was ")
                .append("answered (by a server or a client's cache), no answer differed from local evaluation, no session ever saw an ")
                .append("older version after a newer one, every answer's version could be verified, the world recovered after the heal, ")
                .append("and the drill's own checks held. <i>Added latency</i> is the failover library's p50/p99 during the fault minus ")
                .append("its steady-state p50/p99; <i>recovery</i> is the time from the heal until every second looked like steady ")
                .append("state again (no errors, every region answering, the usual tier serving, the median latency back).</p>\n<p>In the charts the ")
                .append("<span style=\"background:#fadbd8\">shaded band</span> is the fault window and dashed red lines are the drill's ")
                .append("events (hover for what happened). <b>Answers per second by serving tier</b> shows who answered: ");
        for (ServingTier t : ServingTier.values()) {
            h.append("<span style=\"color:").append(t.color()).append("\">■</span> ").append(t.label()).append(' ');
        }
        h.append("— a fault shows as a colour giving way to another. <b>Latency</b> is what the application waited on the library. ")
                .append("<b>Errors per region</b> counts evaluations that got no fresh answer from any server. <b>Version</b> is the ")
                .append("newest version each region's fresh answers named: after a publish every line should climb to the same level and ")
                .append("never come down.</p></details>\n");
        return h.toString();
    }

    private static String drill(DrillResult r) {
        StringBuilder h = new StringBuilder();
        h.append("<section id=\"").append(esc(r.name())).append("\"><h2>").append(esc(r.title())).append(" <span class=mono>(")
                .append(esc(r.name())).append(")</span> ").append(badge(r.passed())).append("</h2>\n");
        h.append("<p>").append(esc(r.description())).append("</p>\n");
        if (r.error() != null) {
            h.append("<p><b>The drill could not run:</b> ").append(esc(r.error())).append("</p></section>\n");
            return h.toString();
        }
        h.append(String.format(Locale.ROOT, "<p class=muted>Started %s. Steady state 0–%.1f s, fault %.1f–%.1f s, after heal %.1f–%.1f s. "
                + "Regions: %s.</p>%n", esc(r.startedAt().toString()), r.faultAtMillis() / 1000.0, r.faultAtMillis() / 1000.0,
                r.healAtMillis() / 1000.0, r.healAtMillis() / 1000.0, r.endedAtMillis() / 1000.0, esc(String.join(", ", r.regions()))));
        h.append("<h3>Checks</h3>\n<table><tr><th></th><th>check</th><th>what was found</th></tr>\n");
        for (CheckResult c : r.failures().isEmpty() ? r.checks() : concat(r.failures(), r.checks().stream().filter(CheckResult::passed).toList())) {
            h.append("<tr><td>").append(c.passed() ? "<span class=pass>✓</span>" : "<span class=fail>✗</span>").append("</td><td>")
                    .append(esc(c.name())).append("</td><td>").append(esc(c.detail())).append("</td></tr>\n");
        }
        h.append("</table>\n");
        h.append(figures(r));
        h.append(Charts.answersByTier(r)).append(Charts.latency(r)).append(Charts.errors(r)).append(Charts.versions(r));
        if (!r.events().isEmpty()) {
            h.append("<h3>Events</h3>\n<table><tr><th class=num>at</th><th>what</th></tr>\n");
            for (DrillEvent e : r.events()) {
                h.append(String.format(Locale.ROOT, "<tr><td class=num>%.2f s</td><td>%s</td></tr>%n", e.atMillis() / 1000.0, esc(e.text())));
            }
            h.append("</table>\n");
        }
        if (!r.firstBad().isEmpty()) {
            h.append("<h3>First bad answers</h3>\n<table><tr><th class=num>at</th><th>check</th><th>region</th><th>client</th><th>session</th>")
                    .append("<th>tier</th><th>served by</th><th class=num>version</th><th>context</th><th>problem</th></tr>\n");
            for (BadAnswer a : r.firstBad()) {
                h.append(String.format(Locale.ROOT, "<tr><td class=num>%.2f s</td><td>%s</td><td>%s</td><td>%s</td><td class=mono>%s</td>"
                        + "<td>%s</td><td class=mono>%s</td><td class=num>%d</td><td class=mono>%s</td><td class=mono>%s</td></tr>%n",
                        a.atMillis() / 1000.0, esc(a.check()), esc(a.region()), esc(a.client()), esc(a.session()), esc(a.tier()),
                        esc(a.servedBy()), a.version(), esc(a.context()), esc(a.problem())));
            }
            h.append("</table>\n");
        }
        h.append(slowCalls(r));
        h.append("</section>\n");
        return h.toString();
    }

    /** The library's slowest calls, each with the client's trace: one line per endpoint it decided about. */
    private static String slowCalls(DrillResult r) {
        if (r.slowCalls().isEmpty()) {
            return "";
        }
        StringBuilder h = new StringBuilder("<h3>Slowest failover library calls</h3>\n<p class=muted>The ")
                .append(Observations.KEEP_SLOWEST).append(" slowest calls and every call of a second or more. Each trace line: when the ")
                .append("endpoint was asked or skipped (from the call's start), how, and how it ended. A hung tier shows as ")
                .append("<i>hung_cancelled</i> at its hedge delay, a skipped one as <i>skipped_…</i>; a stalled machine as attempts ")
                .append("started or ended late.</p>\n<table><tr><th class=num>at</th><th>region</th><th>session</th><th class=num>took</th>")
                .append("<th>answered by</th><th>trace</th></tr>\n");
        for (SlowCall c : r.slowCalls()) {
            StringBuilder trace = new StringBuilder();
            for (CallTrace.Attempt a : c.trace().attempts()) {
                trace.append(String.format(Locale.ROOT, "+%.0f ms %s: %s, %s", a.startedAfter().toNanos() / 1e6, esc(a.endpoint()),
                        a.asked().name().toLowerCase(Locale.ROOT), a.outcome().name().toLowerCase(Locale.ROOT)));
                if (a.asked() != CallTrace.Asked.NO) {
                    trace.append(String.format(Locale.ROOT, " after %.0f ms", a.took().toNanos() / 1e6));
                }
                if (a.detail() != null) {
                    trace.append(" (").append(esc(a.detail())).append(')');
                }
                trace.append("<br>");
            }
            h.append(String.format(Locale.ROOT, "<tr><td class=num>%.2f s</td><td>%s</td><td class=mono>%s</td><td class=num>%.0f ms</td>"
                    + "<td>%s</td><td class=mono>%s</td></tr>%n", c.atMillis() / 1000.0, esc(c.region()), esc(c.session()), c.tookMs(),
                    esc(c.tier()) + (c.error() == null ? "" : "<br><span class=muted>" + esc(c.error()) + "</span>"), trace));
        }
        return h.append("</table>\n").toString();
    }

    private static String figures(DrillResult r) {
        Latency l = r.latency();
        StringBuilder h = new StringBuilder("<h3>Figures</h3>\n<table><tr><th>client</th><th class=num>evaluations</th><th class=num>answered</th>"
                + "<th class=num>from client cache</th><th class=num>wrong</th><th class=num>regressions</th><th class=num>unverified</th></tr>\n");
        for (Map.Entry<ClientKind, Totals> e : new java.util.TreeMap<>(r.byKind()).entrySet()) {
            h.append(row(e.getKey().label(), e.getValue()));
        }
        h.append(row("all", r.totals())).append("</table>\n");
        h.append("<table><tr><th>failover library latency</th><th class=num>p50</th><th class=num>p99</th></tr>\n")
                .append(latencyRow("steady state", l.steadyP50Ms(), l.steadyP99Ms()))
                .append(latencyRow("during the fault", l.faultP50Ms(), l.faultP99Ms()))
                .append(latencyRow("after the heal", l.verifyP50Ms(), l.verifyP99Ms()))
                .append(latencyRow("added by the fault", l.addedP50Ms(), l.addedP99Ms()))
                .append("<tr><td>added p99, first second of the fault / from 5 s on</td><td></td><td class=num>")
                .append(ms(l.addedP99FirstSecondMs())).append(" / ").append(ms(l.addedP99After5sMs())).append("</td></tr>\n</table>\n");
        h.append("<p>Recovery: ").append(r.recoverySeconds() == null ? "<b>not within the run</b>"
                : String.format(Locale.ROOT, "%.1f s after the heal", r.recoverySeconds())).append(".</p>\n");
        return h.toString();
    }

    private static String row(String label, Totals t) {
        return String.format(Locale.ROOT, "<tr><td>%s</td><td class=num>%d</td><td class=num>%d</td><td class=num>%d</td><td class=num>%d</td>"
                + "<td class=num>%d</td><td class=num>%d</td></tr>%n", esc(label), t.evaluations(), t.answered(), t.stale(), t.wrong(),
                t.regressions(), t.unverified());
    }

    private static String latencyRow(String label, double p50, double p99) {
        return "<tr><td>" + esc(label) + "</td><td class=num>" + ms(p50) + "</td><td class=num>" + ms(p99) + "</td></tr>\n";
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    private static String badge(boolean passed) {
        return passed ? "<span class=pass>PASS</span>" : "<span class=fail>FAIL</span>";
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f ms", v);
    }

    static String esc(String s) {
        return s == null ? "" : SvgChart.esc(s);
    }
}
