package dev.gdn.chaos.report;

import dev.gdn.chaos.check.AnswerChecker;
import dev.gdn.chaos.load.Answer;
import dev.gdn.chaos.load.ClientKind;
import dev.gdn.chaos.load.ServingTier;
import dev.gdn.ruleset.json.JsonWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/**
 * Collects checked answers into what the reports show: counts, per-second samples, the failover
 * library's latencies, the first bad answers, and the drill's events. {@link #record} is called by one
 * thread (the checker's); phase marks and events may come from the drill's thread.
 */
public final class Observations {
    /** How many bad answers of each kind the report keeps. */
    static final int KEEP_BAD = 10;
    /** The report keeps the library's slowest calls, and every call at least this slow (up to {@link #KEEP_SLOW_MAX}). */
    static final int KEEP_SLOWEST = 10;
    static final long SLOW_NANOS = 1_000_000_000L;
    static final int KEEP_SLOW_MAX = 100;

    private final long t0;
    private final List<String> regions;
    private volatile long faultAt = Long.MAX_VALUE;
    private volatile long healAt = Long.MAX_VALUE;
    private volatile long endAt = Long.MAX_VALUE;
    /** Per region: when its latest fresh answer finished (Unix ms) and the version it named. */
    private final Map<String, long[]> lastFresh = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile long newestFresh;
    /** Per region: when its latest evaluation without a fresh answer finished (Unix ms). */
    private final Map<String, Long> lastError = new java.util.concurrent.ConcurrentHashMap<>();
    private final TreeMap<Integer, Bucket> seconds = new TreeMap<>();
    private final EnumMap<ClientKind, long[]> counts = new EnumMap<>(ClientKind.class);
    private long[] latencyAt = new long[4096];
    private long[] latencyMicros = new long[4096];
    private int latencies;
    private final Map<String, List<BadAnswer>> bad = new LinkedHashMap<>();
    private final List<DrillEvent> events = new ArrayList<>();
    /** The slowest library calls so far, fastest first (a min-heap), and the ones over a second beyond those. */
    private final java.util.PriorityQueue<Answer> slowest = new java.util.PriorityQueue<>(java.util.Comparator.comparingLong(Answer::latencyNanos));
    private final List<Answer> overASecond = new ArrayList<>();
    private long maxAnyVersion;

    /** Per-second counters. */
    private final class Bucket {
        final EnumMap<ServingTier, Integer> byTier = new EnumMap<>(ServingTier.class);
        int unanswered;
        int wrong;
        final Histogram library = new Histogram(60_000_000L, 2);
        final Map<String, long[]> regions = new TreeMap<>(); // answered, errors, minVersion, maxVersion
    }

    private final java.util.function.LongSupplier clock;

    /** @param t0 the drill's start, Unix milliseconds; every time in the result is relative to it */
    public Observations(long t0, List<String> regions) {
        this(t0, regions, System::currentTimeMillis);
    }

    /** @param clock Unix milliseconds now (tests pass their own) */
    public Observations(long t0, List<String> regions, java.util.function.LongSupplier clock) {
        this.t0 = t0;
        this.regions = List.copyOf(regions);
        this.clock = clock;
    }

    public long t0() {
        return t0;
    }

    public long now() {
        return clock.getAsLong() - t0;
    }

    public void markFault() {
        faultAt = now();
        event("fault injected");
    }

    public void markHeal() {
        healAt = now();
        event("healed");
    }

    /** The load stopped: the run ends here (checks after it do not stretch the timeline). */
    public void markEnd() {
        endAt = now();
    }

    /**
     * Whether the world has settled: every region's latest fresh answer names the newest version any
     * fresh answer named and came within the last second, and no region had an evaluation without a
     * fresh answer in the last second. Safe to ask while answers are being recorded.
     */
    public boolean settled() {
        long newest = newestFresh;
        long now = clock.getAsLong();
        for (String region : regions) {
            long[] last = lastFresh.get(region);
            Long error = lastError.get(region);
            if (last == null || last[1] != newest || now - last[0] > 1000 || error != null && now - error < 1000) {
                return false;
            }
        }
        return true;
    }

    public void event(String text) {
        synchronized (events) {
            events.add(new DrillEvent(now(), text));
        }
    }

