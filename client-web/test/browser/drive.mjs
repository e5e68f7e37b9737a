// Drives Debian's Chromium (never a downloaded browser) through playwright-core for the Java browser
// test: one JSON command per stdin line, one JSON result per stdout line. One persistent profile for
// the whole run, so localStorage survives reloads as in a real browser.
//   {"cmd":"goto","url":…}      load the page, wait for window.gdn
//   {"cmd":"snapshot"}          window.gdn.snapshot()
//   {"cmd":"setContext","context":{…}}   → {"ms": how long the provider took}
//   {"cmd":"waitFor","flag":k,"value":v,"timeoutMs":n}   → {"ok", "ms"} polling every 5 ms in the page
//   {"cmd":"reload"}            reload, wait for window.gdn
//   {"cmd":"quit"}
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const executablePath = process.env.GDN_CHROMIUM ?? '/usr/bin/chromium';
const userDataDir = mkdtempSync(join(tmpdir(), 'gdn-web-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath, headless: true, timeout: 60000,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-background-timer-throttling', '--disable-renderer-backgrounding'],
});
const page = context.pages()[0] ?? await context.newPage();
page.on('console', (m) => console.error(`[console.${m.type()}] ${m.text()}`));
page.on('pageerror', (e) => console.error(`[pageerror] ${e.message}`));

const reply = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const ready = () => page.waitForFunction(() => window.gdn !== undefined, null, { timeout: 30000 });

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const c = JSON.parse(line);
  try {
    if (c.cmd === 'goto') {
      await page.goto(c.url, { timeout: 30000 });
      await ready();
      reply({ ok: true });
    } else if (c.cmd === 'reload') {
      await page.reload({ timeout: 30000 });
      await ready();
      reply({ ok: true });
    } else if (c.cmd === 'snapshot') {
      reply(await page.evaluate(() => window.gdn.snapshot()));
    } else if (c.cmd === 'setContext') {
      reply({ ms: await page.evaluate((ctx) => window.gdn.setContext(ctx), c.context) });
    } else if (c.cmd === 'waitFor') {
      const ms = await page.evaluate(async ({ flag, value, timeoutMs }) => {
        const t0 = performance.now();
        while (performance.now() - t0 < timeoutMs) {
          if (JSON.stringify(window.gdn.snapshot().flags[flag]?.value) === JSON.stringify(value)) return performance.now() - t0;
          await new Promise((r) => setTimeout(r, 5));
        }
        return -1;
      }, c);
      reply({ ok: ms >= 0, ms });
    } else if (c.cmd === 'quit') {
      reply({ ok: true });
      break;
    } else {
      reply({ error: `unknown command ${c.cmd}` });
    }
  } catch (e) {
    reply({ error: String(e && e.stack ? e.stack : e) });
  }
}
await context.close().catch(() => {});
rmSync(userDataDir, { recursive: true, force: true });
process.exit(0);
