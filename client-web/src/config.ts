// What a front-end team configures (one object) and the defaults.

export type TierKind = 'cdn' | 'gdn' | 'classic';

export interface TierConfig {
  /** For humans: in status and errors. */
  name: string;
  /** cdn: the cacheable GET; gdn and classic: OFREP bulk POST (origins: pinned, and where streams live). */
  kind: TierKind;
  /** One or more base URLs (several regions, say). */
  urls: string[];
  /** One request's limit (default: the provider's timeoutMs). */
  timeoutMs?: number;
  /** After this long without an answer, the next endpoint is asked too (default: the provider's hedgeMs). */
  hedgeMs?: number;
}

export type CacheMode = 'local-cache-first' | 'network-first' | 'disabled';
export type ChangeDetection = 'sse' | 'polling' | 'none';

/** Browser APIs the provider uses; replaceable for tests and other runtimes. */
export interface Platform {
  fetch: typeof fetch;
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  EventSource?: new (url: string) => EventSource;
  document?: Pick<Document, 'visibilityState' | 'addEventListener' | 'removeEventListener'>;
}

export interface GdnWebProviderOptions {
  /** A client key (never a server key: it is visible to every page visitor). */
  clientKey: string;
  /** The chain, in order: belt CDN, nodes, suspenders CDN, classic, nodes direct. */
  tiers: TierConfig[];
  /** Per request, unless a tier says otherwise (default 2000). */
  timeoutMs?: number;
  /** Hedge delay, unless a tier says otherwise (default 150). */
  hedgeMs?: number;
  /** The most one refresh waits for any tier (default 4000). */
  deadlineMs?: number;
  /** ADR-0009 (default local-cache-first). */
  cacheMode?: CacheMode;
  /** Separates the persisted entries of several providers on one origin. */
  cacheKeyPrefix?: string;
  /** A persisted entry older than this is not served (default 30 days). */
  cacheTtlMs?: number;
  /** ADR-0008/0010 (default sse). */
  changeDetection?: ChangeDetection;
  /** Timer polling, off by default (ADR-0010); with changeDetection 'polling', or while no stream is up. */
  pollIntervalMs?: number;
  /** Overrides the server's inactivityDelaySec: a hidden tab closes its stream after this. */
  inactivityDelaySec?: number;
  /** A stream that sends nothing (not even heartbeats) this long is replaced (default 45000). */
  streamStallMs?: number;
  /** An endpoint that failed this many times in a row is skipped... (default 3) */
  breakerFailures?: number;
  /** ...for this long, then probed once (default 5000). */
  breakerOpenMs?: number;
  platform?: Partial<Platform>;
}

export interface Settings extends Required<Omit<GdnWebProviderOptions, 'cacheKeyPrefix' | 'inactivityDelaySec' | 'platform'>> {
  cacheKeyPrefix?: string;
  inactivityDelaySec?: number;
  platform: Platform;
}

export function settings(o: GdnWebProviderOptions): Settings {
  if (!o || typeof o.clientKey !== 'string' || !o.clientKey) throw new Error('GdnWebProvider: clientKey is required');
  if (!Array.isArray(o.tiers) || o.tiers.length === 0) throw new Error('GdnWebProvider: at least one tier is required');
  for (const t of o.tiers) {
    if (!['cdn', 'gdn', 'classic'].includes(t.kind)) throw new Error(`GdnWebProvider: tier ${t.name}: kind must be cdn, gdn or classic`);
    if (!t.urls?.length) throw new Error(`GdnWebProvider: tier ${t.name} needs at least one URL`);
  }
  const g = globalThis as unknown as Partial<Platform> & { localStorage?: Storage };
  let storage: Platform['storage'];
  try {
    storage = g.localStorage; // throws where storage is blocked
  } catch {
    storage = undefined;
  }
  return {
    timeoutMs: 2000, hedgeMs: 150, deadlineMs: 4000, cacheMode: 'local-cache-first', cacheTtlMs: 30 * 864e5,
    changeDetection: 'sse', pollIntervalMs: 0, streamStallMs: 45000, breakerFailures: 3, breakerOpenMs: 5000,
    ...o,
    platform: { fetch: g.fetch!.bind(globalThis), storage, EventSource: g.EventSource, document: g.document, ...o.platform },
  };
}
