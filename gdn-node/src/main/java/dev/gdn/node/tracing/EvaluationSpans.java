package dev.gdn.node.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.util.function.Supplier;

/**
 * The {@code gdn.evaluate} span: one evaluation of a request (all flags, or one), inside the request's
 * span, with the environment, the ruleset version and the number of flags. Made only when the request's
 * span is recorded, so with tracing off (or not sampled) it costs one thread-local read.
 */
public final class EvaluationSpans {
    private final Tracer tracer;

    public EvaluationSpans(OpenTelemetry otel) {
        this.tracer = otel.getTracer(RequestTracing.SCOPE);
    }

    /** @param flagKey the flag of a single-flag evaluation, or null for all flags */
    public <T> T evaluate(String environment, long version, int flags, String flagKey, Supplier<T> evaluation) {
        Span request = Span.current();
        if (!request.isRecording()) {
            return evaluation.get();
        }
        request.setAttribute("gdn.environment", environment);
        request.setAttribute("gdn.ruleset.version", version);
        Span span = tracer.spanBuilder("gdn.evaluate")
                .setAttribute("gdn.environment", environment)
                .setAttribute("gdn.ruleset.version", version)
                .setAttribute("gdn.flags", flags)
                .startSpan();
        if (flagKey != null) {
            span.setAttribute("gdn.flag.key", flagKey);
        }
        try (Scope ignored = span.makeCurrent()) {
            return evaluation.get();
        } finally {
            span.end();
        }
    }
}
