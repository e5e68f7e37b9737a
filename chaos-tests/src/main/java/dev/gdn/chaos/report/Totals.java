package dev.gdn.chaos.report;

/**
 * Counts over a whole drill (or one client kind of it).
 *
 * @param evaluations every evaluation a load client made
 * @param answered    answered with a value from a server or the client's cache
 * @param wrong       answered with something else than local evaluation of the named version
 * @param regressions answers older than one the same session had already seen
 * @param unverified  answers whose version could not be had from any store or the admin API
 * @param stale       answers served from a client's cache
 */
public record Totals(long evaluations, long answered, long wrong, long regressions, long unverified, long stale) {
    public static final Totals ZERO = new Totals(0, 0, 0, 0, 0, 0);

    public Totals plus(Totals o) {
        return new Totals(evaluations + o.evaluations, answered + o.answered, wrong + o.wrong, regressions + o.regressions,
                unverified + o.unverified, stale + o.stale);
    }
}
