import assert from 'node:assert/strict';
import { after, beforeEach, test } from 'node:test';
import { GdnWebProvider } from '../dist/index.js';
import { FakeDocument, FakeEventSource, KEY, recorder, serving, sleep, tier, until } from './helpers.mjs';

const open = [];
after(() => Promise.all(open.map((t) => t.close())));
beforeEach(() => FakeEventSource.reset());
const streams = [{ type: 'sse', endpoint: { requestUri: `/gdn/v1/events/${KEY}` }, inactivityDelaySec: 1 }];

/** A CDN tier, then two origins, all serving `state.version`; origins also honour a pin they hold. */
async function world(state) {
  const answer = (req) => {
    const pin = Number(req.headers['gdn-ruleset-version'] ?? 0);
    const v = pin && state.held.includes(pin) ? pin : state.version;
    return serving(v, { banner: `v${v}` }, streams)();
  };
  const cdn = await tier(answer);
  const a = await tier(answer);
  const b = await tier(answer);
  open.push(cdn, a, b);
  return { cdn, a, b, tiers: [{ name: 'belt', kind: 'cdn', urls: [cdn.url] }, { name: 'gdn', kind: 'gdn', urls: [a.url] },
    { name: 'classic', kind: 'classic', urls: [b.url] }] };
}

function provider(w, doc = new FakeDocument(), extra = {}) {
  return new GdnWebProvider({ clientKey: KEY, cacheMode: 'disabled', tiers: w.tiers, streamStallMs: 400,
    platform: { EventSource: FakeEventSource, document: doc }, ...extra });
}

test('the stream opens on the first origin (never the CDN); a notification re-fetches the told version', async () => {
  const state = { version: 1, held: [1] };
  const w = await world(state);
  const p = provider(w);
  const events = recorder(p);
  await p.initialize({ targetingKey: 'u' });
  const es = FakeEventSource.last();
  assert.equal(es.url, `${w.a.url}/gdn/v1/events/${KEY}`);
  es.open();
  state.version = 2;
  state.held = [1, 2];
  es.message({ type: 'heartbeat' });
  es.message({ type: 'refetchEvaluation', etag: '"prod-2"', lastModified: 1, rulesetVersion: 2 });
  await until('CONFIGURATION_CHANGED', () => events.some((e) => e.type === 'PROVIDER_CONFIGURATION_CHANGED'));
  assert.equal(p.resolveStringEvaluation('banner', '').value, 'v2');
  assert.deepEqual(events.find((e) => e.type === 'PROVIDER_CONFIGURATION_CHANGED').flagsChanged, ['banner']);
  const refetch = w.cdn.requests.at(-1);
  assert.match(refetch.url, /\?flagConfigEtag=%22prod-2%22$/, 'the CDN is asked on a fresh key for the told configuration');
  // a notification for a version the page already has is ignored
  const n = w.cdn.requests.length;
  es.message({ type: 'refetchEvaluation', etag: '"prod-2"', rulesetVersion: 2 });
  es.message({ type: 'somethingNew' });
  await sleep(100);
  assert.equal(w.cdn.requests.length, n);
  await p.onClose();
  assert.ok(es.closed);
});

test('a notified version the first tiers lack comes from the next, pinned', async () => {
  const state = { version: 1, held: [1] };
  const w = await world(state); // the CDN and the node stay on v1 (a poll behind)
  const classic = await tier(serving(2, { banner: 'v2' }, streams)); // the classic API has v2 already
  open.push(classic);
  const p = new GdnWebProvider({ clientKey: KEY, cacheMode: 'disabled', streamStallMs: 400,
    tiers: [w.tiers[0], w.tiers[1], { name: 'classic', kind: 'classic', urls: [classic.url] }],
    platform: { EventSource: FakeEventSource, document: new FakeDocument() } });
  await p.initialize({});
  assert.equal(p.resolveStringEvaluation('banner', '').value, 'v1');
  FakeEventSource.last().open();
  FakeEventSource.last().message({ type: 'refetchEvaluation', etag: '"prod-2"', rulesetVersion: 2 });
  await until('v2', () => p.resolveStringEvaluation('banner', '').value === 'v2');
  assert.equal(p.gdnStatus().tier, 'classic');
  assert.equal(classic.requests.at(-1).headers['gdn-ruleset-version'], '2');
  assert.equal(w.a.requests.at(-1).headers['gdn-ruleset-version'], '2', 'the node was asked for v2 first');
  await p.onClose();
});

test('a broken or silent stream moves to the next origin, and the reconnect re-fetches', async () => {
  const state = { version: 1, held: [1] };
  const w = await world(state);
  const p = provider(w);
  await p.initialize({});
  const first = FakeEventSource.last();
  first.open();
  first.error(); // the node died
  await until('a second EventSource', () => FakeEventSource.all.length === 2);
  const second = FakeEventSource.last();
  assert.equal(second.url, `${w.b.url}/gdn/v1/events/${KEY}`, 'the next origin');
  state.version = 2;
  const before = w.cdn.requests.length;
  second.open();
  await until('a re-fetch after the reconnect', () => w.cdn.requests.length > before);
  await until('v2', () => p.resolveStringEvaluation('banner', '').value === 'v2');
  // black-holed: no heartbeat within streamStallMs
  await until('a third EventSource after the stall', () => FakeEventSource.all.length === 3);
  assert.ok(second.closed);
  await p.onClose();
});

test('a hidden tab closes its stream after inactivityDelaySec; back, it reconnects and re-fetches unconditionally', async () => {
  const state = { version: 1, held: [1] };
  const w = await world(state);
  const doc = new FakeDocument();
  const p = provider(w, doc, { streamStallMs: 60000 });
  await p.initialize({ targetingKey: 'u' });
  const es = FakeEventSource.last();
  es.open();
  doc.set('hidden');
  await until('closed after 1 s hidden', () => es.closed);
  state.version = 3;
  state.held = [1, 3];
  const before = w.cdn.requests.length;
  doc.set('visible');
  await until('reconnected', () => FakeEventSource.all.length === 2);
  await until('v3', () => p.resolveStringEvaluation('banner', '').value === 'v3');
  assert.ok(w.cdn.requests.length > before);
  await p.onClose();
});

test('without event streams: re-fetch on becoming visible (ADR-0010), and opt-in polling', async () => {
  const state = { version: 1 };
  const answer = () => serving(state.version, { banner: `v${state.version}` })();
  const node = await tier(answer);
  open.push(node);
  const doc = new FakeDocument();
  const p = new GdnWebProvider({ clientKey: KEY, cacheMode: 'disabled', tiers: [{ name: 'gdn', kind: 'gdn', urls: [node.url] }],
    platform: { EventSource: FakeEventSource, document: doc } });
  await p.initialize({});
  assert.equal(FakeEventSource.all.length, 0, 'nothing advertised, nothing opened');
  state.version = 2;
  doc.set('hidden');
  doc.set('visible');
  await until('v2 on visible', () => p.resolveStringEvaluation('banner', '').value === 'v2');
  await p.onClose();
  const q = new GdnWebProvider({ clientKey: KEY, cacheMode: 'disabled', changeDetection: 'polling', pollIntervalMs: 100,
    tiers: [{ name: 'gdn', kind: 'gdn', urls: [node.url] }], platform: { document: new FakeDocument() } });
  await q.initialize({});
  state.version = 3;
  await until('v3 by polling', () => q.resolveStringEvaluation('banner', '').value === 'v3');
  await q.onClose();
});
