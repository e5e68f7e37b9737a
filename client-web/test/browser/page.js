// The browser test page: the built client-web provider with the OpenFeature web SDK. Its
// configuration comes in location.hash as base64url JSON: {clientKey, tiers, context, flags, options}.
// window.gdn.snapshot() tells the test what the page shows; window.gdn.setContext() changes the context.
import { OpenFeature } from '@openfeature/web-sdk';
import { GdnWebProvider } from '../../dist/index.js';

const spec = JSON.parse(atob(location.hash.slice(1).replace(/-/g, '+').replace(/_/g, '/')));
const events = [];
const provider = new GdnWebProvider({ clientKey: spec.clientKey, tiers: spec.tiers, ...spec.options });
for (const t of ['PROVIDER_READY', 'PROVIDER_ERROR', 'PROVIDER_STALE', 'PROVIDER_CONFIGURATION_CHANGED']) {
  OpenFeature.addHandler(t, (d) => events.push({ type: t, at: performance.now(), flagsChanged: d?.flagsChanged, message: d?.message }));
}
const client = OpenFeature.getClient();
const started = performance.now();
let readyAt;
OpenFeature.setProviderAndWait(provider, spec.context).then(() => (readyAt = performance.now()), (e) => events.push({ type: 'INIT_FAILED', message: String(e) }));

function details() {
  const out = {};
  for (const f of spec.flags) {
    const d = f.type === 'boolean' ? client.getBooleanDetails(f.key, f.default)
      : f.type === 'string' ? client.getStringDetails(f.key, f.default)
        : f.type === 'number' ? client.getNumberDetails(f.key, f.default) : client.getObjectDetails(f.key, f.default);
    out[f.key] = { value: d.value, variant: d.variant ?? null, reason: d.reason, errorCode: d.errorCode ?? null };
  }
  return out;
}

window.gdn = {
  snapshot: () => ({ status: client.providerStatus, readyMs: readyAt === undefined ? null : readyAt - started, flags: details(),
    gdn: provider.gdnStatus(), events }),
  /** Changes the context and says how long the provider took to answer for it. */
  setContext: async (ctx) => {
    const t0 = performance.now();
    await OpenFeature.setContext(ctx);
    return performance.now() - t0;
  },
};
document.getElementById('out').textContent = 'loaded';
