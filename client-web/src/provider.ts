// The OpenFeature web provider: static context, all flags from one bulk answer, kept fresh by the
// change stream, fetched through the failover chain, persisted for cold starts with everything down.
import {
  ErrorCode, OpenFeatureEventEmitter, ProviderEvents, ProviderFatalError, StandardResolutionReasons,
  type EvaluationContext, type FlagMetadata, type JsonValue, type Provider, type ResolutionDetails,
} from '@openfeature/web-sdk';
import { Behind, Chain, Cooling, Fatal, type Endpoint } from './chain.js';
import { PersistentCache } from './cache.js';
import { settings, type GdnWebProviderOptions, type Settings } from './config.js';
import { ChangeStream } from './stream.js';
import { base64url, canonical, parseBulk, type Bulk } from './wire.js';

/** Why a refresh runs: a context change or poll, a change notification for a version, or a resync. */
type Trigger = { kind: 'normal' } | { kind: 'event'; version: number; etag?: string } | { kind: 'resync'; unconditional: boolean };

interface Held {
  bulk: Bulk;
  ctx: string;
  /** from the persisted cache, not yet confirmed by a tier: reason CACHED */
  cached: boolean;
  tier?: string;
  servedBy?: string | null;
}

/** What the provider is serving and from where: for status pages and support. */
export interface GdnStatus {
  health: 'ready' | 'stale' | 'error';
  version: number;
  cached: boolean;
  tier?: string;
  servedBy?: string | null;
  streaming: boolean;
  lastError?: string;
  endpoints: { endpoint: string; breaker: string; suspect: boolean }[];
}

const { ERROR, CACHED, UNKNOWN } = StandardResolutionReasons;

export class GdnWebProvider implements Provider {
  readonly metadata = { name: 'gdn' } as const;
  readonly runsOn = 'client' as const;
  readonly events = new OpenFeatureEventEmitter();
  private readonly s: Settings;
  private readonly chain: Chain;
  private readonly cache: PersistentCache;
  private readonly stream?: ChangeStream;
  private held?: Held;
  private ctx: EvaluationContext = {};
  /** The version this page view is on: never goes down; moves up on a notification or a resync. */
  private pin = 0;
  private health: GdnStatus['health'] = 'ready';
  private lastError?: string;
  private initialized = false;
  private fatal = false;
  private generation = 0;
  private inflight?: Promise<void>;
  private pending?: Trigger;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private retries = 0;
  private pollTimer?: ReturnType<typeof setInterval>;

  constructor(options: GdnWebProviderOptions) {
    this.s = settings(options);
    this.chain = new Chain(this.s);
    this.cache = new PersistentCache(this.s);
    const origins = this.chain.endpoints.filter((e) => e.tier.kind !== 'cdn').map((e) => e.base);
    if (this.s.changeDetection === 'sse') {
      this.stream = new ChangeStream(this.s, origins, {
        change: (version, etag) => {
          if (!version || version > this.pin) void this.refresh({ kind: 'event', version, etag });
        },
        resync: (unconditional) => void this.refresh({ kind: 'resync', unconditional }),
        up: (up) => this.poll(!up),
      });
    }
    this.poll(this.s.changeDetection === 'polling');
  }

  // ------------------------------------------------------------ lifecycle

  async initialize(context?: EvaluationContext): Promise<void> {
    this.ctx = context ?? {};
    const gen = ++this.generation;
    if (this.s.cacheMode === 'local-cache-first' && (await this.fromCache())) {
      this.initialized = true;
      void this.refresh({ kind: 'resync', unconditional: false }); // in the background; CONFIGURATION_CHANGED when it lands
      return;
    }
    try {
      await this.fetch({ kind: 'normal' }, gen);
    } catch (err) {
      if (err instanceof Fatal) {
        this.fatal = true;
        this.stream?.close();
        throw new ProviderFatalError(err.message);
      }
      this.lastError = String((err as Error)?.message ?? err);
      this.later(); // keeps trying: the first answer then emits READY
      this.initialized = true;
      if (this.s.cacheMode !== 'network-first' || !(await this.fromCache())) {
        this.health = 'error';
        throw err;
      }
      this.health = 'stale';
    }
    this.initialized = true;
  }

