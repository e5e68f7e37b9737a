// All failover policy in one place: chain order, per-tier timeout, hedging, per-endpoint breakers,
// Retry-After, fatal credentials, one overall deadline. The race is the Java client's (ruleset-core's
// HedgedRace): a hedge asks the next two endpoints, and an endpoint that lately went its hedge delay
// without an answer is suspect and asked together with the next, so a hang costs one hedge delay once,
// not two per call until breakers open. An open breaker defers its endpoint to a last resort rather than
// dropping it, so a call is never left waiting on hung attempts while an endpoint it passed over might answer.
import type { Settings, TierConfig } from './config.js';

/** The key was refused (401/403): configuration, not an outage; never retried in a storm. */
export class Fatal extends Error {}
/** 429/503 with Retry-After: that endpoint is left alone until then. */
export class Cooling extends Error {
  constructor(readonly seconds: number, msg: string) {
    super(msg);
  }
}
/** When an endpoint's turn comes: ask it, hold it for a last resort (breaker open, or its probe taken), or skip it (Retry-After). */
export type Admission = 'ask' | 'hold' | 'skip';

/** A good answer that is older than what the page already holds (a lagging tier): try the next. */
export class Behind<T> extends Error {
  constructor(readonly answer: T, msg: string) {
    super(msg);
  }
}

export class Endpoint {
  private failures = 0;
  private openUntil = 0;
  private coolUntil = 0;
  private probing = false;
  private suspectUntil = 0;
  constructor(readonly tier: TierConfig, readonly base: string, private readonly s: Settings) {}

  get label(): string {
    return `${this.tier.name} ${this.base}`;
  }

  /** Asked when closed, or open and due for its single probe (which this call then holds). */
  take(now: number): Admission {
    if (now < this.coolUntil) return 'skip';
    if (now < this.openUntil) return 'hold';
    if (this.failures >= this.s.breakerFailures) {
      if (this.probing) return 'hold';
      this.probing = true;
    }
    return 'ask';
  }

  /** Asked together with the next endpoint: a probe, or a suspect. */
  withNext(now: number): boolean {
    return this.probing || now < this.suspectUntil;
  }

  /** It went its hedge delay without an answer lately. */
  get suspected(): boolean {
    return Date.now() < this.suspectUntil;
  }

  /** Went its hedge delay without an answer. Lasts as long as a breaker stays open; an answer in time clears it. */
  suspect(now: number): void {
    this.suspectUntil = now + this.s.breakerOpenMs;
  }

  /** @param lastResort asked without its breaker's leave: the breaker keeps its own schedule (as for any verdict) */
  ok(inTime: boolean, lastResort = false): void {
    if (inTime) this.suspectUntil = 0;
    if (lastResort) return;
    this.failures = 0;
    this.probing = false;
  }

  failed(now: number, coolMs = 0): void {
    this.probing = false;
    if (coolMs > 0) {
      this.coolUntil = Math.max(this.coolUntil, now + coolMs);
      return;
    }
    if (++this.failures >= this.s.breakerFailures) this.openUntil = now + this.s.breakerOpenMs;
  }

  /** Lost a race it was not slow in: says nothing about the endpoint. */
  released(): void {
    this.probing = false;
  }

  get state(): string {
    return this.failures >= this.s.breakerFailures ? (Date.now() < this.openUntil ? 'open' : 'half-open') : 'closed';
  }
}

export interface Won<T> {
  value: T;
  endpoint: Endpoint;
}

export class Chain {
  readonly endpoints: Endpoint[];

  constructor(private readonly s: Settings) {
    this.endpoints = s.tiers.flatMap((t) => t.urls.map((u) => new Endpoint(t, u.replace(/\/+$/, ''), s)));
  }

