import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { OpenFeature } from '@openfeature/web-sdk';
import { GdnWebProvider } from '../dist/index.js';
import { KEY, deadUrl, serving, sleep, tier, until } from './helpers.mjs';

const open = [];
after(() => Promise.all(open.map((t) => t.close())));
async function t(answer) {
  const x = await tier(answer);
  open.push(x);
  return x;
}
const base = { clientKey: KEY, cacheMode: 'disabled', changeDetection: 'none' };

test('CDN tiers get the cacheable GET with the canonical base64url context; origins the pinned OFREP POST', async () => {
  const cdn = await t(() => ({ status: 500 }));
  const node = await t(serving(7, { banner: 'new' }));
  const p = new GdnWebProvider({ ...base, tiers: [{ name: 'belt', kind: 'cdn', urls: [cdn.url] }, { name: 'gdn', kind: 'gdn', urls: [node.url] }] });
  await p.initialize({ targetingKey: 'u1', b: 2, a: { z: 1, y: [1, 'é'] } });
  assert.equal(cdn.requests[0].method, 'GET');
  const ctx = '{"a":{"y":[1,"é"],"z":1},"b":2,"targetingKey":"u1"}';
  assert.equal(cdn.requests[0].url, `/gdn/v1/evaluate/${KEY}/${Buffer.from(ctx).toString('base64url')}`);
  assert.equal(node.requests[0].method, 'POST');
  assert.equal(node.requests[0].url, '/ofrep/v1/evaluate/flags');
  assert.equal(node.requests[0].headers.authorization, `Bearer ${KEY}`);
  assert.equal(node.requests[0].headers['gdn-ruleset-version'], undefined, 'nothing to pin yet');
  assert.deepEqual(p.resolveStringEvaluation('banner', 'x'), { value: 'new', variant: 'new', reason: 'STATIC', flagMetadata: {} });
  // the page view is now on v7: origins are asked for it, and revalidate with the ETag
  await p.onContextChange({}, { targetingKey: 'u1', b: 2, a: { z: 1, y: [1, 'é'] } });
  assert.equal(node.requests[1].headers['gdn-ruleset-version'], '7');
  assert.equal(node.requests[1].headers['if-none-match'], '"e7"');
  await p.onClose();
});

test('a refused, a hung and a dead tier: the answer comes from the next, about one hedge delay later', async () => {
  const hung = await t(() => 'hang');
  const classic = await t(serving(3, { on: true }));
  // The hung tier's timeout and the deadline are far beyond anything a loaded machine adds to a hedge delay.
  const p = new GdnWebProvider({
    ...base, hedgeMs: 100, timeoutMs: 20000, deadlineMs: 30000,
    tiers: [{ name: 'dead', kind: 'cdn', urls: [await deadUrl()] }, { name: 'hung', kind: 'gdn', urls: [hung.url] },
      { name: 'classic', kind: 'classic', urls: [classic.url] }],
  });
  const t0 = Date.now();
  await p.initialize({ targetingKey: 'u' });
  const took = Date.now() - t0;
  assert.equal(p.resolveBooleanEvaluation('on', false).value, true);
  assert.ok(took >= 90, `not before the hedge delay: took ${took} ms`);
  assert.ok(took < 5000, `about one hedge delay, not the hung tier's timeout (20 s): took ${took} ms`);
  assert.equal(p.gdnStatus().tier, 'classic');
  await p.onClose();
});

// Hedge delays of seconds in the tests below: "waited for it" and "waited for nothing" stay seconds apart
// however loaded the machine; tiers' timeouts and the deadline are far beyond both.
const HEDGE = 3000;
const patient = { timeoutMs: 20000, deadlineMs: 30000 };

test('a hung tier costs one hedge delay once: then it is asked alongside the next until it answers in time', async () => {
  let beltDoes = () => 'hang';
  const belt = await t((...a) => beltDoes(...a));
  const node = await t(serving(4, { on: true }));
  const p = new GdnWebProvider({ ...base, ...patient,
    tiers: [{ name: 'belt', kind: 'cdn', urls: [belt.url], hedgeMs: HEDGE }, { name: 'gdn', kind: 'gdn', urls: [node.url], hedgeMs: HEDGE }] });
  let t0 = Date.now();
  await p.initialize({ targetingKey: 'u' });
  const first = Date.now() - t0;
  assert.ok(first >= HEDGE - 10, `the first refresh waits for the hedge: ${first} ms`);
  assert.equal(p.gdnStatus().endpoints[0].suspect, true);
  for (let i = 0; i < 2; i++) {
    t0 = Date.now();
    await p.onContextChange({}, { targetingKey: 'u', i });
    const took = Date.now() - t0;
    assert.ok(took < HEDGE / 2, `a suspect is asked alongside the next, no hedge delay waited: ${took} ms`);
    assert.equal(p.gdnStatus().tier, 'gdn');
  }
  assert.equal(node.requests.length, 3);
  // (a hung tier's request may reach its server after the node answered)
  await until('the suspect asked every time: an answer would clear it', () => belt.requests.length === 3);

  // Healed: its answer, released after the node's but within its hedge delay, clears the suspicion.
  let release;
  const held = new Promise((r) => (release = r));
  beltDoes = () => held;
  await p.onContextChange({}, { targetingKey: 'u', healed: 1 });
  await until('the belt asked', () => belt.requests.length === 4);
  release(serving(4, { on: true })());
  await until('the suspicion cleared', () => !p.gdnStatus().endpoints[0].suspect);
  beltDoes = serving(4, { on: true });
  await p.onContextChange({}, { targetingKey: 'u', healed: 2 });
  assert.equal(p.gdnStatus().tier, 'belt');
  await sleep(300); // a request sent alongside would have reached the node by now
  assert.equal(node.requests.length, 4, 'the belt answers alone again');
  await p.onClose();
});

