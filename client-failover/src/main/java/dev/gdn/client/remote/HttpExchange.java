package dev.gdn.client.remote;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * One HTTP exchange on the client's own threads. {@code HttpClient.sendAsync} completes its futures on
 * the JVM's common ForkJoinPool whatever executor the client has, so an application that keeps that
 * pool busy (parallel streams, say) would stall flag evaluation until the deadline. A blocking
 * {@code send} on a thread of ours avoids it; cancelling the returned future interrupts the thread,
 * which aborts the exchange.
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
        CompletableFuture<T> result = new CompletableFuture<>();
        Future<?> task;
        try {
            task = threads.submit(() -> {
                try {
                    result.complete(interpret.apply(http.send(request, HttpResponse.BodyHandlers.ofByteArray())));
                } catch (InterruptedException e) {
                    result.cancel(false);
                    Thread.currentThread().interrupt();
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            result.completeExceptionally(new IllegalStateException("the client is closed"));
            return result;
        }
        result.whenComplete((r, e) -> {
            if (result.isCancelled()) {
                task.cancel(true);
            }
        });
        return result;
    }
}