  /**
   * Asks endpoints in order; the next starts when one fails, or the next two in parallel when one has not
   * answered within its hedge delay; a probe or a suspect starts together with the next. The first good
   * answer wins; the rest are aborted, except those started before the winner and not yet at their hedge
   * delay, which get until then to answer (a suspect's or a probe's answer in time clears it). Rejects
   * with Fatal at once, or with an Error listing what each endpoint did. Endpoints held by their breaker
   * are asked as a last resort once the rest are used up and every attempt out has gone its hedge delay
   * (or none is out): in chain order, hedged like the rest (two per hedge delay, the next at a failure),
   * with no verdict on their breakers.
   */
  run<T>(attempt: (e: Endpoint, signal: AbortSignal) => Promise<T>): Promise<Won<T>> {
    return new Promise((resolve, reject) => {
      // in the order to ask them; the held ones are appended once the rest are used up (from firstHeld on)
      const eps = [...this.endpoints];
      const firstHeld = eps.length;
      const held: Endpoint[] = [];
      const notes: string[] = [];
      // attempts still out: abort(grace) ends one, now or at its hedge delay; overdue once past it
      const out = new Set<{ mine: number; overdue: boolean; abort: (winner: number) => void }>();
      const noAnswerComing = () => [...out].every((a) => a.overdue);
      let next = 0;
      let running = 0;
      let launched = 0;
      let done = false;
      const finish = (err: unknown, won?: Won<T>, winner = 0) => {
        if (done) return;
        done = true;
        clearTimeout(deadline);
        for (const a of out) a.abort(winner);
        if (won) resolve(won);
        else reject(err);
      };
      const deadline = setTimeout(() => finish(new Error(`no tier answered within ${this.s.deadlineMs} ms: ${notes.join('; ')}`)),
        this.s.deadlineMs);
      const launch = (pair = false) => {
        while (next < eps.length && !done) {
          const last = next >= firstHeld;
          const e = eps[next++];
          const now = Date.now();
          const a = last ? 'ask' : e.take(now);
          if (a !== 'ask') {
            if (a === 'hold') held.push(e);
            notes.push(`${e.label}: skipped (${a === 'hold' ? 'breaker' : 'Retry-After'})`);
            continue;
          }
          if (last) notes.push(`${e.label}: asked as a last resort`);
          const both = pair || (last ? e.suspected : e.withNext(now));
          pair = false;
          start(e, last);
          if (!both || next >= eps.length) return;
          notes.push(`${e.label}: asked alongside the next`);
        }
        if (done) return;
        if (held.length > 0 && noAnswerComing()) {
          eps.push(...held.splice(0));
          launch(pair);
        } else if (running === 0) finish(new Error(`no tier answered: ${notes.join('; ')}`));
      };
      const start = (e: Endpoint, last: boolean) => {
        running++;
        const mine = ++launched;
        const abort = new AbortController();
        const t0 = Date.now();
        const timeoutMs = e.tier.timeoutMs ?? this.s.timeoutMs;
        const hedgeMs = e.tier.hedgeMs ?? this.s.hedgeMs;
        const timer = setTimeout(() => abort.abort(), timeoutMs);
        let settled = false;
        const hedge = hedgeMs < timeoutMs ? setTimeout(() => {
          if (settled) return;
          self.overdue = true;
          e.suspect(Date.now());
          // the newest attempt hedges; any attempt may be the last one out that the held ones wait for
          if (!done && (launched === mine && next < eps.length || next >= eps.length && held.length > 0 && noAnswerComing())) {
            notes.push(`${e.label}: hedged after ${hedgeMs} ms`);
            launch(true);
          } else if (done) abort.abort(); // started before the winner: its time is up
        }, hedgeMs) : undefined;
        const self = { mine, overdue: false, abort: (winner: number) => {
          // started before the winner and given a hedge delay that is not up yet: left to answer until it is
          if (!(mine < winner && hedge && Date.now() - t0 < hedgeMs)) abort.abort();
        } };
        out.add(self);
        attempt(e, abort.signal).then((value) => {
          settled = true;
          out.delete(self);
          e.ok(Date.now() - t0 < hedgeMs, last);
          finish(null, { value, endpoint: e }, mine);
        }, (err: unknown) => {
          settled = true;
          out.delete(self);
          running--;
          const took = Date.now() - t0;
          // a last resort was asked without its breaker's leave: no verdict on it (nor a Retry-After), as in Java
          const judged = last ? undefined : e;
          if (done) {
            // outrun by a hedge and slower than its hedge delay: too slow for its place in the chain
            if (took >= hedgeMs) {
              judged?.failed(Date.now());
              e.suspect(Date.now());
            } else judged?.released();
            return;
          }
          if (err instanceof Fatal) {
            judged?.released();
            return finish(err);
          }
          if (err instanceof Cooling) judged?.failed(Date.now(), err.seconds * 1000);
          else if (err instanceof Behind) judged?.released();
          else judged?.failed(Date.now());
          notes.push(`${e.label}: ${abort.signal.aborted && !(err instanceof Behind) ? `timed out after ${timeoutMs} ms` : (err as Error)?.message ?? err}`);
          // one started after it and within its hedge delay (asked alongside, a hedge's pair) is the next already
          if (![...out].some((a) => a.mine > mine && !a.overdue)) launch();
        }).finally(() => {
          clearTimeout(timer);
          clearTimeout(hedge);
        });
      };
      launch();
    });
  }
}
