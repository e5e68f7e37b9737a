// Builds the package: tsc checks the types and writes the .d.ts files, esbuild writes one minified
// ES module (the peer dependency @openfeature/web-sdk stays an import). Reports the size, min and
// gzip, in dist/size.json, and fails above the budget (10 KB gzip).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET = 10 * 1024;
const here = dirname(fileURLToPath(import.meta.url));
rmSync(join(here, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [join(here, 'node_modules/typescript/bin/tsc'), '-p', here], { stdio: 'inherit' });
await build({
  entryPoints: [join(here, 'src/index.ts')],
  outfile: join(here, 'dist/index.js'),
  bundle: true,
  format: 'esm',
  target: 'es2020',
  platform: 'browser',
  minify: true,
  external: ['@openfeature/web-sdk'],
  legalComments: 'none',
  logLevel: 'warning',
});
const js = readFileSync(join(here, 'dist/index.js'));
const size = { minBytes: js.length, gzipBytes: gzipSync(js, { level: 9 }).length, budgetGzipBytes: BUDGET };
writeFileSync(join(here, 'dist/size.json'), JSON.stringify(size) + '\n');
console.log(`client-web: dist/index.js ${size.minBytes} B minified, ${size.gzipBytes} B gzip (budget ${BUDGET} B)`);
if (size.gzipBytes > BUDGET) {
  console.error(`client-web: the bundle is over its budget by ${size.gzipBytes - BUDGET} B gzip`);
  process.exit(1);
}