test('a suspect that fails at once while the tier asked alongside it is still out asks no third tier', async () => {
  let beltDoes = () => 'hang';
  const belt = await t((...a) => beltDoes(...a));
  let nodeDoes = serving(5, { on: true });
  const node = await t((...a) => nodeDoes(...a));
  const classic = await t(serving(5, { on: true }));
  const p = new GdnWebProvider({ ...base, ...patient,
    tiers: [{ name: 'belt', kind: 'cdn', urls: [belt.url], hedgeMs: HEDGE }, { name: 'gdn', kind: 'gdn', urls: [node.url], hedgeMs: HEDGE },
      { name: 'classic', kind: 'classic', urls: [classic.url] }] });
  await p.initialize({ targetingKey: 'u' }); // the belt hangs past its hedge delay: suspect
  assert.equal(p.gdnStatus().endpoints[0].suspect, true);
  // Now the belt refuses at once while the node, asked alongside it, takes its time (within its hedge delay).
  beltDoes = () => ({ status: 500 });
  let release;
  const held = new Promise((r) => (release = r));
  nodeDoes = () => held;
  const before = classic.requests.length;
  const change = p.onContextChange({}, { targetingKey: 'u', i: 1 });
  await until('the belt refused', () => belt.requests.length === 2);
  await sleep(300); // a request sent to classic on the belt's failure would have reached it by now
  assert.equal(classic.requests.length, before, 'the node is the next already: classic not asked');
  release(serving(5, { on: true })());
  await change;
  assert.equal(p.gdnStatus().tier, 'gdn');
  await p.onClose();
});

test('two hung tiers in a row (a black-holed region) cost one hedge delay, not two; then none', async () => {
  const belt = await t(() => 'hang');
  const node = await t(() => 'hang');
  const classic = await t(serving(2, { on: true }));
  const p = new GdnWebProvider({ ...base, ...patient,
    tiers: [{ name: 'belt', kind: 'cdn', urls: [belt.url], hedgeMs: HEDGE }, { name: 'gdn', kind: 'gdn', urls: [node.url], hedgeMs: HEDGE },
      { name: 'classic', kind: 'classic', urls: [classic.url] }] });
  let t0 = Date.now();
  await p.initialize({ targetingKey: 'u' });
  const first = Date.now() - t0;
  assert.equal(p.gdnStatus().tier, 'classic');
  assert.ok(first >= HEDGE - 10, `not before the first hedge delay: ${first} ms`);
  assert.ok(first < 2 * HEDGE - 1000, `the hedge asked the node and classic together, not the node alone: ${first} ms`);
  // The node, asked with classic, is given its hedge delay; at its end it is suspect too.
  await until('the node suspect', () => p.gdnStatus().endpoints[1].suspect);
  t0 = Date.now();
  await p.onContextChange({}, { targetingKey: 'u', i: 1 });
  const later = Date.now() - t0;
  assert.ok(later < HEDGE / 2, `all three asked at once: ${later} ms`);
  assert.equal(p.gdnStatus().tier, 'classic');
  assert.equal(classic.requests.length, 2);
  // (the hung tiers' requests may reach their servers after classic answered)
  await until('both hung tiers asked twice', () => belt.requests.length === 2 && node.requests.length === 2);
  await p.onClose();
});

test('a healthy chain sends exactly one request per refresh', async () => {
  const belt = await t(serving(1, { on: true }));
  const node = await t(serving(1, { on: true }));
  const p = new GdnWebProvider({ ...base,
    tiers: [{ name: 'belt', kind: 'cdn', urls: [belt.url] }, { name: 'gdn', kind: 'gdn', urls: [node.url] }] });
  await p.initialize({ targetingKey: 'u' });
  for (let i = 0; i < 9; i++) await p.onContextChange({}, { targetingKey: 'u', i });
  assert.equal(belt.requests.length, 10);
  await sleep(300); // a request sent alongside would have reached the node by now
  assert.equal(node.requests.length, 0);
  await p.onClose();
});