  async onContextChange(_old: EvaluationContext, context: EvaluationContext): Promise<void> {
    this.ctx = context;
    const gen = ++this.generation;
    this.pending = undefined;
    try {
      await this.fetch({ kind: 'normal' }, gen);
    } catch (err) {
      this.failed(err);
    }
  }

  async onClose(): Promise<void> {
    this.generation++;
    this.fatal = true; // nothing runs any more
    this.stream?.close();
    clearTimeout(this.retryTimer);
    clearInterval(this.pollTimer);
  }

  gdnStatus(): GdnStatus {
    const h = this.held;
    return {
      health: this.health, version: h?.bulk.version ?? 0, cached: !!h?.cached, tier: h?.tier, servedBy: h?.servedBy,
      streaming: !!this.stream?.connected, lastError: this.lastError,
      endpoints: this.chain.endpoints.map((e) => ({ endpoint: e.label, breaker: e.state, suspect: e.suspected })),
    };
  }

  // ------------------------------------------------------------ fetching

  private async fromCache(): Promise<boolean> {
    const c = await this.cache.load(targetingKey(this.ctx), canonical(this.ctx));
    if (!c) return false;
    this.held = { bulk: c, ctx: canonical(this.ctx), cached: true, tier: 'cache' };
    this.pin = Math.max(this.pin, c.version);
    return true;
  }

  /** One refresh at a time; triggers arriving meanwhile are merged into one more. */
  private refresh(t: Trigger): Promise<void> {
    if (this.fatal) return Promise.resolve();
    if (this.inflight) {
      this.pending = merge(this.pending, t);
      return this.inflight;
    }
    const gen = this.generation;
    this.inflight = this.fetch(t, gen).catch((err) => {
      if (gen === this.generation) this.failed(err);
    }).finally(() => {
      this.inflight = undefined;
      const p = this.pending;
      this.pending = undefined;
      if (p) void this.refresh(p);
    });
    return this.inflight;
  }

  private async fetch(t: Trigger, gen: number): Promise<void> {
    const ctx = this.ctx;
    const ch = canonical(ctx);
    // Never backwards: an answer older than the page's version (or than the notified one) is a lagging tier.
    const min = t.kind === 'event' ? Math.max(this.pin, t.version) : this.pin;
    // Origins serve the pinned version while they hold it; a resync asks for the newest.
    const pin = t.kind === 'event' ? t.version : t.kind === 'normal' ? this.pin : 0;
    const h = this.held;
    const etag = !(t.kind === 'resync' && t.unconditional) && h && h.ctx === ch ? h.bulk.etag : undefined;
    let behind: Bulk | undefined;
    let won: { value: Bulk; endpoint?: Endpoint };
    try {
      won = await this.chain.run((e, signal) => this.ask(e, signal, ctx, ch, t, pin, etag, min).catch((err) => {
        if (err instanceof Behind && (!behind || err.answer.version > behind.version)) behind = err.answer;
        throw err;
      }));
    } catch (err) {
      // Only lagging tiers answered: better than nothing when the page has nothing for this context.
      if (!behind || err instanceof Fatal || (h && h.ctx === ch)) throw err;
      won = { value: behind };
    }
    if (gen !== this.generation) return; // the context changed meanwhile: that fetch decides
    this.apply(won.value, ch, won.endpoint);
  }

