package dev.gdn.node.tracing;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.ArrayList;
import java.util.List;

/**
 * W3C trace context for every HTTP request of a GDN server, as one Helidon filter.
 *
 * <ul>
 *   <li>Tracing on (an OpenTelemetry SDK configured): a SERVER span per request, a child of the caller's
 *       {@code traceparent} when it sent one, named {@code METHOD /route/pattern}, with the route and
 *       status. The URL path itself is left out: the CDN GET carries a client key and the context.</li>
 *   <li>Tracing off (the default): nothing is recorded; a request that carries a {@code traceparent} runs
 *       in that context, so whatever it logs carries the caller's trace id. A request without one costs
 *       one header lookup.</li>
 * </ul>
 */
public final class RequestTracing implements Filter {
    /** The instrumentation scope of every span GDN servers make. */
    public static final String SCOPE = "dev.gdn";
    private static final HeaderName TRACEPARENT = HeaderNames.create("traceparent");
    private static final HeaderName TRACESTATE = HeaderNames.create("tracestate");

    private final TextMapPropagator propagator;
    private final Tracer tracer;
    private final boolean recording;

    public RequestTracing(OpenTelemetry otel) {
        this.propagator = otel.getPropagators().getTextMapPropagator();
        this.tracer = otel.getTracer(SCOPE);
        this.recording = recording(otel);
    }

    /** Tracing off: W3C trace context is read from requests (and so reaches logs), nothing is recorded or exported. */
    public static OpenTelemetry propagationOnly() {
        return OpenTelemetry.propagating(ContextPropagators.create(W3CTraceContextPropagator.getInstance()));
    }

    /** Whether spans are recorded at all (an SDK is configured), as opposed to only carrying the caller's context. */
    public static boolean recording(OpenTelemetry otel) {
        return otel.getTracerProvider() != TracerProvider.noop();
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (!recording) {
            if (!req.headers().contains(TRACEPARENT)) {
                chain.proceed();
                return;
            }
            try (Scope ignored = propagator.extract(Context.root(), req.headers(), HEADERS).makeCurrent()) {
                chain.proceed();
            }
            return;
        }
        Context parent = propagator.extract(Context.root(), req.headers(), HEADERS);
        String method = req.prologue().method().text();
        Span span = tracer.spanBuilder(method).setParent(parent).setSpanKind(SpanKind.SERVER)
                .setAttribute("http.request.method", method)
                .startSpan();
        Scope scope = span.makeCurrent();
        try {
            chain.proceed();
        } catch (RuntimeException | Error e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR);
            throw e;
        } finally {
            int status = res.status().code();
            span.setAttribute("http.response.status_code", status);
            if (status >= 500) {
                span.setStatus(StatusCode.ERROR);
            }
            req.matchingPattern().ifPresent(route -> {
                span.setAttribute("http.route", route);
                span.updateName(method + " " + route);
            });
            span.end(); // still current: an exporter that logs the span does so on a line with its trace id
            scope.close();
        }
    }

    /** Reads propagation headers from Helidon's request headers (the two W3C ones without building a name). */
    private static final TextMapGetter<ServerRequestHeaders> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(ServerRequestHeaders headers) {
            List<String> names = new ArrayList<>();
            headers.forEach(h -> names.add(h.name()));
            return names;
        }

        @Override
        public String get(ServerRequestHeaders headers, String key) {
            if (headers == null) {
                return null;
            }
            HeaderName name = switch (key) {
                case "traceparent" -> TRACEPARENT;
                case "tracestate" -> TRACESTATE;
                default -> HeaderNames.create(key);
            };
            return headers.first(name).orElse(null);
        }
    };
}
