// The page under test: runs in Chromium on an origin other than the node's, evaluates flags through the
// official OpenFeature web SDK + OFREP web provider, then reads the GDN headers with a plain fetch.
// Its input is a base64url JSON spec in the URL fragment (#spec=...):
//   { baseUrl, key, context, nextContext?, flags: [{key, type: boolean|string|number|object, default}] }
// Its output is window.__results (also written, as JSON, into <pre id="results">).
import { OpenFeature, ProviderEvents } from '@openfeature/web-sdk';
import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';

function readSpec() {
  const m = /[#&]spec=([^&]+)/.exec(location.hash);
  if (!m) throw new Error('no #spec= in the page URL');
  const b64 = m[1].replace(/-/g, '+').replace(/_/g, '/');
  const bytes = Uint8Array.from(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

const getters = {
  boolean: (c, k, d) => c.getBooleanDetails(k, d),
  string: (c, k, d) => c.getStringDetails(k, d),
  number: (c, k, d) => c.getNumberDetails(k, d),
  object: (c, k, d) => c.getObjectDetails(k, d),
};

function evaluateAll(client, flags) {
  const out = {};
  for (const f of flags) {
    const d = getters[f.type](client, f.key, f.default);
    out[f.key] = { value: d.value, variant: d.variant ?? null, reason: d.reason ?? null, errorCode: d.errorCode ?? null };
  }
  return out;
}

function errorText(e) {
  if (!e) return null;
  const cause = e.cause ? ` (cause: ${errorText(e.cause)})` : '';
  return `${e.name || 'Error'}: ${e.message || e}${cause}`;
}

/** A plain cross-origin fetch of the bulk route: what a page's own code can read of the response. */
async function plainBulk(spec, context, etag) {
  const headers = { 'Content-Type': 'application/json', Authorization: `Bearer ${spec.key}` };
  if (etag) headers['If-None-Match'] = etag;
  try {
    const r = await fetch(`${spec.baseUrl}/ofrep/v1/evaluate/flags`, {
      method: 'POST', headers, body: JSON.stringify({ context }), cache: 'no-store',
    });
    const text = await r.text();
    return {
      status: r.status,
      etag: r.headers.get('ETag'),
      rulesetVersion: r.headers.get('GDN-Ruleset-Version'),
      servedBy: r.headers.get('GDN-Served-By'),
      body: text ? JSON.parse(text) : null,
      error: null,
    };
  } catch (e) {
    return { status: null, error: errorText(e) };
  }
}

async function main() {
  const spec = readSpec();
  const results = { origin: location.origin, providerEvents: [] };
  const provider = new OFREPWebProvider({
    baseUrl: spec.baseUrl,
    headers: [['Authorization', `Bearer ${spec.key}`]],
    cacheMode: 'disabled', // every run must hit the node: no localStorage answers
    disableVisibilityRefresh: true,
  });
  for (const ev of [ProviderEvents.Ready, ProviderEvents.Error, ProviderEvents.ConfigurationChanged, ProviderEvents.Stale]) {
    OpenFeature.addHandler(ev, (d) => results.providerEvents.push({ type: ev, message: d?.message ?? null }));
  }
  try {
    await OpenFeature.setProviderAndWait(provider, spec.context);
    results.initError = null;
  } catch (e) {
    results.initError = errorText(e);
  }
  const client = OpenFeature.getClient();
  results.providerStatus = client.providerStatus;
  results.evaluations = evaluateAll(client, spec.flags);

  if (spec.nextContext && !results.initError) {
    // Same targetingKey, other attributes: the provider revalidates with If-None-Match and the node
    // must answer afresh (SPEC §3: the ETag covers the whole context).
    await OpenFeature.setContext(spec.nextContext);
    results.afterContextChange = evaluateAll(client, spec.flags);
    // And back: the answers return to the first ones.
    await OpenFeature.setContext(spec.context);
    results.afterContextRestore = evaluateAll(client, spec.flags);
    // An equal context once more: the provider revalidates with If-None-Match, the node answers 304,
    // and the provider keeps its answers.
    await OpenFeature.setContext({ ...spec.context });
    results.afterSameContext = evaluateAll(client, spec.flags);
  }

  results.plain = await plainBulk(spec, spec.context, null);
  if (results.plain.etag) {
    results.plainRevalidated = await plainBulk(spec, spec.context, results.plain.etag);
  }
  await OpenFeature.close();
  return results;
}

main().then(
  (r) => { window.__results = r; },
  (e) => { window.__results = { fatal: errorText(e) }; },
).finally(() => {
  const pre = document.getElementById('results');
  if (pre) pre.textContent = JSON.stringify(window.__results);
});
