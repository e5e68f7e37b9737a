package dev.gdn.chaos.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.chaos.load.ClientKind;
import dev.gdn.chaos.load.ServingTier;
import dev.gdn.ruleset.json.JsonReader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class ReportsTest {
    @TempDir
    Path dir;

    final SyntheticDrill synthetic = new SyntheticDrill();
    final DrillResult r = synthetic.run();

    @Test
    void settledOnlyWhenEveryRegionAnswersFreshOnTheNewestVersion() {
        assertEquals(List.of(true, false, false, true), synthetic.settled);
    }

    @Test
    void observationsCountCheckAndMeasureWhatHappened() {
        Totals t = r.totals();
        assertEquals(new Totals(601, 601, 1, 1, 0, 40), t);
        assertEquals(400, r.byKind().get(ClientKind.LIBRARY).evaluations());
        assertEquals(5_000, r.faultAtMillis());
        assertEquals(12_000, r.healAtMillis());
        assertEquals(2.0, r.latency().steadyP99Ms(), 0.05);
        assertEquals(78.0, r.latency().addedP99Ms(), 1.0);
        assertEquals(78.0, r.latency().addedP99FirstSecondMs(), 1.0);
        assertEquals(1.0, r.latency().addedP99After5sMs(), 0.1);
        assertEquals(0.0, r.latency().addedP50Ms(), 0.1);
        assertEquals(1.0, r.recoverySeconds(), "ams is back in second 13, a second after the heal");

        SecondSample s3 = r.seconds().get(3);
        assertEquals(Map.of(ServingTier.BELT_CDN, 30), s3.byTier());
        SecondSample s7 = r.seconds().get(7);
        assertEquals(Map.of(ServingTier.BELT_CDN, 15, ServingTier.NODE, 10, ServingTier.LOCAL_CACHE, 5), s7.byTier());
        assertEquals(5, s7.regions().get("ams").errors());
        assertEquals(1, s7.wrong());
        assertEquals(2, r.seconds().get(11).regions().get("iad").maxVersion());
        assertEquals(1, r.seconds().get(11).regions().get("iad").minVersion(), "the regressed answer");
        assertEquals(1, r.seconds().get(11).regions().get("ams").maxVersion());

        Map<String, Boolean> checks = new java.util.LinkedHashMap<>();
        r.checks().forEach(c -> checks.put(c.name(), c.passed()));
        assertEquals(Map.of("steady state healthy", true, "every evaluation answered", true, "answers correct", false,
                "no version regression", false, "every answer verified", true, "recovered", true, "every region converged", true), checks);
        assertFalse(r.passed());
        assertEquals(List.of("answers correct", "no version regression"), r.failures().stream().map(CheckResult::name).toList());
        assertEquals(2, r.firstBad().size());
        BadAnswer wrong = r.firstBad().get(0);
        assertEquals(7_200, wrong.atMillis());
        assertEquals("correct", wrong.check());
        assertTrue(wrong.problem().startsWith("dark-mode: expected [true,\"on\",\"TARGETING_MATCH\",null], got [false,\"off\",\"DEFAULT\",null]"),
                wrong.problem());
        assertEquals("version 1 after the session had seen 2", r.firstBad().get(1).problem());
    }

    @Test
    @SuppressWarnings("unchecked")
    void reportJsonHasTheAgreedFieldsAndTheSamples() throws Exception {
        Reports.write(List.of(r), dir, "synthetic");
        Map<String, Object> root = (Map<String, Object>) JsonReader.standard().read(Files.readString(dir.resolve("report.json")));
        assertEquals(false, root.get("passed"));
        Map<String, Object> d = (Map<String, Object>) ((List<Object>) root.get("drills")).get(0);
        for (String field : List.of("name", "passed", "evaluations", "answered", "wrong", "version_regressions", "added_p99_ms", "recovery_s")) {
            assertTrue(d.containsKey(field), "report.json lacks " + field);
        }
        assertEquals("synthetic", d.get("name"));
        assertEquals(601L, d.get("evaluations"));
        assertEquals(601L, d.get("answered"));
        assertEquals(1L, d.get("wrong"));
        assertEquals(1L, d.get("version_regressions"));
        assertEquals(1.0, d.get("recovery_s"));
        assertEquals(78.0, (Double) d.get("added_p99_ms"), 1.0);
        assertEquals(20, ((List<Object>) d.get("seconds")).size());
        assertEquals(2, ((List<Object>) d.get("first_bad_answers")).size());
        Map<String, Object> lib = (Map<String, Object>) ((Map<String, Object>) d.get("by_client")).get("library");
        assertEquals(400L, lib.get("evaluations"));
    }

    @Test
    void junitXmlHasOneFailingCaseNamingTheChecks() throws Exception {
        Reports.write(List.of(r, DrillResult.notRun("never", "Never ran", "d", r.startedAt(), "no world")), dir, "synthetic");
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(dir.resolve("junit.xml").toFile());
        Element suite = doc.getDocumentElement();
        assertEquals("testsuite", suite.getTagName());
        assertEquals("2", suite.getAttribute("tests"));
        assertEquals("1", suite.getAttribute("failures"));
        assertEquals("1", suite.getAttribute("errors"));
        Element failure = (Element) doc.getElementsByTagName("failure").item(0);
        assertEquals("answers correct, no version regression", failure.getAttribute("message"));
        assertTrue(failure.getTextContent().contains("first bad answers:"), failure.getTextContent());
        assertTrue(failure.getTextContent().contains("dark-mode: expected"), failure.getTextContent());
        Element error = (Element) doc.getElementsByTagName("error").item(0);
        assertEquals("drill ran", error.getAttribute("message"));
    }

    @Test
    void htmlIsSelfContainedWithFourChartsShadedAndTheBadAnswers() throws Exception {
        Reports.write(List.of(r), dir, "2 regions (ams, iad)");
        String html = Files.readString(dir.resolve("report.html"));
        assertEquals(4, count(html, "<svg "));
        assertFalse(html.contains("<script"), "no script");
        Matcher urls = Pattern.compile("(?:src|href)=\"(?!#)([^\"]*)\"").matcher(html);
        assertFalse(urls.find(), () -> "nothing fetched from elsewhere: " + urls.group());
        assertEquals(List.of("http://www.w3.org/2000/svg"),
                Pattern.compile("https?://[^\"< ]+").matcher(html).results().map(m -> m.group()).distinct().toList());
        assertTrue(html.contains("fill=\"#e74c3c\" fill-opacity=\"0.12\""), "the fault window is shaded");
        assertTrue(html.contains("How to read this report"));
        assertTrue(html.contains("First bad answers"));
        assertTrue(html.contains("<span class=fail>✗</span></td><td>answers correct"));
        assertTrue(html.contains("belt CDN ams down"), "events are listed");
        // every chart is also a standalone, well-formed SVG file
        for (String kind : List.of("answers", "latency", "errors", "versions")) {
            byte[] svg = Files.readAllBytes(dir.resolve("charts/synthetic-" + kind + ".svg"));
            Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(svg));
            assertEquals("svg", d.getDocumentElement().getTagName(), kind);
            assertNotNull(d.getElementsByTagName("polyline").item(0), kind + " draws lines");
        }
        String answers = Files.readString(dir.resolve("charts/synthetic-answers.svg"));
        for (ServingTier t : List.of(ServingTier.BELT_CDN, ServingTier.NODE, ServingTier.LOCAL_CACHE)) {
            assertTrue(answers.contains("<polygon fill=\"" + t.color() + "\""), t + " is a stacked area");
        }
        assertFalse(answers.contains(ServingTier.CLASSIC.color()), "tiers that never answered are left out");
    }

    @Test
    void terminalSummaryHasALinePerDrillAndWhyItFailed() {
        DrillResult ok = new SyntheticDrill().run().withChecks(List.of(CheckResult.pass("x", "y")));
        String text = TerminalSummary.render(List.of(r, ok));
        String[] lines = text.split("\n");
        assertTrue(lines[0].startsWith("drill"), text);
        assertTrue(lines[1].matches("synthetic +FAIL +601 +100% +1 +1 .*1\\.0 s"), lines[1]);
        assertTrue(lines[2].contains("PASS"), lines[2]);
        assertTrue(text.contains("synthetic FAILED\n  FAILED answers correct: 1 answers differ"), text);
        assertTrue(text.endsWith("1 of 2 drills passed\n"), text);
        assertNull(DrillResult.notRun("n", "t", "d", r.startedAt(), "why").recoverySeconds());
    }

    private static int count(String s, String sub) {
        int n = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1)) {
            n++;
        }
        return n;
    }
}
