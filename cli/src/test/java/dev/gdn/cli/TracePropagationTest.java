package dev.gdn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.client.Evaluations;
import dev.gdn.client.GdnClient;
import dev.gdn.client.Tier;
import dev.gdn.client.TierKind;
import dev.gdn.client.tracing.OpenTelemetryTracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trace context from the Java client through a real {@code gdn node} process: the client's attempt span
 * sends {@code traceparent}; the node, with {@code OTEL_TRACES_EXPORTER=logging}, logs its request span
 * and its evaluation span under the caller's trace id, on JSON log lines that carry that trace id.
 */
class TracePropagationTest {
    @TempDir
    Path dir;

    @Test
    void theNodeLogsItsSpansUnderTheClientsTraceId() throws Exception {
        Path flags = dir.resolve("flags.json");
        Files.writeString(flags, GdnCommandTest.FLAGS);
        String clientKey = "gdn_client_trace_test";
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
             GdnProcess node = GdnProcess.start(dir, Map.of("OTEL_TRACES_EXPORTER", "logging"), "node", "--log-format", "json",
                     "--flags", flags.toString(), "--client-key", clientKey, "--host", "127.0.0.1", "--port", "0", "--drain", "200ms")) {
            int port = node.awaitPort("node", 30_000);
            try (GdnClient client = GdnClient.builder().clientKey(clientKey)
                    // a node just started on a loaded machine may take seconds over its first request
                    .tier(Tier.of("gdn", TierKind.GDN, "http://127.0.0.1:" + port)
                            .withTimeout(Duration.ofSeconds(15)).withHedgeDelay(Duration.ofSeconds(15)))
                    .deadline(Duration.ofSeconds(20))
                    .tracing(OpenTelemetryTracing.of(sdk))
                    .build()) {
                Span checkout = sdk.getTracer("test").spanBuilder("checkout").startSpan();
                Evaluations answer;
                try (Scope ignored = checkout.makeCurrent()) {
                    answer = client.evaluate(Map.of("targetingKey", "u1", "email", "a@example.com"));
                } finally {
                    checkout.end();
                }
                assertEquals(Evaluations.Freshness.FRESH, answer.freshness(), String.valueOf(answer.error()));
                String traceId = checkout.getSpanContext().getTraceId();

                // the attempt span ends right after the answer is handed over: wait for it briefly
                long until = System.currentTimeMillis() + 5_000;
                while (spans.getFinishedSpanItems().stream().noneMatch(sp -> sp.getKind() == SpanKind.CLIENT)
                        && System.currentTimeMillis() < until) {
                    Thread.sleep(20);
                }
                List<SpanData> client_ = spans.getFinishedSpanItems();
                SpanData attempt = client_.stream().filter(sp -> sp.getKind() == SpanKind.CLIENT).findFirst()
                        .orElseThrow(() -> new AssertionError("no attempt span: " + client_));
                assertEquals(traceId, attempt.getTraceId());
                assertEquals(200L, attempt.getAttributes().get(io.opentelemetry.api.common.AttributeKey.longKey("http.response.status_code")));
                SpanData call = client_.stream().filter(sp -> sp.getName().equals("gdn.client.evaluate")).findFirst().orElseThrow();
                assertEquals(checkout.getSpanContext().getSpanId(), call.getParentSpanId(), "the call is a child of the application's span");
                assertEquals(call.getSpanId(), attempt.getParentSpanId());

                // LoggingSpanExporter: "'NAME' : TRACE_ID SPAN_ID KIND [tracer: …] attributes", one JSON log line each
                String server = node.awaitLine(false, l -> l.contains("'POST /ofrep/v1/evaluate/flags' : " + traceId + " "), 20_000);
                assertTrue(server.contains(" SERVER ") && server.contains("http.response.status_code=200"), server);
                assertTrue(server.contains("\"trace_id\":\"" + traceId + "\""), "the log line carries the trace id: " + server);
                String evaluation = node.awaitLine(false, l -> l.contains("'gdn.evaluate' : " + traceId + " "), 5_000);
                assertTrue(evaluation.contains("gdn.environment=\"default\"") || evaluation.contains("gdn.environment=default"), evaluation);
                JsonLogsTest.jsonLines(node.err(), "node stderr");
            }
        }
    }
}
