package dev.gdn.client.tracing;

import java.util.function.BiConsumer;

/**
 * How the client traces its calls, with no tracing library in its types: the client works on an
 * application that has none. {@link #NONE} by default; {@link OpenTelemetryTracing#of} for
 * applications that trace with OpenTelemetry (it is the only class here that touches its API, which is
 * an optional dependency).
 */
public interface ClientTracing {
    /** Traces nothing and sends no trace headers. */
    ClientTracing NONE = name -> Call.NONE;

    /**
     * Starts one call of the application (an evaluation), on the application's thread: the call becomes a
     * child of whatever span the application is in.
     */
    Call startCall(String name);

    /** One call through the chain; every endpoint asked is an {@link Attempt}. */
    interface Call {
        Call NONE = new Call() {
            @Override
            public Attempt startAttempt(String tier, String endpoint, BiConsumer<String, String> headers) {
                return Attempt.NONE;
            }

            @Override
            public void end(String outcome, boolean failed) {
            }
        };

        /**
         * Starts asking one endpoint.
         *
         * @param headers takes the trace headers ({@code traceparent}, {@code tracestate}) for the request
         */
        Attempt startAttempt(String tier, String endpoint, BiConsumer<String, String> headers);

        /** @param outcome the tier that answered, or why nothing did */
        void end(String outcome, boolean failed);
    }

    /** One HTTP exchange with one endpoint. */
    interface Attempt {
        Attempt NONE = new Attempt() {
            @Override
            public void status(int status) {
            }

            @Override
            public void end(Throwable failure) {
            }
        };

        /** The HTTP status it answered with. */
        void status(int status);

        /** @param failure why the attempt did not give an answer (cancelled when outrun by another), or null */
        void end(Throwable failure);
    }
}
