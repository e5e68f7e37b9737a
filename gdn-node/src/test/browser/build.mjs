// Bundles page.js (with the OpenFeature packages) into one self-contained static HTML page.
// Usage: node build.mjs <out.html>
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const out = process.argv[2];
if (!out) {
  console.error('usage: node build.mjs <out.html>');
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const result = await build({
  entryPoints: [join(here, 'page.js')],
  bundle: true,
  format: 'iife',
  target: 'es2020',
  platform: 'browser',
  write: false,
  logLevel: 'warning',
});
// "</script" cannot appear inside an inline script; escape it should a dependency contain it.
const js = result.outputFiles[0].text.replace(/<\/script/gi, '<\\/script');
writeFileSync(out, `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>GDN browser test</title></head>
<body><h1>GDN flags via OFREP</h1><pre id="results">running…</pre>
<script>${js}</script></body></html>
`);
