package dev.gdn.client.remote;

import dev.gdn.ruleset.hedge.InterruptibleTask;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * One HTTP exchange on the client's own threads. {@code HttpClient.sendAsync} completes its futures on
 * the JVM's common ForkJoinPool whatever executor the client has, so an application that keeps that
 * pool busy (parallel streams, say) would stall flag evaluation until the deadline. A blocking
 * {@code send} on a thread of ours ({@link InterruptibleTask}) avoids it; cancelling the returned
 * future interrupts the thread, which aborts the exchange.
 */
public final class HttpExchange {
    private HttpExchange() {
    }

    /**
     * @param interpret turns the response into the answer (or throws); it runs in the same task, so the
     *                  returned future is the one whose cancellation reaches the exchange
     */
    public static <T> CompletableFuture<T> send(HttpClient http, HttpRequest request, ExecutorService threads,
                                                java.util.function.Function<HttpResponse<byte[]>, T> interpret) {
        return InterruptibleTask.submit(threads, () -> interpret.apply(http.send(request, HttpResponse.BodyHandlers.ofByteArray())));
    }
}
