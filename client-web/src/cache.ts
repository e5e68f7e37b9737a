// The persisted last good answer (OFREP ADR-0009): one entry per provider, matched by a hash of the
// targeting key, served with reason CACHED, never past its TTL.
import type { Settings } from './config.js';
import type { Bulk } from './wire.js';

interface Entry {
  version: 1;
  cacheKeyHash: string;
  etag?: string;
  contextHash: string;
  writtenAt: string;
  rulesetVersion: number;
  data: { flags: Bulk['flags'] };
}

async function sha256(s: string): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(s)));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

export class PersistentCache {
  private slot?: Promise<string>;

  constructor(private readonly s: Settings) {}

  private get on(): boolean {
    return this.s.cacheMode !== 'disabled' && !!this.s.platform.storage;
  }

  private key(): Promise<string> {
    // the slot's name holds no raw prefix (it may be a token)
    return (this.slot ??= sha256('gdn-web:' + (this.s.cacheKeyPrefix ?? '')).then((h) => 'gdn-web:' + h.slice(0, 16)));
  }

  private match(targetingKey: string): Promise<string> {
    const p = this.s.cacheKeyPrefix;
    return sha256(p === undefined ? targetingKey : p + ':' + targetingKey);
  }

  /** The persisted answer for this targeting key, if fresh enough: with the ETag only when the whole context matches. */
  async load(targetingKey: string, context: string): Promise<Bulk | undefined> {
    if (!this.on) return undefined;
    const contextHash = await sha256(context);
    try {
      const raw = this.s.platform.storage!.getItem(await this.key());
      if (!raw) return undefined;
      const e = JSON.parse(raw) as Entry;
      if (e.version !== 1 || e.cacheKeyHash !== (await this.match(targetingKey))) return undefined;
      if (!(Date.now() - Date.parse(e.writtenAt) < this.s.cacheTtlMs)) return undefined;
      return { flags: e.data.flags, version: e.rulesetVersion, etag: e.contextHash === contextHash ? e.etag : undefined };
    } catch {
      return undefined; // unreadable or foreign: a miss
    }
  }

  /** Persists an answer (nothing raw from the context: the targeting key and the context are hashed). */
  async save(targetingKey: string, context: string, b: Bulk): Promise<void> {
    if (!this.on) return;
    const e: Entry = {
      version: 1, cacheKeyHash: await this.match(targetingKey), etag: b.etag, contextHash: await sha256(context),
      writtenAt: new Date().toISOString(), rulesetVersion: b.version, data: { flags: b.flags },
    };
    try {
      this.s.platform.storage!.setItem(await this.key(), JSON.stringify(e));
    } catch (err) {
      console.warn('gdn: could not persist flags (the previous entry stays):', err);
    }
  }
}

