// The GDN wire: canonical context JSON, the CDN GET URL, and the OFREP bulk body.

/** JSON with object keys sorted and no whitespace (SPEC §3): one CDN cache entry per context. */
export function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return '[' + v.map(canonical).join(',') + ']';
  const o = v as Record<string, unknown>;
  return '{' + Object.keys(o).sort().filter((k) => o[k] !== undefined)
    .map((k) => JSON.stringify(k) + ':' + canonical(o[k])).join(',') + '}';
}

/** base64url without padding of the UTF-8 bytes. */
export function base64url(s: string): string {
  let bin = '';
  for (const b of new TextEncoder().encode(s)) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** One flag of a bulk answer, as the server wrote it. */
export interface WireFlag {
  key: string;
  value?: unknown;
  reason?: string;
  variant?: string;
  errorCode?: string;
  errorDetails?: string;
  metadata?: Record<string, unknown>;
}

/** An OFREP 0.3 event stream entry (ADR-0008). */
export interface WireStream {
  type: string;
  url?: string;
  endpoint?: { origin?: string; requestUri: string };
  inactivityDelaySec?: number;
}

export interface Bulk {
  flags: Record<string, WireFlag>;
  version: number;
  etag?: string;
  streams?: WireStream[];
}

/** Parses a bulk body; throws on anything that is not one. */
export function parseBulk(text: string, versionHeader: string | null, etag: string | null): Bulk {
  const body = JSON.parse(text);
  if (!body || !Array.isArray(body.flags)) throw new Error('not an OFREP bulk body');
  const flags: Record<string, WireFlag> = {};
  for (const f of body.flags) {
    if (!f || typeof f.key !== 'string') throw new Error('a flag without a key');
    flags[f.key] = f;
  }
  const version = Number(versionHeader ?? body.metadata?.rulesetVersion ?? 0) || 0;
  return { flags, version, etag: etag ?? undefined, streams: Array.isArray(body.eventStreams) ? body.eventStreams : undefined };
}
