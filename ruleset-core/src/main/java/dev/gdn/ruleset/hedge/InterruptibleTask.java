package dev.gdn.ruleset.hedge;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

/**
 * Blocking work (an HTTP exchange, an object-store read) as a future for a {@link HedgedRace}:
 * it runs on the given executor, and cancelling the future interrupts it, so a cancelled attempt
 * stops (its connection closes) instead of running on to its own timeout. A plain
 * {@code CompletableFuture.supplyAsync} cannot do this: its cancel never reaches the task.
 */
public final class InterruptibleTask {
    private InterruptibleTask() {
    }

    /** Fails at once with {@link IllegalStateException} when the executor is shut down. */
    public static <T> CompletableFuture<T> submit(ExecutorService executor, Callable<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Future<?> task;
        try {
            task = executor.submit(() -> {
                try {
                    result.complete(work.call());
                } catch (InterruptedException e) {
                    result.cancel(false);
                    Thread.currentThread().interrupt();
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException closed) {
            result.completeExceptionally(new IllegalStateException("the executor is shut down"));
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
