package dev.gdn.node.conformance;

import static io.cucumber.junit.platform.engine.Constants.GLUE_PROPERTY_NAME;
import static io.cucumber.junit.platform.engine.Constants.JUNIT_PLATFORM_NAMING_STRATEGY_PROPERTY_NAME;
import static io.cucumber.junit.platform.engine.Constants.PLUGIN_PROPERTY_NAME;

import org.junit.platform.suite.api.ConfigurationParameter;
import org.junit.platform.suite.api.IncludeEngines;
import org.junit.platform.suite.api.SelectFile;
import org.junit.platform.suite.api.Suite;
import org.junit.platform.suite.api.SuiteDisplayName;

/**
 * The flagd testbed (../shared/flagd-testbed, relative to the repository root; this module's tests run in
 * gdn-node/) in process: every applicable scenario through {@code CompiledRuleset}. Non-applicable
 * scenarios are reported as skipped with why, and listed when the run ends.
 */
@Suite
@SuiteDisplayName("flagd testbed, in process")
@IncludeEngines("cucumber")
@SelectFile("../../shared/flagd-testbed/gherkin/evaluation.feature")
@SelectFile("../../shared/flagd-testbed/gherkin/targeting.feature")
@SelectFile("../../shared/flagd-testbed/gherkin/disabled.feature")
@SelectFile("../../shared/flagd-testbed/gherkin/metadata.feature")
@SelectFile("../../shared/flagd-testbed/gherkin/selector.feature")
@ConfigurationParameter(key = GLUE_PROPERTY_NAME, value = "dev.gdn.node.conformance.steps,dev.gdn.node.conformance.inprocess")
@ConfigurationParameter(key = PLUGIN_PROPERTY_NAME, value = "summary")
@ConfigurationParameter(key = JUNIT_PLATFORM_NAMING_STRATEGY_PROPERTY_NAME, value = "long")
public class FlagdTestbedInProcessTest {
}