    public void record(AnswerChecker.Checked c) {
        Answer a = c.answer();
        long at = a.startedAtMillis() - t0;
        Bucket b = seconds.computeIfAbsent((int) Math.max(0, at / 1000), s -> new Bucket());
        long[] n = counts.computeIfAbsent(a.kind(), k -> new long[6]);
        n[0]++;
        long[] r = b.regions.computeIfAbsent(a.region(), k -> new long[4]);
        if (a.answered()) {
            n[1]++;
            r[0]++;
            b.byTier.merge(a.tier(), 1, Integer::sum);
        } else {
            b.unanswered++;
        }
        if (!a.fresh()) {
            r[1]++;
            lastError.merge(a.region(), a.finishedAtMillis(), Math::max);
            if (a.answered()) {
                n[5]++;
            }
        } else if (a.version() > 0) {
            r[2] = r[2] == 0 ? a.version() : Math.min(r[2], a.version());
            r[3] = Math.max(r[3], a.version());
            lastFresh.merge(a.region(), new long[] {a.finishedAtMillis(), a.version()}, (old, neu) -> neu[0] >= old[0] ? neu : old);
            newestFresh = Math.max(newestFresh, a.version());
        }
        maxAnyVersion = Math.max(maxAnyVersion, a.version());
        if (a.kind() == ClientKind.LIBRARY) {
            long micros = Math.max(1, a.latencyNanos() / 1000);
            b.library.recordValue(Math.min(micros, b.library.getHighestTrackableValue()));
            if (latencies == latencyAt.length) {
                latencyAt = Arrays.copyOf(latencyAt, latencies * 2);
                latencyMicros = Arrays.copyOf(latencyMicros, latencies * 2);
            }
            latencyAt[latencies] = at;
            latencyMicros[latencies++] = micros;
            keepIfSlow(a);
        }
        switch (c.verdict()) {
            case AnswerChecker.Verdict.Correct ok -> {
            }
            case AnswerChecker.Verdict.Unanswered u -> keep("answered", c, "no answer: " + u.why());
            case AnswerChecker.Verdict.Wrong w -> {
                n[2]++;
                b.wrong++;
                keep("correct", c, w.mismatches().stream()
                        .map(m -> m.flag() + ": expected " + m.expected() + ", got " + m.actual())
                        .collect(Collectors.joining("; ")) + " (truth from " + w.oracleSource() + ")");
            }
            case AnswerChecker.Verdict.Unverified u -> {
                n[4]++;
                keep("verified", c, "version " + a.version() + " not found: " + String.join("; ", u.reasons()));
            }
        }
        if (c.regression()) {
            n[3]++;
            b.wrong++;
            keep("no regression", c, "version " + a.version() + " after the session had seen " + c.regressedFrom());
        }
    }

    private void keepIfSlow(Answer a) {
        slowest.add(a);
        if (slowest.size() > KEEP_SLOWEST) {
            Answer dropped = slowest.poll();
            if (dropped.latencyNanos() >= SLOW_NANOS && overASecond.size() < KEEP_SLOW_MAX) {
                overASecond.add(dropped);
            }
        }
    }

    /** The calls {@link #keepIfSlow} kept, by start time. */
    List<SlowCall> slowCalls() {
        return java.util.stream.Stream.concat(slowest.stream(), overASecond.stream())
                .sorted(java.util.Comparator.comparingLong(Answer::startedAtMillis))
                .map(a -> new SlowCall(a.startedAtMillis() - t0, a.region(), a.session(), a.latencyNanos() / 1e6,
                        a.tier() == null ? "-" : a.tier().label(), a.error(), a.trace()))
                .toList();
    }

    private void keep(String check, AnswerChecker.Checked c, String problem) {
        List<BadAnswer> list = bad.computeIfAbsent(check, k -> new ArrayList<>());
        if (list.size() < KEEP_BAD) {
            Answer a = c.answer();
            list.add(new BadAnswer(a.startedAtMillis() - t0, check, a.region(), a.kind().label(), a.session(),
                    a.tier() == null ? "-" : a.tier().label(), a.servedBy() == null ? "-" : a.servedBy(), a.version(),
                    JsonWriter.toCanonicalJson(a.context()), problem));
        }
    }

    /** The highest version any answer named (call once the answers are all recorded). */
    public long maxVersionAnswered() {
        long max = 0;
        for (Bucket b : seconds.values()) {
            for (long[] r : b.regions.values()) {
                max = Math.max(max, r[3]);
            }
        }
        return Math.max(max, maxAnyVersion);
    }

    public Totals totals() {
        return byKind().values().stream().reduce(Totals.ZERO, Totals::plus);
    }

    public Map<ClientKind, Totals> byKind() {
        Map<ClientKind, Totals> out = new EnumMap<>(ClientKind.class);
        counts.forEach((k, n) -> out.put(k, new Totals(n[0], n[1], n[2], n[3], n[4], n[5])));
        return out;
    }

    /** Each region's highest version in its fresh answers during the last {@code lastSeconds} seconds with answers. */
    public Map<String, Long> recentVersions(int lastSeconds) {
        int end = seconds.isEmpty() ? 0 : seconds.lastKey();
        Map<String, Long> out = new TreeMap<>();
        for (String region : regions) {
            out.put(region, 0L);
        }
        seconds.subMap(end - lastSeconds, end + 1).values().forEach(b -> b.regions.forEach((region, r) -> out.merge(region, r[3], Math::max)));
        return out;
    }

    /** The library's latency percentile over answers that started in [from, to) ms since t0 (NaN: none). */
    double percentileMs(long from, long to, double percentile) {
        Histogram h = new Histogram(60_000_000L, 2);
        for (int i = 0; i < latencies; i++) {
            if (latencyAt[i] >= from && latencyAt[i] < to) {
                h.recordValue(Math.min(latencyMicros[i], h.getHighestTrackableValue()));
            }
        }
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
    }

