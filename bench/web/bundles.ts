// JavaScript each main page ships: every script the browser loads for a cold visit
// (no cache), gzipped here at level 9 as a server would send it, summed per page.
import { gzipSync } from 'node:zlib';
import type { Browser } from './lib';

export const BUNDLE_TARGET_KB = 300;

export async function benchBundles(
  browser: Browser,
  baseUrl: string,
  token: string,
  tenant: string,
  pages: { name: string; path: string; ready: string }[],
) {
  const rows: { name: string; files: number; rawKb: number; gzipKb: number }[] = [];
  const shared = new Map<string, number>();
  for (const entry of pages) {
    const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1440, height: 900 } });
    await context.addInitScript(
      ([t, n]) => {
        window.localStorage.setItem('cyclone.token', t as string);
        window.localStorage.setItem('cyclone.tenant', n as string);
      },
      [token, tenant],
    );
    const page = await context.newPage();
    const scripts = new Map<string, Promise<Buffer | null>>();
    page.on('response', (response) => {
      if (response.request().resourceType() !== 'script') return;
      scripts.set(
        response.url(),
        response.body().catch(() => null),
      );
    });
    await page.goto(entry.path);
    await page.locator(entry.ready).first().waitFor({ timeout: 60_000 });
    await page.waitForLoadState('networkidle');
    let raw = 0;
    let gzip = 0;
    for (const [url, body] of scripts) {
      const bytes = await body;
      if (!bytes) continue;
      const size = gzipSync(bytes, { level: 9 }).length;
      raw += bytes.length;
      gzip += size;
      shared.set(url, (shared.get(url) ?? 0) + 1);
    }
    rows.push({ name: entry.name, files: scripts.size, rawKb: raw / 1024, gzipKb: gzip / 1024 });
    await context.close();
  }
  console.log('\n== JavaScript per page (cold load, all scripts the page loads) ==');
  console.log(
    `${'page'.padEnd(28)} ${'files'.padStart(5)} ${'raw kB'.padStart(8)} ${'gzip kB'.padStart(8)}  target ≤ ${BUNDLE_TARGET_KB} kB`,
  );
  for (const row of rows) {
    console.log(
      `${row.name.padEnd(28)} ${String(row.files).padStart(5)} ${row.rawKb.toFixed(0).padStart(8)} ${row.gzipKb
        .toFixed(0)
        .padStart(8)}  ${row.gzipKb <= BUNDLE_TARGET_KB ? 'meets' : 'MISSES'}`,
    );
  }
  return rows;
}