test('per-endpoint breakers: a failing endpoint is skipped after three failures, then probed once', async (tc) => {
  // The breakers' clock is the test's: the open period passes when the test says, not when a loaded
  // machine gets round to the next call.
  tc.mock.timers.enable({ apis: ['Date'], now: Date.now() });
  const bad = await t(() => ({ status: 500 }));
  const good = await t(serving(1, { f: 1 }));
  const p = new GdnWebProvider({ ...base, breakerOpenMs: 400, hedgeMs: 1500,
    tiers: [{ name: 'bad', kind: 'gdn', urls: [bad.url] }, { name: 'good', kind: 'classic', urls: [good.url] }] });
  await p.initialize({});
  for (let i = 0; i < 5; i++) await p.onContextChange({}, { i });
  assert.equal(bad.requests.length, 3, 'skipped once open');
  assert.equal(good.requests.length, 6);
  assert.equal(p.gdnStatus().endpoints[0].breaker, 'open');
  tc.mock.timers.tick(399);
  await p.onContextChange({}, { a: 'still open' });
  assert.equal(bad.requests.length, 3, 'still skipped just before openMs');
  tc.mock.timers.tick(2);
  await p.onContextChange({}, { probe: 1 });
  assert.equal(bad.requests.length, 4, 'one probe after openMs');
  await p.onClose();
});

test('an open breaker defers its endpoint: when the rest of the chain hangs it is asked as a last resort, and its answer does not close the breaker', async () => {
  // The regional-blackhole drill's case: the node's breaker still open from a warm-up when classic is black-holed.
  const node = await t((_r, _b, n) => (n <= 3 ? { status: 500 } : serving(2, { on: true })()));
  const classic = await t((_r, _b, n) => (n <= 3 ? serving(1, { on: false })() : 'hang'));
  const p = new GdnWebProvider({ ...base, deadlineMs: 8000, timeoutMs: 20000, hedgeMs: 300, breakerOpenMs: 60000,
    tiers: [{ name: 'gdn', kind: 'gdn', urls: [node.url] }, { name: 'classic', kind: 'classic', urls: [classic.url] }] });
  await p.initialize({ targetingKey: 'u' });
  for (let i = 0; i < 2; i++) await p.onContextChange({}, { targetingKey: 'u', i });
  assert.equal(p.gdnStatus().endpoints[0].breaker, 'open');
  const t0 = Date.now();
  await p.onContextChange({}, { targetingKey: 'u', blackhole: 1 });
  const took = Date.now() - t0;
  assert.equal(p.gdnStatus().tier, 'gdn', 'the deferred node answered');
  assert.ok(took >= 290, `not before classic's hedge delay: ${took} ms`);
  assert.ok(took < 4000, `not at the 8 s deadline: ${took} ms`);
  assert.equal(node.requests.length, 4);
  assert.equal(p.gdnStatus().endpoints[0].breaker, 'open', 'a last resort\'s answer does not close its breaker');
  await p.onClose();
});

test('deferred endpoints are asked in chain order, the next at a failure or after a hedge delay, not all at once', async () => {
  const asked = [];
  const t0 = Date.now();
  const noted = (name, f) => (r, b, n) => {
    if (n > 3) asked.push([name, Date.now() - t0]);
    return f(n);
  };
  // q and r fail their first three requests (their breakers open) while p answers; then p fails fast,
  // q hangs and r answers.
  const q = await t(noted('q', (n) => (n <= 3 ? { status: 500 } : 'hang')));
  const r = await t(noted('r', (n) => (n <= 3 ? { status: 500 } : serving(2, { on: true })())));
  const pp = await t(noted('p', (n) => (n <= 3 ? serving(1, { on: false })() : { status: 500 })));
  const p = new GdnWebProvider({ ...base, deadlineMs: 8000, timeoutMs: 20000, hedgeMs: 400, breakerOpenMs: 60000,
    tiers: [{ name: 'q', kind: 'gdn', urls: [q.url] }, { name: 'r', kind: 'gdn', urls: [r.url] }, { name: 'p', kind: 'classic', urls: [pp.url] }] });
  await p.initialize({});
  for (let i = 0; i < 2; i++) await p.onContextChange({}, { i });
  assert.deepEqual(p.gdnStatus().endpoints.map((e) => e.breaker), ['open', 'open', 'closed']);
  const t1 = Date.now();
  await p.onContextChange({}, { last: 1 });
  const took = Date.now() - t1;
  assert.equal(p.gdnStatus().tier, 'r');
  assert.deepEqual(asked.map(([n]) => n), ['p', 'q', 'r'], 'p failed, then q alone, then r at q\'s hedge delay');
  assert.ok(took >= 390, `r only after q's hedge delay: ${took} ms`);
  assert.ok(took < 4000, `not at the deadline: ${took} ms`);
  await p.onClose();
});