    /** Builds the result; call once the load has stopped and every answer is recorded. */
    public DrillResult finish(String name, String title, String description, List<CheckResult> checks) {
        long end = Math.min(endAt, now());
        long fault = Math.min(faultAt, end);
        long heal = Math.min(healAt, end);
        Latency latency = latency(fault, heal, end);
        List<SecondSample> samples = samples(end);
        List<BadAnswer> firstBad = bad.values().stream().flatMap(List::stream)
                .sorted(java.util.Comparator.comparingLong(BadAnswer::atMillis)).toList();
        List<DrillEvent> ev;
        synchronized (events) {
            ev = List.copyOf(events);
        }
        return new DrillResult(name, title, description, Instant.ofEpochMilli(t0), fault, heal, end, regions, totals(), byKind(),
                latency, recovery(samples, regions, fault, heal, end, latency), checks, firstBad, samples, ev, slowCalls(), null);
    }

    Latency latency(long fault, long heal, long end) {
        // the baseline skips the first second, as the steady-state check does: clients are still settling
        long steadyFrom = fault > 2000 ? 1000 : 0;
        double s50 = percentileMs(steadyFrom, fault, 50);
        double s99 = percentileMs(steadyFrom, fault, 99);
        double f50 = percentileMs(fault, heal, 50);
        double f99 = percentileMs(fault, heal, 99);
        return new Latency(s50, s99, f50, f99, percentileMs(heal, end, 50), percentileMs(heal, end, 99), f50 - s50, f99 - s99,
                percentileMs(fault, Math.min(heal, fault + 1000), 99) - s99,
                percentileMs(fault + 5000, heal, 99) - s99);
    }

    private List<SecondSample> samples(long end) {
        List<SecondSample> out = new ArrayList<>();
        int last = (int) (end / 1000) - 1; // complete seconds only: a partial last second would look like a drop
        for (int s = 0; s <= last; s++) {
            Bucket b = seconds.get(s);
            if (b == null) {
                out.add(new SecondSample(s, Map.of(), 0, 0, Double.NaN, Double.NaN, Map.of()));
                continue;
            }
            Map<String, SecondSample.RegionSecond> rs = new TreeMap<>();
            b.regions.forEach((region, r) -> rs.put(region, new SecondSample.RegionSecond((int) r[0], (int) r[1], r[2], r[3])));
            boolean calls = b.library.getTotalCount() > 0;
            out.add(new SecondSample(s, new EnumMap<>(b.byTier), b.unanswered, b.wrong,
                    calls ? b.library.getValueAtPercentile(50) / 1000.0 : Double.NaN,
                    calls ? b.library.getValueAtPercentile(99) / 1000.0 : Double.NaN, rs));
        }
        return out;
    }

    /**
     * Seconds from the heal until the first second after which, to the end of the run, every second is
     * like steady state: no errors or unanswered or wrong evaluations, every region answering, the
     * steady state's main tier serving at least half its steady share (breakers may still be closing);
     * and over that whole stretch the median of the library's per-second medians within twice its
     * steady median or 20 ms above it, whichever is more. Null when that never happened.
     */
    static Double recovery(List<SecondSample> samples, List<String> regions, long fault, long heal, long end, Latency latency) {
        int healSecond = (int) (heal / 1000);
        int lastFull = samples.size() - 1;
        if (lastFull < healSecond) {
            return null;
        }
        EnumMap<ServingTier, Long> steadyTiers = new EnumMap<>(ServingTier.class);
        for (SecondSample s : samples) {
            if ((s.second() + 1) * 1000L <= fault) {
                s.byTier().forEach((t, n) -> steadyTiers.merge(t, (long) n, Long::sum));
            }
        }
        long steadyTotal = steadyTiers.values().stream().mapToLong(Long::longValue).sum();
        ServingTier main = steadyTiers.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
        double mainShare = main == null || steadyTotal == 0 ? 0 : steadyTiers.get(main) / (double) steadyTotal;
        // medians: a second's p99 is its one or two slowest calls, which a GC pause anywhere on the machine decides
        double p50Limit = Double.isNaN(latency.steadyP50Ms()) ? Double.POSITIVE_INFINITY
                : Math.max(2 * latency.steadyP50Ms(), latency.steadyP50Ms() + 20);
        Integer from = null;
        List<Double> medians = new ArrayList<>();
        for (int s = lastFull; s >= healSecond; s--) {
            SecondSample x = samples.get(s);
            int total = x.answeredTotal();
            boolean ok = total > 0 && x.unanswered() == 0 && x.wrong() == 0
                    && regions.stream().allMatch(r -> x.regions().containsKey(r) && x.regions().get(r).answered() > 0
                            && x.regions().get(r).errors() == 0)
                    && (main == null || x.byTier().getOrDefault(main, 0) >= 0.5 * mainShare * total);
            if (!Double.isNaN(x.p50Ms())) {
                medians.add(x.p50Ms());
            }
            // latency over the whole stretch from this second on: one slow second (a GC pause anywhere) does not undo a recovery
            if (!ok || !medians.isEmpty() && median(medians) > p50Limit) {
                break;
            }
            from = s;
        }
        if (from == null) {
            return null;
        }
        return Math.max(0, from * 1000L - heal) / 1000.0;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
