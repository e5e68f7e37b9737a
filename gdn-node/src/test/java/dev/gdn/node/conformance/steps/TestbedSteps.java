package dev.gdn.node.conformance.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.node.conformance.FlagdTestbed;
import dev.gdn.node.conformance.TestbedResolver;
import dev.gdn.node.conformance.TestbedResolver.Answer;
import dev.gdn.ruleset.json.JsonReader;
import io.cucumber.datatable.DataTable;
import io.cucumber.java.Before;
import io.cucumber.java.Scenario;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opentest4j.TestAbortedException;

/**
 * Step definitions for the flagd testbed's evaluation, targeting, disabled, metadata and selector features.
 * A scenario's flag is resolved through the current {@link TestbedResolver}, and the caller's default is
 * applied the way an OpenFeature client applies it (errors and answers without a value give the default).
 */
public class TestbedSteps {
    /** Set by the run's hooks (inprocess or ofrep package) before any scenario. */
    static volatile TestbedResolver resolver;
    /** Scenarios this run found not applicable, with why: printed when the run ends. */
    static final List<String> NOT_APPLICABLE = Collections.synchronizedList(new ArrayList<>());

    private String selector;
    private String type;
    private String flagKey;
    private String codeDefault;
    private final Map<String, Object> context = new LinkedHashMap<>();
    private Details details;

    /** What the OpenFeature client returns: GDN's answer with the caller's default applied. */
    record Details(Object value, String variant, String reason, String errorCode, Map<String, Object> metadata) {
    }

    @Before(order = 0)
    public void applicability(Scenario scenario) {
        String why = NotApplicable.reason(scenario.getSourceTagNames());
        if (why != null) {
            String where = scenario.getUri().toString();
            NOT_APPLICABLE.add(where.substring(where.lastIndexOf('/') + 1) + ":" + scenario.getLine() + " "
                    + scenario.getName() + " — " + why);
            throw new TestAbortedException("not applicable to GDN: " + why);
        }
        assertNotNull(resolver, "no resolver: run the testbed through FlagdTestbedInProcessTest or FlagdTestbedOfrepTest");
    }

    @Given("an option {string} of type {string} with value {string}")
    public void option(String name, String optionType, String value) {
        if (name.equals("selector")) {
            selector = value;
        }
        // "cache": GDN evaluates every request; there is no provider cache to turn off
    }

    @Given("a stable flagd provider")
    public void stableProvider() {
        // the resolver is ready for the whole run (an in-process ruleset, or a node started once)
    }

    @Given("a metadata flagd provider")
    public void metadataProvider() {
        // flag-set metadata is part of every GDN answer
    }

    @Given("^a (Boolean|String|Integer|Float|Object)-flag with key \"([^\"]*)\" and a default value \"([^\"]*)\"$")
    public void flag(String flagType, String key, String defaultValue) {
        this.type = flagType;
        this.flagKey = key;
        this.codeDefault = defaultValue;
    }

    @Given("a context containing a key {string}, with type {string} and with value {string}")
    public void contextKey(String key, String valueType, String value) {
        context.put(key, typed(valueType, value));
    }

    @Given("a context containing a nested property with outer key {string} and inner key {string}, with value {string}")
    public void nestedContext(String outer, String inner, String value) {
        context.put(outer, Map.of(inner, value));
    }

    @Given("a context containing a targeting key with value {string}")
    public void targetingKey(String value) {
        context.put("targetingKey", value);
    }

    @When("the flag was evaluated with details")
    public void evaluate() {
        String sel = selector == null ? FlagdTestbed.MERGED : selector;
        Answer a = resolver.resolve(sel, flagKey, Collections.unmodifiableMap(new LinkedHashMap<>(context)));
        Object dflt = typed(type, codeDefault);
        Map<String, Object> md = a.metadata() == null ? Map.of() : a.metadata();
        if (a.errorCode() != null) {
            details = new Details(dflt, null, "ERROR", a.errorCode(), md);
        } else if (a.variant() == null) {
            details = new Details(dflt, null, a.reason(), null, md);
        } else if (!ofType(type, a.value())) {
            details = new Details(dflt, null, "ERROR", "TYPE_MISMATCH", md);
        } else {
            details = new Details(a.value(), a.variant(), a.reason(), null, md);
        }
    }

    @Then("the resolved details value should be {string}")
    public void value(String expected) {
        assertTrue(same(type, typed(type, expected), details.value()), () -> "value: expected " + expected + ", got " + details);
    }

    @Then("the reason should be {string}")
    public void reason(String expected) {
        assertEquals(expected, details.reason(), details::toString);
    }

    @Then("the error-code should be {string}")
    public void errorCode(String expected) {
        assertEquals(expected.isEmpty() ? null : expected, details.errorCode(), details::toString);
    }

    @Then("the resolved metadata should contain")
    public void metadataContains(DataTable table) {
        for (Map<String, String> row : table.asMaps()) {
            String key = row.get("key");
            Object actual = details.metadata().get(key);
            String mdType = row.get("metadata_type");
            assertTrue(actual != null && ofType(mdType, actual) && same(mdType, typed(mdType, row.get("value")), actual),
                    () -> "metadata " + key + ": expected " + mdType + " " + row.get("value") + ", got " + details.metadata());
        }
    }

    @Then("the resolved metadata is empty")
    public void metadataEmpty() {
        assertTrue(details.metadata().isEmpty(), details::toString);
    }

    /** A value of the testbed's types from its text. */
    static Object typed(String valueType, String text) {
        switch (valueType) {
            case "Boolean":
                return Boolean.parseBoolean(text);
            case "Integer":
                return Long.parseLong(text);
            case "Float":
                return Double.parseDouble(text);
            case "Object":
                try {
                    return JsonReader.standard().read(text);
                } catch (Exception e) {
                    throw new IllegalArgumentException("not a JSON value: " + text, e);
                }
            default:
                return text;
        }
    }

    /** Whether an answer fits the requested type (OpenFeature's typed evaluation); numbers are flagd's float64s. */
    static boolean ofType(String valueType, Object v) {
        switch (valueType) {
            case "Boolean":
                return v instanceof Boolean;
            case "Integer":
                return v instanceof Number && ((Number) v).doubleValue() == Math.rint(((Number) v).doubleValue());
            case "Float":
                return v instanceof Number;
            case "Object":
                return v instanceof Map;
            default:
                return v instanceof String;
        }
    }

    static boolean same(String valueType, Object expected, Object actual) {
        if (valueType.equals("Integer") || valueType.equals("Float")) {
            return actual instanceof Number && ((Number) expected).doubleValue() == ((Number) actual).doubleValue();
        }
        return expected.equals(actual);
    }

    /** The report a run prints when it ends: every scenario it did not run, and why. */
    static String notApplicableReport(String run) {
        StringBuilder sb = new StringBuilder("flagd-testbed (" + run + "): " + NOT_APPLICABLE.size()
                + " scenarios not applicable to GDN:");
        synchronized (NOT_APPLICABLE) {
            NOT_APPLICABLE.forEach(s -> sb.append("\n  ").append(s));
        }
        sb.append("\n  and these features are not run at all:");
        NotApplicable.FEATURES.forEach(f -> sb.append("\n  ").append(f));
        return sb.toString();
    }
}
