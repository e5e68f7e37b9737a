// Opens a page in Debian's Chromium (never a downloaded browser) through playwright-core, waits for
// window.__results, and prints {results, console, network} as one JSON line on stdout.
// Exit codes: 0 results printed; 1 the page failed (no results in time, crash, fatal error in page).
// The browser console and page errors also go to stderr.
// Usage: node run.mjs <pageUrl> [timeoutMillis]
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const url = process.argv[2];
const timeout = Number(process.argv[3] ?? 30000);
if (!url) {
  console.error('usage: node run.mjs <pageUrl> [timeoutMillis]');
  process.exit(2);
}
const executablePath = process.env.GDN_CHROMIUM ?? '/usr/bin/chromium';
const userDataDir = mkdtempSync(join(tmpdir(), 'gdn-chromium-'));
const consoleLines = [];
const network = [];
let context;
let code = 1;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
    timeout,
  });
  const page = context.pages()[0] ?? await context.newPage();
  page.on('console', (m) => {
    const line = `[console.${m.type()}] ${m.text()}`;
    consoleLines.push(line);
    console.error(line);
  });
  page.on('pageerror', (e) => {
    const line = `[pageerror] ${e.message}`;
    consoleLines.push(line);
    console.error(line);
  });
  // Every response from another origin than the page's, with the If-None-Match the page sent.
  const pageOrigin = new URL(url).origin;
  page.on('response', async (r) => {
    const req = r.request();
    if (new URL(req.url()).origin === pageOrigin) return;
    const headers = await req.allHeaders().catch(() => ({}));
    network.push({ method: req.method(), url: req.url(), status: r.status(), ifNoneMatch: headers['if-none-match'] ?? null });
  });
  page.on('requestfailed', (r) => console.error(`[requestfailed] ${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
  await page.goto(url, { timeout });
  await page.waitForFunction(() => window.__results !== undefined, null, { timeout });
  const results = await page.evaluate(() => window.__results);
  process.stdout.write(JSON.stringify({ results, console: consoleLines, network }) + '\n');
  if (results && results.fatal) {
    console.error(`run.mjs: the page failed: ${results.fatal}`);
  } else {
    code = 0;
  }
} catch (e) {
  console.error(`run.mjs: ${e && e.stack ? e.stack : e}`);
} finally {
  if (context) await context.close().catch(() => {});
  rmSync(userDataDir, { recursive: true, force: true });
}
process.exit(code);
