package dev.gdn.ruleset.hedge;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A hedged race over redundant sources of the same answer (tiers of the client's chain, object
 * stores holding the same artifact). Candidates are asked in order: the first at once; the next when
 * every attempt out has gone its hedge delay without an answer, or at once when one fails; the first
 * answer wins. Then each attempt still out gets a verdict rather than being dropped:
 * <ul>
 *   <li>out longer than its hedge delay: cancelled, {@link Overdue};</li>
 *   <li>launched before the winner and not yet at its hedge delay (a candidate started together with
 *       the next, see {@link Admission#START_AND_NEXT}): given until its hedge delay to answer;</li>
 *   <li>launched after the winner and not yet at its hedge delay (a hedge the earlier attempt beat):
 *       cancelled, {@link Unneeded}. A backup that is slower than the primary is not unhealthy.</li>
 * </ul>
 * When the returned future completes exceptionally from outside (a deadline: {@code orTimeout}) or
 * a failure ends the race ({@link Referee#endsRace}), the attempts still out are cancelled the same way
 * (overdue ones {@link Overdue}, the rest {@link Unneeded}).
 *
 * <p>Cancelling an attempt's future must stop its work (see {@link InterruptibleTask}). The
 * {@link Referee} sees every decision and verdict, under the race's lock: keep it quick.
 */
public final class HedgedRace<C, T> {
    /** What to do with a candidate when its turn comes. */
    public enum Admission {
        /** Pass over it (its breaker is open, it asked us to back off). */
        SKIP,
        /** Ask it; the next candidate waits for its hedge delay or its failure. */
        START,
        /** Ask it and the next candidate at once (a probe that must not cost the caller a hedge delay). */
        START_AND_NEXT
    }

    /** How one attempt ended. */
    public sealed interface Outcome<T> permits Answered, Failed, Overdue, Unneeded {
        /** From the attempt's start to its end. */
        long nanos();
    }

    /** It answered (the winner, or a loser that answered within the time it was given). */
    public record Answered<T>(T value, long nanos) implements Outcome<T> {
    }

    /** Its future failed. */
    public record Failed<T>(Throwable cause, long nanos) implements Outcome<T> {
    }

    /** Cancelled after going its whole hedge delay without an answer. */
    public record Overdue<T>(long nanos) implements Outcome<T> {
    }

    /** Cancelled before its hedge delay because the race was over: says nothing about the candidate. */
    public record Unneeded<T>(long nanos) implements Outcome<T> {
    }

    /** The first answer and who gave it. */
    public record Win<C, T>(C candidate, T value) {
    }

    /** Every candidate was skipped or failed. */
    public static final class NoAnswer extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public NoAnswer() {
            super("no candidate answered", null, false, false);
        }
    }

    /** The policy around the race; every method has a neutral default. */
    public interface Referee<C, T> {
        default Admission admit(C candidate) {
            return Admission.START;
        }

        /** True when this failure ends the whole race (the returned future fails with it). */
        default boolean endsRace(C candidate, Throwable failure) {
            return false;
        }

        /** A candidate's attempt ended, with its verdict. */
        default void settled(C candidate, Outcome<T> outcome) {
        }

        /** The next candidate is asked because {@code slow} has gone its hedge delay without an answer. */
        default void hedged(C slow) {
        }
    }

    /** A race with the neutral referee: every candidate is asked, no failure ends the race. */
    public static <C, T> CompletableFuture<Win<C, T>> run(List<C> candidates, Function<C, CompletableFuture<T>> attempt,
                                                          Function<C, Duration> hedgeDelay, ScheduledExecutorService timers) {
        return run(candidates, attempt, hedgeDelay, timers, new Referee<>() { });
    }

    private final List<C> candidates;
    private final Function<C, CompletableFuture<T>> attempt;
    private final Function<C, Duration> hedgeDelay;
    private final ScheduledExecutorService timers;
    private final Referee<C, T> referee;
    private final CompletableFuture<Win<C, T>> result = new CompletableFuture<>();
    private final List<Attempt> inFlight = new ArrayList<>();
    private int next;
    private int running;
    private int launched;
    private int winner;

    private HedgedRace(List<C> candidates, Function<C, CompletableFuture<T>> attempt, Function<C, Duration> hedgeDelay,
                       ScheduledExecutorService timers, Referee<C, T> referee) {
        this.candidates = List.copyOf(candidates);
        this.attempt = Objects.requireNonNull(attempt, "attempt");
        this.hedgeDelay = Objects.requireNonNull(hedgeDelay, "hedgeDelay");
        this.timers = Objects.requireNonNull(timers, "timers");
        this.referee = Objects.requireNonNull(referee, "referee");
    }

    /**
     * Runs one race.
     *
     * @param candidates in the order to ask them
     * @param attempt    asks one candidate; completes with its answer or exceptionally
     * @param hedgeDelay how long a candidate may take before the next is asked too; null: never hedge
     *                   (the attempt is then bounded only by its own timeout)
     * @param timers     runs the hedge and verdict timers (nothing else)
     * @return the first answer; exceptionally {@link NoAnswer}, or the failure that ended the race
     */
    public static <C, T> CompletableFuture<Win<C, T>> run(List<C> candidates, Function<C, CompletableFuture<T>> attempt,
                                                          Function<C, Duration> hedgeDelay, ScheduledExecutorService timers,
                                                          Referee<C, T> referee) {
        HedgedRace<C, T> race = new HedgedRace<>(candidates, attempt, hedgeDelay, timers, referee);
        race.result.whenComplete((w, e) -> {
            if (e != null) {
                race.endWithoutWinner();
            }
        });
        race.launchNext();
        return race.result;
    }

    private final class Attempt {
        final C candidate;
        final int launch;
        final long startNanos;
        final long hedgeNanos; // -1: no hedge
        final CompletableFuture<T> future;
        volatile boolean judgedOverdue;

        Attempt(C candidate, int launch, long startNanos, long hedgeNanos, CompletableFuture<T> future) {
            this.candidate = candidate;
            this.launch = launch;
            this.startNanos = startNanos;
            this.hedgeNanos = hedgeNanos;
            this.future = future;
        }

        boolean overdue(long nowNanos) {
            return hedgeNanos > 0 && nowNanos - startNanos >= hedgeNanos;
        }

        void cancel(boolean overdue) {
            judgedOverdue = overdue;
            future.cancel(true);
        }
    }

    private synchronized void launchNext() {
        while (next < candidates.size() && !result.isDone()) {
            C c = candidates.get(next++);
            Admission a = referee.admit(c);
            if (a == Admission.SKIP) {
                continue;
            }
            start(c);
            if (a == Admission.START_AND_NEXT && next < candidates.size()) {
                continue;
            }
            return;
        }
        if (running == 0 && !result.isDone()) {
            result.completeExceptionally(new NoAnswer());
        }
    }

    private void start(C c) {
        running++;
        int launch = ++launched;
        Duration hedge = hedgeDelay.apply(c);
        long hedgeNanos = hedge == null ? -1 : hedge.toNanos();
        long t0 = System.nanoTime();
        CompletableFuture<T> f;
        try {
            f = Objects.requireNonNull(attempt.apply(c), "attempt returned null");
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        Attempt a = new Attempt(c, launch, t0, hedgeNanos, f);
        inFlight.add(a);
        f.whenComplete((v, err) -> finished(a, v, err));
        if (hedgeNanos >= 0) {
            schedule(() -> hedge(a), hedgeNanos);
        }
    }

    /** The attempt is still out at its hedge delay and nothing newer started since: ask the next candidate too. */
    private synchronized void hedge(Attempt a) {
        if (!result.isDone() && !a.future.isDone() && launched == a.launch && next < candidates.size()) {
            referee.hedged(a.candidate);
            launchNext();
        }
    }

    private synchronized void finished(Attempt a, T value, Throwable err) {
        running--;
        long took = System.nanoTime() - a.startNanos;
        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (cause instanceof CancellationException) {
            referee.settled(a.candidate, a.judgedOverdue ? new Overdue<>(took) : new Unneeded<>(took));
            return;
        }
        if (cause == null) {
            referee.settled(a.candidate, new Answered<>(value, took));
            if (!result.isDone()) {
                winner = a.launch;
                retireLosers(); // before completing, so that the caller sees every verdict of this race
                result.complete(new Win<>(a.candidate, value));
            }
            return;
        }
        referee.settled(a.candidate, new Failed<>(cause, took));
        if (result.isDone()) {
            return;
        }
        if (referee.endsRace(a.candidate, cause)) {
            result.completeExceptionally(cause);
        } else {
            launchNext();
        }
    }

    /** After a win: see the class comment. */
    private void retireLosers() {
        long now = System.nanoTime();
        for (Attempt a : List.copyOf(inFlight)) {
            if (a.future.isDone()) {
                continue;
            }
            if (a.overdue(now)) {
                a.cancel(true);
            } else if (a.launch < winner) {
                if (a.hedgeNanos > 0) {
                    schedule(() -> a.cancel(true), a.hedgeNanos - (now - a.startNanos));
                } // no hedge delay: it runs to its own end and is judged by it
            } else {
                a.cancel(false);
            }
        }
    }

    private synchronized void endWithoutWinner() {
        long now = System.nanoTime();
        for (Attempt a : List.copyOf(inFlight)) {
            if (!a.future.isDone()) {
                a.cancel(a.overdue(now));
            }
        }
    }

    private void schedule(Runnable task, long nanos) {
        try {
            timers.schedule(task, nanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException shutDown) {
            // The owner is closing: no more hedges, and verdicts no longer matter.
        }
    }
}
