package dev.gdn.sync.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;

/**
 * The spans of store work, named alike wherever they are made: {@code gdn.fetch} (a reader takes a new
 * version) with a {@code gdn.store.read} per store tried (read and verify), {@code gdn.publish} with a
 * {@code gdn.store.publish} per store. Attributes: {@code gdn.store} (the store's name, never a
 * credential), {@code gdn.key}, {@code gdn.environment}, {@code gdn.ruleset.version}, and the outcome.
 */
public final class StoreSpans {
    /** The instrumentation scope of the store and publication spans. */
    public static final String SCOPE = "dev.gdn.sync";

    private StoreSpans() {
    }

    /** A CLIENT span for work on one store (a child of the current span). */
    public static Span start(Tracer tracer, String name, String store, String key) {
        return tracer.spanBuilder(name).setSpanKind(SpanKind.CLIENT)
                .setAttribute("gdn.store", store)
                .setAttribute("gdn.key", key == null ? "" : key)
                .startSpan();
    }

    public static void fail(Span span, String why) {
        span.setStatus(StatusCode.ERROR, why);
    }
}