test('Retry-After: a 429 endpoint is left alone for that long', async (tc) => {
  tc.mock.timers.enable({ apis: ['Date'], now: Date.now() }); // Retry-After runs on the test's clock
  const limited = await t(() => ({ status: 429, headers: { 'Retry-After': '1' }, body: '{"errorDetails":"slow down"}' }));
  const other = await t(serving(1, { f: 1 }));
  const p = new GdnWebProvider({ ...base, tiers: [{ name: 'l', kind: 'gdn', urls: [limited.url] }, { name: 'o', kind: 'classic', urls: [other.url] }] });
  await p.initialize({});
  await p.onContextChange({}, { a: 1 });
  await p.onContextChange({}, { a: 2 });
  assert.equal(limited.requests.length, 1);
  tc.mock.timers.tick(999);
  await p.onContextChange({}, { a: 3 });
  assert.equal(limited.requests.length, 1, 'still left alone just before Retry-After');
  tc.mock.timers.tick(2);
  await p.onContextChange({}, { a: 4 });
  assert.equal(limited.requests.length, 2);
  await p.onClose();
});

test('401 and 403 are fatal: PROVIDER_FATAL at once, no other tier asked, no retries', async () => {
  const refusing = await t(() => ({ status: 401, body: '{"errorDetails":"unknown API key"}' }));
  const next = await t(serving(1, { f: 1 }));
  OpenFeature.setProvider('fatal', new GdnWebProvider({ ...base,
    tiers: [{ name: 'gdn', kind: 'gdn', urls: [refusing.url] }, { name: 'classic', kind: 'classic', urls: [next.url] }] }));
  await until('FATAL', () => OpenFeature.getClient('fatal').providerStatus === 'FATAL');
  const d = OpenFeature.getClient('fatal').getBooleanDetails('f', false);
  assert.equal(d.value, false);
  assert.equal(d.errorCode, 'PROVIDER_FATAL');
  await sleep(1500);
  assert.equal(refusing.requests.length, 1, 'no retry storm');
  assert.equal(next.requests.length, 0, 'a refused key is not an outage: no failover');
  await OpenFeature.clearProviders();
});

test('the overall deadline bounds a refresh when every tier hangs', async () => {
  const hung = await t(() => 'hang');
  const p = new GdnWebProvider({ ...base, deadlineMs: 600, timeoutMs: 20000, hedgeMs: 100,
    tiers: [{ name: 'a', kind: 'gdn', urls: [hung.url, hung.url] }, { name: 'b', kind: 'classic', urls: [hung.url] }] });
  const t0 = Date.now();
  await assert.rejects(p.initialize({}), /within 600 ms/);
  const took = Date.now() - t0;
  assert.ok(took >= 550, `not before the deadline: took ${took} ms`);
  assert.ok(took < 5000, `at the deadline, not the tiers' timeout (20 s): took ${took} ms`);
  assert.equal(p.resolveBooleanEvaluation('x', true).errorCode, 'PROVIDER_NOT_READY');
  await p.onClose();
});

test('never backwards: a lagging tier with an older version is passed over for the next', async () => {
  let version = 6;
  const node = await t(() => ({ headers: { 'GDN-Ruleset-Version': String(version) }, body: serving(version, { v: version })().body }));
  let cdnUp = false;
  const laggingCdn = await t(() => (cdnUp ? serving(4, { v: 4 })() : { status: 502 }));
  const p = new GdnWebProvider({ ...base, tiers: [{ name: 'cdn', kind: 'cdn', urls: [laggingCdn.url] }, { name: 'node', kind: 'gdn', urls: [node.url] }] });
  await p.initialize({});
  assert.equal(p.resolveNumberEvaluation('v', 0).value, 6);
  cdnUp = true; // the CDN comes back with an old answer cached
  await p.onContextChange({}, { x: 1 });
  assert.equal(p.resolveNumberEvaluation('v', 0).value, 6, 'the CDN answered v4: passed over for the node');
  assert.equal(p.gdnStatus().tier, 'node');
  assert.equal(node.requests.at(-1).headers['gdn-ruleset-version'], '6', 'the node is asked for the pinned version');
  version = 5; // now every tier is behind the page: it keeps v6 and says it is stale
  await p.onContextChange({}, { x: 1 });
  assert.equal(p.resolveNumberEvaluation('v', 0).value, 6);
  assert.equal(p.gdnStatus().health, 'stale');
  await p.onClose();
});