  private async ask(e: Endpoint, signal: AbortSignal, ctx: EvaluationContext, ch: string, t: Trigger, pin: number,
                    etag: string | undefined, min: number): Promise<Bulk> {
    const key = this.s.clientKey;
    // ADR-0008: an SSE-triggered re-fetch names the configuration it was told of (a fresh CDN key, too)
    const q = t.kind === 'event' && t.etag ? '?flagConfigEtag=' + encodeURIComponent(t.etag) : '';
    let res: Response;
    if (e.tier.kind === 'cdn') {
      // No custom header, so no preflight. 'no-cache': the browser revalidates its copy with the CDN (ETag,
      // a 304 is cheap) and never hands back a stale one itself (Chromium honours stale-while-revalidate).
      res = await this.s.platform.fetch(`${e.base}/gdn/v1/evaluate/${encodeURIComponent(key)}/${base64url(ch)}${q}`,
        { signal, credentials: 'omit', cache: 'no-cache' });
    } else {
      const headers: Record<string, string> = { 'Content-Type': 'application/json', Authorization: 'Bearer ' + key };
      if (etag) headers['If-None-Match'] = etag;
      if (pin > 0) headers['GDN-Ruleset-Version'] = String(pin);
      res = await this.s.platform.fetch(`${e.base}/ofrep/v1/evaluate/flags${q}`,
        { method: 'POST', headers, body: JSON.stringify({ context: ctx }), signal, credentials: 'omit', cache: 'no-store' });
    }
    const where = `${e.label}: HTTP ${res.status}`;
    if (res.status === 401 || res.status === 403) throw new Fatal(`${where}: the client key was refused (${(await res.text()).slice(0, 200)})`);
    const retryAfter = res.headers.get('Retry-After');
    if ((res.status === 429 || res.status === 503) && retryAfter !== null) throw new Cooling(Number(retryAfter) || 1, where);
    let b: Bulk;
    if (res.status === 304) {
      if (!this.held || this.held.ctx !== ch) throw new Error(`${where} without an answer for this context`);
      b = { ...this.held.bulk };
    } else if (res.ok) {
      b = parseBulk(await res.text(), res.headers.get('GDN-Ruleset-Version'), res.headers.get('ETag'));
    } else {
      throw new Error(where);
    }
    if (b.version < min) throw new Behind(b, `${e.label}: version ${b.version}, behind ${min}`);
    (b as Bulk & { servedBy?: string | null }).servedBy = res.headers.get('GDN-Served-By');
    return b;
  }

