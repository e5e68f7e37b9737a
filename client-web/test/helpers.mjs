// Test tiers: real HTTP servers on 127.0.0.1 whose answers each test scripts, an in-memory Storage,
// and a scriptable EventSource (Node has none; the real one is exercised in Chromium).
import { createServer } from 'node:http';

export const KEY = 'gdn_client_test';

/** An OFREP bulk body as a GDN server writes it. */
export function bulk(version, flags, streams) {
  const body = { flags: Object.entries(flags).map(([key, value]) => ({ key, value, reason: 'STATIC', variant: String(value) })) };
  if (streams !== undefined) body.eventStreams = streams;
  body.metadata = { rulesetVersion: version };
  return JSON.stringify(body);
}

/**
 * A tier: `answer(req, body)` returns {status, headers, body}, or 'hang' to never answer, or a promise
 * of either (an answer the test releases when it chooses). Every request is recorded (method, url,
 * headers).
 */
export async function tier(answer) {
  const requests = [];
  const sockets = new Set();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', async () => {
      requests.push({ method: req.method, url: req.url, headers: req.headers, body });
      const a = await answer(req, body, requests.length);
      if (a === 'hang' || res.destroyed) return;
      res.writeHead(a.status ?? 200, { 'Content-Type': 'application/json', ...a.headers });
      res.end(a.body ?? '');
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url, requests,
    close: () => new Promise((r) => {
      for (const s of sockets) s.destroy();
      server.close(r);
    }),
  };
}

/** A port nothing listens on. */
export async function deadUrl() {
  const t = await tier(() => ({}));
  await t.close();
  return t.url;
}

/** answers with a version and flags, honouring nothing else */
export function serving(version, flags, streams) {
  return () => ({ headers: { 'GDN-Ruleset-Version': String(version), ETag: `"e${version}"` }, body: bulk(version, flags, streams) });
}

export class MemoryStorage {
  map = new Map();
  getItem(k) { return this.map.has(k) ? this.map.get(k) : null; }
  setItem(k, v) { this.map.set(k, String(v)); }
  removeItem(k) { this.map.delete(k); }
}

/** EventSource stand-in: records every instance; tests drive open/message/error. */
export class FakeEventSource {
  static all = [];
  readyState = 0;
  constructor(url) {
    this.url = url;
    FakeEventSource.all.push(this);
  }
  open() { this.readyState = 1; this.onopen?.({}); }
  message(data) { this.onmessage?.({ data: JSON.stringify(data) }); }
  error() { this.readyState = 0; this.onerror?.({}); }
  close() { this.readyState = 2; this.closed = true; }
  static reset() { FakeEventSource.all = []; }
  static last() { return FakeEventSource.all[FakeEventSource.all.length - 1]; }
}

/** A document whose visibility the test sets. */
export class FakeDocument {
  visibilityState = 'visible';
  listeners = new Set();
  addEventListener(_t, f) { this.listeners.add(f); }
  removeEventListener(_t, f) { this.listeners.delete(f); }
  set(state) { this.visibilityState = state; for (const f of this.listeners) f(); }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Whether the promise settles (resolved) within ms; its timer never outlives it. */
export async function resolvesWithin(promise, ms) {
  let timer;
  const late = new Promise((r) => (timer = setTimeout(() => r(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits for a condition. The budget is generous: these tests run on loaded machines, where a timer or
 * an answer may come a second late; a condition that never comes still fails the test.
 */
export async function until(what, cond, ms = 20000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Collects provider events by type. */
export function recorder(provider) {
  const seen = [];
  for (const t of ['PROVIDER_READY', 'PROVIDER_ERROR', 'PROVIDER_STALE', 'PROVIDER_CONFIGURATION_CHANGED']) {
    provider.events.addHandler(t, (d) => seen.push({ type: t, ...d }));
  }
  return seen;
}
