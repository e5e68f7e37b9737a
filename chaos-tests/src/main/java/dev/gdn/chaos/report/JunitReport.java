package dev.gdn.chaos.report;

import java.io.StringWriter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * {@code junit.xml}: one test case per drill (class {@code gdn.drills}), a failure per failed drill whose
 * message names the failed checks and whose text lists them with the first bad answers, as CI servers
 * show JUnit results.
 */
public final class JunitReport {
    private JunitReport() {
    }

    public static String render(List<DrillResult> results) {
        StringWriter out = new StringWriter();
        try {
            XMLStreamWriter x = XMLOutputFactory.newInstance().createXMLStreamWriter(out);
            x.writeStartDocument("UTF-8", "1.0");
            x.writeCharacters("\n");
            x.writeStartElement("testsuite");
            x.writeAttribute("name", "gdn-drills");
            x.writeAttribute("tests", Integer.toString(results.size()));
            x.writeAttribute("failures", Long.toString(results.stream().filter(r -> !r.passed() && r.error() == null).count()));
            x.writeAttribute("errors", Long.toString(results.stream().filter(r -> r.error() != null).count()));
            x.writeAttribute("time", seconds(results.stream().mapToLong(DrillResult::endedAtMillis).sum()));
            x.writeCharacters("\n");
            for (DrillResult r : results) {
                x.writeCharacters("  ");
                x.writeStartElement("testcase");
                x.writeAttribute("classname", "gdn.drills");
                x.writeAttribute("name", r.name());
                x.writeAttribute("time", seconds(r.endedAtMillis()));
                if (!r.passed()) {
                    x.writeStartElement(r.error() != null ? "error" : "failure");
                    x.writeAttribute("message", r.failures().stream().map(CheckResult::name).collect(Collectors.joining(", ")));
                    x.writeCharacters(failureText(r));
                    x.writeEndElement();
                }
                x.writeStartElement("system-out");
                x.writeCharacters(TerminalSummary.figures(r));
                x.writeEndElement();
                x.writeEndElement();
                x.writeCharacters("\n");
            }
            x.writeEndElement();
            x.writeCharacters("\n");
            x.writeEndDocument();
            x.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("writing junit.xml", e);
        }
        return out.toString();
    }

    static String failureText(DrillResult r) {
        StringBuilder b = new StringBuilder();
        for (CheckResult c : r.failures()) {
            b.append("FAILED ").append(c.name()).append(": ").append(c.detail()).append('\n');
        }
        if (!r.firstBad().isEmpty()) {
            b.append("first bad answers:\n");
            for (BadAnswer a : r.firstBad()) {
                b.append(String.format(Locale.ROOT, "  %6.2f s  %-14s %-3s %-16s %-24s tier=%s served-by=%s v%d  %s%n", a.atMillis() / 1000.0,
                        a.check(), a.region(), a.client(), a.session(), a.tier(), a.servedBy(), a.version(), a.problem()));
            }
        }
        return b.toString();
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.3f", millis / 1000.0);
    }
}