  private apply(b: Bulk, ch: string, e?: Endpoint): void {
    const prev = this.held;
    this.held = { bulk: b, ctx: ch, cached: false, tier: e?.tier.name ?? 'behind', servedBy: (b as { servedBy?: string | null }).servedBy };
    this.pin = Math.max(this.pin, b.version);
    this.retries = 0;
    this.lastError = undefined;
    clearTimeout(this.retryTimer);
    void this.cache.save(targetingKey(this.ctx), ch, b);
    this.stream?.advertise(b.streams);
    if (!this.initialized) return; // the SDK emits READY when initialize returns
    const changed = changedKeys(prev?.bulk.flags, b.flags);
    if (changed.length || prev?.cached || prev?.ctx !== ch) {
      this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: changed, metadata: { rulesetVersion: b.version } });
    }
    if (this.health !== 'ready') {
      this.health = 'ready';
      this.events.emit(ProviderEvents.Ready, { message: `answers again from ${e?.label ?? 'a lagging tier'}` });
    }
  }

  private failed(err: unknown): void {
    const message = String((err as Error)?.message ?? err);
    this.lastError = message;
    if (err instanceof Fatal) {
      // configuration, not an outage: one ERROR, no retries, cached values keep serving (ADR-0009)
      this.fatal = true;
      this.stream?.close();
      this.health = 'error';
      this.events.emit(ProviderEvents.Error, { message, errorCode: ErrorCode.PROVIDER_FATAL });
      return;
    }
    const now = this.held ? 'stale' : 'error';
    if (this.initialized && this.health !== now) {
      this.health = now;
      this.events.emit(now === 'stale' ? ProviderEvents.Stale : ProviderEvents.Error, { message });
    }
    this.later();
  }

  /** Retries after a failure, 1 s doubling to 60 s with jitter, until something answers. */
  private later(): void {
    if (this.fatal) return;
    clearTimeout(this.retryTimer);
    const wait = Math.min(60000, 1000 * 2 ** this.retries++);
    this.retryTimer = setTimeout(() => void this.refresh({ kind: 'resync', unconditional: false }), wait / 2 + Math.random() * wait / 2);
  }

  /** Timer polling: opt-in (ADR-0010), with changeDetection 'polling' or while no stream is up. */
  private poll(on: boolean): void {
    clearInterval(this.pollTimer);
    this.pollTimer = undefined;
    if (on && this.s.pollIntervalMs > 0 && this.s.changeDetection !== 'none') {
      this.pollTimer = setInterval(() => void this.refresh({ kind: 'resync', unconditional: false }), this.s.pollIntervalMs);
    }
  }

  // ------------------------------------------------------------ evaluation

  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean): ResolutionDetails<boolean> {
    return this.resolve(flagKey, defaultValue, 'boolean');
  }

  resolveStringEvaluation(flagKey: string, defaultValue: string): ResolutionDetails<string> {
    return this.resolve(flagKey, defaultValue, 'string');
  }

  resolveNumberEvaluation(flagKey: string, defaultValue: number): ResolutionDetails<number> {
    return this.resolve(flagKey, defaultValue, 'number');
  }

  resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T): ResolutionDetails<T> {
    return this.resolve(flagKey, defaultValue, 'object');
  }

  private resolve<T>(key: string, def: T, type: string): ResolutionDetails<T> {
    const h = this.held;
    const fail = (errorCode: ErrorCode, errorMessage?: string, flagMetadata?: FlagMetadata): ResolutionDetails<T> =>
      ({ value: def, reason: ERROR, errorCode, errorMessage, flagMetadata });
    if (!h) return fail(ErrorCode.PROVIDER_NOT_READY, this.lastError ?? 'no answer yet');
    const f = h.bulk.flags[key];
    if (!f) return fail(ErrorCode.FLAG_NOT_FOUND, `flag '${key}' is not in the answer`);
    const flagMetadata = primitives(f.metadata);
    if (f.errorCode) return fail((ErrorCode as Record<string, ErrorCode>)[f.errorCode] ?? ErrorCode.GENERAL, f.errorDetails, flagMetadata);
    const reason = h.cached ? CACHED : f.reason ?? UNKNOWN;
    if (!('value' in f)) return { value: def, reason, flagMetadata }; // DISABLED, or DEFAULT with no default variant
    const v = f.value;
    if (type === 'object' ? v === null || typeof v !== 'object' : typeof v !== type) {
      return fail(ErrorCode.TYPE_MISMATCH, `flag '${key}' is ${v === null ? 'null' : typeof v}, not ${type}`, flagMetadata);
    }
    return { value: v as T, variant: f.variant, reason, flagMetadata };
  }
}

function targetingKey(ctx: EvaluationContext): string {
  return String(ctx.targetingKey ?? '');
}

function merge(a: Trigger | undefined, b: Trigger): Trigger {
  if (!a) return b;
  if (a.kind === 'event' && b.kind === 'event') return a.version >= b.version ? a : b;
  if (a.kind === 'resync' || b.kind === 'resync') {
    return { kind: 'resync', unconditional: (a.kind === 'resync' && a.unconditional) || (b.kind === 'resync' && b.unconditional) };
  }
  return a.kind === 'event' ? a : b;
}

function changedKeys(a: Bulk['flags'] | undefined, b: Bulk['flags']): string[] {
  const keys = new Set([...Object.keys(a ?? {}), ...Object.keys(b)]);
  return [...keys].filter((k) => canonical(a?.[k]) !== canonical(b[k]));
}

function primitives(md: Record<string, unknown> | undefined): FlagMetadata {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(md ?? {})) if (['string', 'number', 'boolean'].includes(typeof v)) out[k] = v as never;
  return out;
}
