package dev.gdn.node.conformance.inprocess;

import dev.gdn.node.conformance.FlagdTestbed;
import dev.gdn.node.conformance.TestbedResolver;
import dev.gdn.ruleset.compile.FlagFileException;
import dev.gdn.ruleset.compile.FlagdCompiler;
import dev.gdn.ruleset.eval.CompiledRuleset;
import dev.gdn.ruleset.eval.EvaluationContext;
import dev.gdn.ruleset.eval.FlagResult;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The testbed through {@link CompiledRuleset}, the evaluator every GDN server and SDK uses. */
final class InProcessResolver implements TestbedResolver {
    private final Map<String, CompiledRuleset> bySelector = new ConcurrentHashMap<>();

    @Override
    public Answer resolve(String selector, String flagKey, Map<String, Object> context) {
        CompiledRuleset rs = bySelector.computeIfAbsent(selector, InProcessResolver::compile);
        FlagResult r = rs.evaluate(flagKey, EvaluationContext.of(context));
        return new Answer(r.value(), r.variant(), r.reason().name(), r.isError() ? r.errorCode().name() : null, r.metadata());
    }

    private static CompiledRuleset compile(String selector) {
        try {
            return CompiledRuleset.of(FlagdCompiler.compile(FlagdTestbed.flagFile(selector)).toRuleset("testbed", 1, 0, List.of()));
        } catch (FlagFileException e) {
            throw new AssertionError("the testbed's " + selector + " must compile: " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return "in process";
    }
}
