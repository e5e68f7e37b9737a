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
 * stores holding the same artifact). Candidates are asked in order: the first at once; the next (the
 * next two, see below) when every attempt out has gone its hedge delay without an answer, or the next
 * at once when one fails (unless one started after it is still within its hedge delay: that one is the
 * next already); the first answer wins. Then each attempt still out gets a verdict rather
 * than being dropped:
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
 * <p>A race waits out at most one hedge delay per hang, never two in a row for the same fault:
 * <ul>
 *   <li>a hedge asks the next <em>two</em> candidates at once. The race has already paid one hedge delay,
 *       and a fault that hangs one candidate often hangs its neighbour too (a region's CDN POP and node
 *       behind one black-holed link); the cost is one extra request, and only in a race where something
 *       already hung;</li>
 *   <li>with {@link Suspects} shared by the owner's races: an attempt that goes its hedge delay without
 *       an answer makes its candidate suspect, and a later race asks a suspect together with the next
 *       candidate ({@link Admission#START_AND_NEXT}) instead of waiting for it. A suspect that answers
 *       within its hedge delay is cleared. A race where nothing goes its hedge delay asks exactly what it
 *       asked before: one candidate when the first answers.</li>
 * </ul>
 *
 * <p>A race never sits out a caller's deadline on hung attempts while a candidate it passed over could
 * be asked: candidates {@link Admission#HOLD held} (an open breaker) are asked, in order and hedged like the
 * rest, once the rest are used up and every attempt out has gone its hedge delay (or none is out). Otherwise a fault that hangs the first candidates, met while
 * the later ones' breakers are open or their one half-open probe is taken, leaves the race nothing to do.
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
        START_AND_NEXT,
        /**
         * Pass over it for now, but ask it as a last resort (see {@link Referee#lastResort}) when the race runs
         * out of candidates with no answer coming: every attempt out has gone its hedge delay, or none is out.
         * For a candidate that failed lately (an open breaker) but may well answer now.
         */
        HOLD
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

        /** The next candidates are asked because {@code slow} has gone its hedge delay without an answer. */
        default void hedged(C slow) {
        }

        /** {@code candidate}, a {@link Suspects suspect}, is asked together with the next candidate. */
        default void suspectAsked(C candidate) {
        }

        /** {@code candidate}, {@link Admission#HOLD held}, is asked because nothing else is left to ask. */
        default void lastResort(C candidate) {
        }
    }

    /** A race with the neutral referee: every candidate is asked, no failure ends the race. */
    public static <C, T> CompletableFuture<Win<C, T>> run(List<C> candidates, Function<C, CompletableFuture<T>> attempt,
                                                          Function<C, Duration> hedgeDelay, ScheduledExecutorService timers) {
        return run(candidates, attempt, hedgeDelay, timers, new Referee<>() { });
    }

    /** In the order to ask them; the held ones are appended once the rest are used up (from {@link #firstHeld} on). */
    private final List<C> candidates;
    private final int firstHeld;
    private final Function<C, CompletableFuture<T>> attempt;
    private final Function<C, Duration> hedgeDelay;
    private final ScheduledExecutorService timers;
    private final Referee<C, T> referee;
    private final Suspects<C> suspects; // null: none kept
    private final CompletableFuture<Win<C, T>> result = new CompletableFuture<>();
    private final List<Attempt> inFlight = new ArrayList<>();
    private final List<C> held = new ArrayList<>();
    private int next;
    private int running;
    private int launched;
    private int winner;

    private HedgedRace(List<C> candidates, Function<C, CompletableFuture<T>> attempt, Function<C, Duration> hedgeDelay,
                       ScheduledExecutorService timers, Referee<C, T> referee, Suspects<C> suspects) {
        this.candidates = new ArrayList<>(candidates);
        this.firstHeld = candidates.size();
        this.attempt = Objects.requireNonNull(attempt, "attempt");
        this.hedgeDelay = Objects.requireNonNull(hedgeDelay, "hedgeDelay");
        this.timers = Objects.requireNonNull(timers, "timers");
        this.referee = Objects.requireNonNull(referee, "referee");
        this.suspects = suspects;
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
        return run(candidates, attempt, hedgeDelay, timers, referee, null);
    }

    /**
     * Runs one race that reads and updates {@code suspects}, shared by the owner's races (see the class comment).
     *
     * @param suspects the owner's suspects; null: keep none
     */
    public static <C, T> CompletableFuture<Win<C, T>> run(List<C> candidates, Function<C, CompletableFuture<T>> attempt,
                                                          Function<C, Duration> hedgeDelay, ScheduledExecutorService timers,
                                                          Referee<C, T> referee, Suspects<C> suspects) {
        HedgedRace<C, T> race = new HedgedRace<>(candidates, attempt, hedgeDelay, timers, referee, suspects);
        race.result.whenComplete((w, e) -> {
            if (e != null) {
                race.endWithoutWinner();
            }
        });
        race.launchNext(false);
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

    /** @param pair a hedge: the first candidate started is started together with the next */
    private synchronized void launchNext(boolean pair) {
        while (next < candidates.size() && !result.isDone()) {
            boolean lastResort = next >= firstHeld;
            C c = candidates.get(next++);
            Admission a = lastResort ? Admission.START : referee.admit(c);
            if (lastResort) {
                referee.lastResort(c);
            }
            if (a == Admission.SKIP) {
                continue;
            }
            if (a == Admission.HOLD) {
                held.add(c);
                continue;
            }
            if (a == Admission.START && suspects != null && suspects.contains(c)) {
                a = Admission.START_AND_NEXT;
                referee.suspectAsked(c);
            }
            int before = launched;
            start(c);
            // an attempt that failed at once has moved the race on already, inside start: its next is the pair
            boolean movedOn = launched > before + 1;
            boolean withNext = (a == Admission.START_AND_NEXT || pair) && !movedOn;
            pair = false;
            if (withNext && next < candidates.size()) {
                continue;
            }
            return;
        }
        if (result.isDone()) {
            return;
        }
        if (!held.isEmpty() && noAnswerComing()) {
            askHeld(pair);
        } else if (running == 0) {
            result.completeExceptionally(new NoAnswer());
        }
    }

    /** Every attempt out has gone its hedge delay (vacuously when none is out): waiting adds nothing but time. */
    private boolean noAnswerComing() {
        long now = System.nanoTime();
        return inFlight.stream().allMatch(a -> a.future.isDone() || a.overdue(now));
    }

    /**
     * The candidates are used up: the held ones become the next candidates, asked in order as the rest
     * were (the next two at a hedge, the next at a failure), so that a stalled world (every breaker open)
     * gets a request or two per hedge delay from each call, not every endpoint at once.
     */
    private void askHeld(boolean pair) {
        candidates.addAll(held);
        held.clear();
        launchNext(pair);
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
            schedule(() -> atHedgeDelay(a), hedgeNanos);
        }
    }

    /**
     * The attempt's hedge delay is up. Still out: its candidate is suspect (other races learn of it now, not
     * at the verdict), and when nothing newer started since, the next two candidates are asked too.
     */
    private synchronized void atHedgeDelay(Attempt a) {
        if (a.future.isDone()) {
            return;
        }
        if (suspects != null && a.hedgeNanos > 0) { // (a zero hedge delay says nothing about the candidate)
            suspects.suspect(a.candidate);
        }
        if (!result.isDone() && launched == a.launch && next < candidates.size()) {
            referee.hedged(a.candidate);
            launchNext(true);
        } else if (!result.isDone() && next >= candidates.size() && !held.isEmpty() && noAnswerComing()) {
            referee.hedged(a.candidate);
            askHeld(true);
        }
    }

    private synchronized void finished(Attempt a, T value, Throwable err) {
        running--;
        long took = System.nanoTime() - a.startNanos;
        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (cause instanceof CancellationException) {
            if (a.judgedOverdue && suspects != null) {
                suspects.suspect(a.candidate);
            }
            referee.settled(a.candidate, a.judgedOverdue ? new Overdue<>(took) : new Unneeded<>(took));
            return;
        }
        if (cause == null) {
            if (suspects != null && a.hedgeNanos > 0 && took < a.hedgeNanos) {
                suspects.clear(a.candidate);
            }
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
        } else if (!laterAttemptPending(a)) {
            launchNext(false);
        }
    }

    /**
     * An attempt started after {@code failed} is still within its hedge delay: it already is the next candidate (a
     * probe or suspect asked with the next, a hedge's pair), so the failure asks no one else. Without this a failed
     * half-open probe asked a third tier beside the one started with it, and the two raced each other.
     */
    private boolean laterAttemptPending(Attempt failed) {
        long now = System.nanoTime();
        return inFlight.stream().anyMatch(x -> x.launch > failed.launch && !x.future.isDone() && !x.overdue(now));
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
