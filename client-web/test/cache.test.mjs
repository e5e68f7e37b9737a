import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { GdnWebProvider } from '../dist/index.js';
import { KEY, MemoryStorage, deadUrl, recorder, resolvesWithin, serving, tier, until } from './helpers.mjs';

const open = [];
after(() => Promise.all(open.map((t) => t.close())));
const base = { clientKey: KEY, changeDetection: 'none', deadlineMs: 3000 };

async function warmed(storage, ctx = { targetingKey: 'ada', plan: 'pro' }) {
  const node = await tier(serving(3, { banner: 'v3', beta: true }));
  open.push(node);
  const p = new GdnWebProvider({ ...base, tiers: [{ name: 'gdn', kind: 'gdn', urls: [node.url] }], platform: { storage } });
  await p.initialize(ctx);
  await until('persisted', () => storage.map.size === 1);
  await p.onClose();
  return node;
}

test('local-cache-first: a page that loads with every tier down shows the last good values at once, reason CACHED', async () => {
  const storage = new MemoryStorage();
  await warmed(storage);
  const [entry] = storage.map.values();
  const e = JSON.parse(entry);
  assert.equal(e.version, 1);
  assert.match(e.cacheKeyHash, /^[0-9a-f]{64}$/);
  assert.ok(!entry.includes('ada'), 'the targeting key is stored only as a hash');
  assert.equal(e.rulesetVersion, 3);

  // Every tier down, and its failure held back until the test lets it out: initialize must not wait for it.
  let outage;
  const held = new Promise((r) => (outage = r));
  const down = await tier(() => held.then(() => ({ status: 503 })));
  open.push(down);
  const p = new GdnWebProvider({ ...base, deadlineMs: 60000, tiers: [{ name: 'gdn', kind: 'gdn', urls: [down.url] }], platform: { storage } });
  const events = recorder(p);
  // Waiting for the network would take until the outage is let out, or the deadline (60 s).
  assert.ok(await resolvesWithin(p.initialize({ targetingKey: 'ada', plan: 'pro' }), 10000),
    'initialize returned without waiting for the network');
  assert.deepEqual(p.resolveStringEvaluation('banner', 'x'), { value: 'v3', variant: 'v3', reason: 'CACHED', flagMetadata: {} });
  await until('the background refresh asked the tier', () => down.requests.length === 1);
  outage();
  await until('STALE after the background refresh fails', () => events.some((x) => x.type === 'PROVIDER_STALE'));
  assert.equal(p.resolveBooleanEvaluation('beta', false).value, true, 'still served');
  await p.onClose();
});

test('local-cache-first: the background refresh replaces cached values and says CONFIGURATION_CHANGED', async () => {
  const storage = new MemoryStorage();
  await warmed(storage);
  const node = await tier(serving(4, { banner: 'v4', beta: true }));
  open.push(node);
  const p = new GdnWebProvider({ ...base, tiers: [{ name: 'gdn', kind: 'gdn', urls: [node.url] }], platform: { storage } });
  const events = recorder(p);
  await p.initialize({ targetingKey: 'ada', plan: 'pro' });
  await until('CONFIGURATION_CHANGED', () => events.some((x) => x.type === 'PROVIDER_CONFIGURATION_CHANGED'));
  const changed = events.find((x) => x.type === 'PROVIDER_CONFIGURATION_CHANGED');
  assert.deepEqual(changed.flagsChanged, ['banner']);
  assert.deepEqual(p.resolveStringEvaluation('banner', 'x'), { value: 'v4', variant: 'v4', reason: 'STATIC', flagMetadata: {} });
  assert.equal(node.requests[0].headers['if-none-match'], '"e3"', 'revalidated with the persisted ETag (same context)');
  await p.onClose();
});

test('another user, an expired entry or cacheMode disabled: no cached values', async () => {
  const storage = new MemoryStorage();
  await warmed(storage);
  const down = await deadUrl();
  const tiers = [{ name: 'gdn', kind: 'gdn', urls: [down] }];
  for (const [opts, ctx] of [[{}, { targetingKey: 'bob' }], [{ cacheTtlMs: 1 }, { targetingKey: 'ada' }],
    [{ cacheMode: 'disabled' }, { targetingKey: 'ada' }], [{ cacheKeyPrefix: 'other-app' }, { targetingKey: 'ada' }]]) {
    const p = new GdnWebProvider({ ...base, ...opts, tiers, platform: { storage } });
    await assert.rejects(p.initialize(ctx), undefined, JSON.stringify(opts));
    await p.onClose();
  }
  const node = await tier(serving(1, { f: 1 }));
  open.push(node);
  const off = new MemoryStorage();
  const p = new GdnWebProvider({ ...base, cacheMode: 'disabled', tiers: [{ name: 'gdn', kind: 'gdn', urls: [node.url] }], platform: { storage: off } });
  await p.initialize({ targetingKey: 'ada' });
  assert.equal(off.map.size, 0, 'disabled writes nothing');
  await p.onClose();
});

test('network-first: waits for the network, falls back to the cache on an outage, never on a refused key', async () => {
  const storage = new MemoryStorage();
  await warmed(storage);
  const down = await deadUrl();
  const p = new GdnWebProvider({ ...base, cacheMode: 'network-first', tiers: [{ name: 'gdn', kind: 'gdn', urls: [down] }], platform: { storage } });
  await p.initialize({ targetingKey: 'ada', plan: 'pro' });
  assert.equal(p.resolveStringEvaluation('banner', 'x').reason, 'CACHED');
  await p.onClose();
  const refusing = await tier(() => ({ status: 403, body: '{"errorDetails":"wrong kind of key"}' }));
  open.push(refusing);
  const q = new GdnWebProvider({ ...base, cacheMode: 'network-first', tiers: [{ name: 'gdn', kind: 'gdn', urls: [refusing.url] }], platform: { storage } });
  await assert.rejects(q.initialize({ targetingKey: 'ada', plan: 'pro' }), (e) => e.code === 'PROVIDER_FATAL');
  await q.onClose();
});

test('a provider that started with every tier down becomes READY when one answers', async () => {
  let up = false;
  const node = await tier(() => (up ? serving(5, { f: 'x' })() : { status: 503 }));
  open.push(node);
  const p = new GdnWebProvider({ ...base, cacheMode: 'disabled', tiers: [{ name: 'gdn', kind: 'gdn', urls: [node.url] }] });
  const events = recorder(p);
  await assert.rejects(p.initialize({}));
  up = true;
  await until('READY after recovery', () => events.some((e) => e.type === 'PROVIDER_READY'));
  assert.equal(p.resolveStringEvaluation('f', '').value, 'x');
  await p.onClose();
});
