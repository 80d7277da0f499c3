/**
 * Real Chromium (Debian's /usr/bin/chromium driven by playwright-core) for looking at a
 * rendered mail the way a mail client does: `cid:` references are resolved to the parts they
 * name, nothing else may load. Tests skip with a message when Chromium is absent.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';

export const CHROMIUM = process.env['MMSGW_CHROMIUM'] ?? '/usr/bin/chromium';
export const SKIP_BROWSER: string | false = existsSync(CHROMIUM) ? false : `Chromium not found at ${CHROMIUM} (apt-get install chromium, or set MMSGW_CHROMIUM)`;

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Where screenshots go (git-ignored). */
export const TEST_OUTPUT = join(new URL('../../..', import.meta.url).pathname, 'test-output', 'mail');

export function outputPath(name: string): string {
  mkdirSync(TEST_OUTPUT, { recursive: true });
  return join(TEST_OUTPUT, name);
}

/**
 * The HTML of a mail as a client displays it: each `cid:X` becomes a data: URL of the part
 * whose Content-ID is X, and the document's own policy gets `data:` beside `cid:` for images.
 */
export function resolveCids(html: string, parts: ReadonlyArray<{ cid?: string | undefined; contentType: string; content: Buffer }>): string {
  let out = html.replace(/img-src cid:/, 'img-src cid: data:');
  for (const p of parts) {
    if (p.cid === undefined) continue;
    out = out.split(`cid:${p.cid}`).join(`data:${p.contentType};base64,${p.content.toString('base64')}`);
  }
  return out;
}
