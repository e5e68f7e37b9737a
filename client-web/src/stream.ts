// The change stream (OFREP ADR-0008/0010): one EventSource at a time, on an origin (never a CDN path),
// failing over between origins with backoff, replaced when it stalls, closed while the tab is hidden.
import type { Settings } from './config.js';
import type { WireStream } from './wire.js';

export interface StreamEvents {
  /** A refetchEvaluation: the version it names (0 when unknown) and its etag. */
  change(version: number, etag?: string): void;
  /** Connected again after a break or a hidden tab: anything may have been missed. */
  resync(unconditional: boolean): void;
  /** Whether a stream is up, for the polling fallback. */
  up(isUp: boolean): void;
}

function versionOf(etag: unknown): number {
  const m = typeof etag === 'string' ? /-(\d+)"?$/.exec(etag) : null;
  return m ? Number(m[1]) : 0;
}

export class ChangeStream {
  private es?: EventSource;
  private candidates: string[] = [];
  private at = 0;
  private backoff = 0;
  private retry?: ReturnType<typeof setTimeout>;
  private watchdog?: ReturnType<typeof setInterval>;
  private hiddenTimer?: ReturnType<typeof setTimeout>;
  private lastSeen = 0;
  private connectedOnce = false;
  private asleep = false;
  private closed = false;
  private inactivitySec = 120;
  private readonly onVisibility = () => this.visibility();

  constructor(private readonly s: Settings, private readonly origins: string[], private readonly on: StreamEvents) {
    s.platform.document?.addEventListener('visibilitychange', this.onVisibility);
  }

  /** The streams a bulk answer advertised: (re)connects when where to listen changed. */
  advertise(streams: WireStream[] | undefined): void {
    const sse = streams?.find((x) => x.type === 'sse');
    if (!sse || !this.s.platform.EventSource || this.closed) {
      if (this.candidates.length) this.stop();
      this.candidates = [];
      return;
    }
    this.inactivitySec = this.s.inactivityDelaySec ?? sse.inactivityDelaySec ?? 120;
    let path = sse.endpoint?.requestUri;
    const list: string[] = [];
    if (sse.url) {
      list.push(sse.url);
      const u = new URL(sse.url);
      path = u.pathname + u.search;
    } else if (sse.endpoint?.origin) {
      list.push(sse.endpoint.origin.replace(/\/+$/, '') + path);
    }
    // then every origin tier in chain order, so a dead node moves the stream to the next origin
    for (const o of this.origins) if (path) list.push(o + path);
    const next = [...new Set(list)];
    if (next.join() === this.candidates.join() && (this.es || this.retry || this.asleep)) return;
    this.candidates = next;
    this.at = 0;
    this.stop();
    if (!this.hidden()) this.connect();
  }

  private hidden(): boolean {
    return this.s.platform.document?.visibilityState === 'hidden';
  }

  private connect(): void {
    if (this.closed || !this.candidates.length) return;
    const ES = this.s.platform.EventSource!;
    const es = new ES(this.candidates[this.at % this.candidates.length]);
    this.es = es;
    this.lastSeen = Date.now();
    es.onopen = () => {
      if (this.es !== es) return;
      this.backoff = 0;
      this.on.up(true);
      if (this.connectedOnce) this.on.resync(false); // always re-fetch after a reconnect (ADR-0008)
      this.connectedOnce = true;
    };
    es.onmessage = (m: MessageEvent) => {
      if (this.es !== es) return;
      this.lastSeen = Date.now();
      let d: { type?: string; etag?: string; rulesetVersion?: number };
      try {
        d = JSON.parse(m.data);
      } catch {
        return;
      }
      if (d?.type === 'refetchEvaluation') this.on.change(Number(d.rulesetVersion) || versionOf(d.etag), d.etag);
    };
    es.onerror = () => {
      if (this.es === es) this.fail();
    };
    clearInterval(this.watchdog);
    this.watchdog = setInterval(() => {
      if (this.es === es && Date.now() - this.lastSeen > this.s.streamStallMs) this.fail(); // black-holed
    }, Math.max(250, this.s.streamStallMs / 4));
  }

  /** This origin failed: the next one, after a backoff (0.5 s doubling to 30 s, with jitter). */
  private fail(): void {
    this.stop();
    this.on.up(false);
    this.at++;
    const wait = this.backoff ? Math.min(30000, this.backoff * 2) : 500;
    this.backoff = wait;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (!this.hidden()) this.connect();
    }, wait / 2 + Math.random() * wait / 2);
  }

  private stop(): void {
    clearTimeout(this.retry);
    this.retry = undefined;
    clearInterval(this.watchdog);
    this.es?.close();
    this.es = undefined;
  }

  private visibility(): void {
    if (this.closed) return;
    if (!this.candidates.length) {
      if (!this.hidden()) this.on.resync(false); // no stream: re-fetch on foreground (ADR-0010)
      return;
    }
    if (this.hidden()) {
      clearTimeout(this.hiddenTimer);
      this.hiddenTimer = setTimeout(() => {
        this.asleep = true;
        this.stop();
        this.on.up(false);
      }, this.inactivitySec * 1000);
      return;
    }
    clearTimeout(this.hiddenTimer);
    if (this.asleep) {
      // back after inactivity: reconnect and re-fetch unconditionally (ADR-0008, ADR-0010)
      this.asleep = false;
      this.connectedOnce = false;
      this.connect();
      this.on.resync(true);
    } else if (!this.es && !this.retry) {
      this.connect();
    }
  }

  get connected(): boolean {
    return !!this.es && this.es.readyState === 1;
  }

  close(): void {
    this.closed = true;
    this.stop();
    clearTimeout(this.hiddenTimer);
    this.s.platform.document?.removeEventListener('visibilitychange', this.onVisibility);
  }
}
