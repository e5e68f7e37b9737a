package dev.gdn.cli.telemetry;

import dev.gdn.node.tracing.RequestTracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * OpenTelemetry for one {@code gdn} process, from the standard {@code OTEL_*} variables (or
 * {@code otel.*} system properties) through the SDK's autoconfiguration.
 *
 * <p>Off by default: unless a traces exporter or an OTLP endpoint is named, the process gets
 * {@link RequestTracing#propagationOnly()}, which reads W3C {@code traceparent} (so logs carry callers'
 * trace ids) and records nothing. With {@code OTEL_TRACES_EXPORTER=logging} every span is logged (one
 * line per span, under its trace id); {@code otlp} sends them to a collector. Metrics and logs stay
 * with Prometheus and stderr unless {@code OTEL_METRICS_EXPORTER} / {@code OTEL_LOGS_EXPORTER} say
 * otherwise. {@code OTEL_SDK_DISABLED=true} turns it all off again.
 */
public final class Telemetry implements AutoCloseable {
    private final OpenTelemetry otel;
    private final OpenTelemetrySdk sdk;

    private Telemetry(OpenTelemetry otel, OpenTelemetrySdk sdk) {
        this.otel = otel;
        this.sdk = sdk;
    }

    /** @param serviceName the default {@code service.name} (OTEL_SERVICE_NAME wins) */
    public static Telemetry start(String serviceName) {
        if (!asked(System.getenv())) {
            return new Telemetry(RequestTracing.propagationOnly(), null);
        }
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> Map.of(
                        "otel.service.name", serviceName,
                        "otel.metrics.exporter", "none",
                        "otel.logs.exporter", "none"))
                .disableShutdownHook() // closed by the command after its server drained, so the last spans go out
                .build()
                .getOpenTelemetrySdk();
        return new Telemetry(sdk, sdk);
    }

    /** Whether the environment (or system properties) ask for traces to be exported. */
    static boolean asked(Map<String, String> env) {
        if ("true".equalsIgnoreCase(setting(env, "OTEL_SDK_DISABLED"))) {
            return false;
        }
        String exporter = setting(env, "OTEL_TRACES_EXPORTER");
        if (exporter != null) {
            return !exporter.isBlank() && !"none".equals(exporter.trim().toLowerCase(Locale.ROOT));
        }
        return setting(env, "OTEL_EXPORTER_OTLP_ENDPOINT") != null || setting(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != null;
    }

    private static String setting(Map<String, String> env, String name) {
        String property = System.getProperty(name.toLowerCase(Locale.ROOT).replace('_', '.'));
        return property != null ? property : env.get(name);
    }

    public OpenTelemetry openTelemetry() {
        return otel;
    }

    public boolean exporting() {
        return sdk != null;
    }

    /** Flushes and stops the exporters (at most 5 s). */
    @Override
    public void close() {
        if (sdk != null) {
            sdk.shutdown().join(5, TimeUnit.SECONDS);
        }
    }
}
