package dev.gdn.chaos.check;

import dev.gdn.chaos.load.Answer;
import dev.gdn.chaos.report.Observations;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Checks answers on one thread of its own, so load clients never wait for the checker or the oracle:
 * clients hand answers to {@link #accept}, the pipeline checks each in arrival order and records it in
 * the {@link Observations}. An answer whose version cannot be had yet (a store being read, a version
 * just published) is kept aside and tried again each second; whatever is still unverified at
 * {@link #drain} is recorded as such.
 */
public final class CheckingPipeline implements Consumer<Answer>, AutoCloseable {
    private static final Answer STOP = new Answer(0, 0, "", null, "", java.util.Map.of(), null, false, 0, null, java.util.Map.of(), null);

    private final AnswerChecker checker;
    private final Observations observations;
    private final LinkedBlockingQueue<Answer> queue = new LinkedBlockingQueue<>();
    private final ArrayDeque<AnswerChecker.Checked> parked = new ArrayDeque<>();
    private final Thread thread;
    private volatile boolean draining;

    public CheckingPipeline(AnswerChecker checker, Observations observations) {
        this.checker = checker;
        this.observations = observations;
        this.thread = Thread.ofPlatform().name("gdn-drill-checker").daemon().start(this::run);
    }

    @Override
    public void accept(Answer a) {
        queue.add(a);
    }

    private void run() {
        long nextRetry = System.nanoTime();
        try {
            while (true) {
                Answer a = queue.poll(200, TimeUnit.MILLISECONDS);
                if (a == STOP) {
                    return;
                }
                if (a != null) {
                    AnswerChecker.Checked c = checker.check(a);
                    if (c.verdict() instanceof AnswerChecker.Verdict.Unverified) {
                        parked.add(c);
                    } else {
                        observations.record(c);
                    }
                }
                if (!parked.isEmpty() && System.nanoTime() - nextRetry >= 0) {
                    retryParked(false);
                    nextRetry = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void retryParked(boolean last) {
        List<AnswerChecker.Checked> still = new ArrayList<>();
        while (!parked.isEmpty()) {
            AnswerChecker.Checked c = parked.poll();
            AnswerChecker.Verdict v = checker.verify(c.answer());
            if (v instanceof AnswerChecker.Verdict.Unverified && !last) {
                still.add(c);
            } else {
                observations.record(new AnswerChecker.Checked(c.answer(), v, c.regressedFrom()));
            }
        }
        parked.addAll(still);
    }

    /**
     * Checks everything handed in so far (call after the load has stopped), retrying unverified answers
     * for up to {@code patienceMillis}, then records what is left as unverified.
     */
    public void drain(long patienceMillis) throws InterruptedException {
        draining = true;
        queue.add(STOP);
        thread.join();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(patienceMillis);
        while (!parked.isEmpty() && System.nanoTime() < end) {
            retryParked(false);
            if (!parked.isEmpty()) {
                Thread.sleep(250);
            }
        }
        retryParked(true);
    }

    @Override
    public void close() {
        if (!draining) {
            thread.interrupt();
        }
    }
}
