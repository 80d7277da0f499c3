/**
 * Real Chromium for the web tests (Debian's /usr/bin/chromium driven by playwright-core).
 * Tests skip with a message when it is absent; CI installs it.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM = process.env.MMSGW_CHROMIUM ?? '/usr/bin/chromium';
export const SKIP_BROWSER = existsSync(CHROMIUM) ? false : `Chromium not found at ${CHROMIUM} (apt-get install chromium, or set MMSGW_CHROMIUM)`;

export async function launch(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Where the tests write their screenshots (git-ignored; see docs/WEB.md). */
export const SCREENSHOTS = join(new URL('../..', import.meta.url).pathname, 'test-output', 'screenshots');

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

export interface Watch {
  readonly dialogs: string[];
  /** Requests for anything not served by the box. */
  readonly foreign: string[];
  readonly requests: string[];
}

/**
 * Records every dialog (and dismisses it) and every request of `page`; requests that would
 * leave the box are recorded and aborted, so a test can assert that none was attempted.
 */
export async function watch(page: Page, origin: string): Promise<Watch> {
  const w: Watch = { dialogs: [], foreign: [], requests: [] };
  page.on('dialog', (d) => {
    w.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss().catch(() => undefined);
  });
  await page.route('**/*', (route) => {
    const url = route.request().url();
    w.requests.push(url);
    if (url.startsWith(`${origin}/`) || url === origin) return route.continue();
    w.foreign.push(url);
    return route.abort();
  });
  return w;
}
