// Bundles page.js (the built client-web and the OpenFeature web SDK) into one static HTML page.
// Usage: node build-page.mjs <out.html>   (after `npm run build` made dist/)
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const out = process.argv[2];
if (!out) {
  console.error('usage: node build-page.mjs <out.html>');
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const result = await build({
  entryPoints: [join(here, 'page.js')], bundle: true, format: 'iife', target: 'es2020', platform: 'browser', write: false,
  logLevel: 'warning',
});
const js = result.outputFiles[0].text.replace(/<\/script/gi, '<\\/script');
writeFileSync(out, `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>client-web browser test</title></head>
<body><pre id="out">loading…</pre><script>${js}</script></body></html>
`);
