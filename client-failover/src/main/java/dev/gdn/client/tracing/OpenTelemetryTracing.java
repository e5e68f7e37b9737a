package dev.gdn.client.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.concurrent.CancellationException;
import java.util.function.BiConsumer;

/**
 * Client tracing with the OpenTelemetry API: a {@code gdn.client.evaluate} span per call (a child of the
 * application's current span) and a CLIENT span per endpoint asked, whose context goes to the server in
 * {@code traceparent} through the application's propagators (W3C by default). So a GDN node's or the
 * classic API's request span is a child of the attempt that reached it, and hedged or failed-over
 * attempts show side by side.
 *
 * <pre>{@code
 * GdnClient.builder()....tracing(OpenTelemetryTracing.of(openTelemetry)).build();
 * }</pre>
 *
 * With the OpenTelemetry Java agent, which already traces {@code java.net.http}, leave this out.
 */
public final class OpenTelemetryTracing implements ClientTracing {
    private final Tracer tracer;
    private final TextMapPropagator propagator;

    private OpenTelemetryTracing(OpenTelemetry otel) {
        this.tracer = otel.getTracer("dev.gdn.client");
        this.propagator = otel.getPropagators().getTextMapPropagator();
    }

    public static ClientTracing of(OpenTelemetry otel) {
        return new OpenTelemetryTracing(otel);
    }

    @Override
    public Call startCall(String name) {
        Context parent = Context.current();
        Span span = tracer.spanBuilder(name).setParent(parent).startSpan();
        return new OtelCall(parent.with(span), span);
    }

    private final class OtelCall implements Call {
        private final Context context;
        private final Span span;

        OtelCall(Context context, Span span) {
            this.context = context;
            this.span = span;
        }

        @Override
        public Attempt startAttempt(String tier, String endpoint, BiConsumer<String, String> headers) {
            Span attempt = tracer.spanBuilder(tier).setParent(context).setSpanKind(SpanKind.CLIENT)
                    .setAttribute("gdn.tier", tier)
                    .setAttribute("server.address", endpoint)
                    .startSpan();
            propagator.inject(context.with(attempt), headers, (h, key, value) -> h.accept(key, value));
            return new Attempt() {
                @Override
                public void status(int status) {
                    attempt.setAttribute("http.response.status_code", status);
                }

                @Override
                public void end(Throwable failure) {
                    if (failure instanceof CancellationException) {
                        attempt.setAttribute("gdn.outrun", true); // another endpoint answered first
                    } else if (failure != null) {
                        attempt.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
                    }
                    attempt.end();
                }
            };
        }

        @Override
        public void end(String outcome, boolean failed) {
            span.setAttribute("gdn.outcome", outcome);
            if (failed) {
                span.setStatus(StatusCode.ERROR, outcome);
            }
            span.end();
        }
    }
}
