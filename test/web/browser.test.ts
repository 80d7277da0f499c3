import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { ThreadsRepo } from '../../src/store/index.js';
import { OWN_NUMBER, waitUntil, withE2e, type E2eEnv } from '../helpers/e2e.js';
import { launch, screenshot, SKIP_BROWSER, watch } from './browser.js';
import { fixture, jpeg, serve, XSS } from './fixture.js';

/**
 * The web interface in a real Chromium, on the assembled gateway with the modem and MMSC
 * simulators: live arrival of an MMS, compose with an upload through to the MMSC and its
 * delivery report, a hostile MMS rendered inert, and the login / CSRF / cross-site refusals.
 * Screenshots go to test-output/screenshots/.
 */

interface Img {
  complete: boolean;
  naturalWidth: number;
  naturalHeight: number;
}

const web = { configure: (c: Parameters<NonNullable<Parameters<typeof withE2e>[0]['configure']>>[0]) => ({ ...c, web: { enabled: true, host: '127.0.0.1', port: 0 } }) };

function threadOf(env: E2eEnv, msgId: number): number {
  const t = new ThreadsRepo(env.gateway.store.db, [OWN_NUMBER]);
  t.catchUp();
  const id = t.threadOf(msgId);
  assert.ok(id !== undefined, `message ${msgId} has a conversation`);
  return id;
}

/** The newest inbound message from `from` once it is relayed (parts stored). */
async function relayedFrom(env: E2eEnv, from: string, after = 0): Promise<number> {
  return waitUntil(
    () => env.gateway.store.messages.list({ direction: 'in', address: from, limit: 5 }).find((m) => m.id > after && m.state === 'relayed')?.id,
    20_000,
    `an MMS from ${from} relayed`,
  );
}

test('web interface in Chromium', { skip: SKIP_BROWSER, timeout: 180_000 }, async (t) => {
  const browser: Browser = await launch();
  try {
    await withE2e({ reportDelayMs: 300, ...web }, async (env) => {
      const url = env.gateway.webUrl;
      assert.ok(url, 'the gateway serves the web interface');

      await t.test('an MMS injected at the simulated modem appears in the open conversation without reload, with its image', async () => {
        const from = '+15550300001';
        await env.mmscSim.submitFromHandset({ from, to: OWN_NUMBER, parts: [{ contentType: 'text/plain', text: 'first message', name: 't.txt' }] });
        const first = await relayedFrom(env, from);
        const page = await browser.newPage();
        const w = await watch(page, url);
        let navigations = 0;
        page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations++; });
        await page.goto(`${url}/c/${threadOf(env, first)}`);
        await page.waitForSelector('#live-status:has-text("live")', { timeout: 10_000 });
        const before = navigations;
        const photo = await jpeg(200, 150, 90);
        await env.mmscSim.submitFromHandset({
          from,
          to: OWN_NUMBER,
          subject: 'live photo',
          parts: [
            { contentType: 'application/smil', text: '<smil><body><par><img src="p.jpg"/><text src="c.txt"/></par></body></smil>', name: 'smil.xml', contentId: '<smil>' },
            { contentType: 'image/jpeg', body: photo, name: 'p.jpg' },
            { contentType: 'text/plain', text: 'arrived while you watched', name: 'c.txt' },
          ],
        });
        const bubble = page.locator('li.bubble', { hasText: 'arrived while you watched' });
        await bubble.waitFor({ timeout: 30_000 });
        const img = bubble.locator('img');
        await img.waitFor();
        await page.waitForFunction((el) => el !== null && (el as unknown as Img).complete && (el as unknown as Img).naturalWidth > 0, await img.elementHandle(), { timeout: 10_000 });
        const size = await img.evaluate((el) => [(el as unknown as Img).naturalWidth, (el as unknown as Img).naturalHeight]);
        assert.deepEqual(size, [200, 150], 'the browser decoded the image the handset sent');
        assert.equal(navigations, before, 'no reload');
        assert.deepEqual(w.dialogs, []);
        assert.deepEqual(w.foreign, []);
        await screenshot(page, 'conversation');
        await page.goto(url);
        await page.locator('#threads li', { hasText: '+1 555 030 0001' }).first().waitFor();
        await screenshot(page, 'conversations');
        await page.close();
      });

      await t.test('compose an MMS with an uploaded JPEG: it reaches the MMSC and its delivery report comes back', async () => {
        const to = '+15550300002';
        const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
        const w = await watch(page, url);
        await page.goto(`${url}/compose?to=${encodeURIComponent(to)}`);
        await page.fill('textarea[name=text]', 'Photo from the web form');
        await page.fill('input[name=subject]', 'web compose');
        const upload = await jpeg(1600, 1200, 30);
        await page.setInputFiles('input[type=file]', { name: 'holiday.jpg', mimeType: 'image/jpeg', buffer: upload });
        await page.waitForSelector('#estimate:has-text("MMS: about")');
        const estimate = await page.textContent('#estimate');
        assert.match(estimate ?? '', /MMS: about \d+ KB of 1024 KB/);
        await screenshot(page, 'compose');
        // Preview: the picture as it will be sent (scaled by the same composition as mail), then send it.
        await Promise.all([page.waitForURL(/\/compose\/preview/), page.click('button:has-text("Preview")')]);
        const adapted = page.locator('.bubble img');
        await page.waitForFunction((el) => el !== null && (el as unknown as Img).complete && (el as unknown as Img).naturalWidth > 0, await adapted.elementHandle(), { timeout: 10_000 });
        const shown = await adapted.evaluate((el) => [(el as unknown as Img).naturalWidth, (el as unknown as Img).naturalHeight]);
        assert.ok(shown[0]! <= 1280 && shown[0]! / shown[1]! > 1.3 && shown[0]! / shown[1]! < 1.4, `preview ${shown.join('x')}: scaled, aspect kept`);
        assert.match((await page.textContent('main')) ?? '', /MMS to \+1 555 030 0002/);
        await screenshot(page, 'preview');
        await Promise.all([page.waitForURL(/\/c\/\d+$/), page.click('form[action$="/send"] button')]);
        const sent = await waitUntil(() => env.mmscSim.sent().find((s) => s.pdu.subject === 'web compose'), 30_000, 'the m-send-req at the MMSC');
        const image = sent.pdu.parts.find((p) => p.contentType === 'image/jpeg');
        assert.ok(image, 'the MMS carries a JPEG');
        // libvips (sharp) decodes what the MMSC received: a real JPEG, scaled to the configured maximum side.
        const meta = await sharp(Buffer.from(image.body)).metadata();
        assert.equal(meta.format, 'jpeg');
        assert.ok((meta.width ?? 0) <= 1280 && (meta.width ?? 0) >= 640, `scaled width ${meta.width}`);
        assert.ok(sent.pdu.to.some((a) => a.value === to), `sent to ${JSON.stringify(sent.pdu.to)}`);
        const bubble = page.locator('li.bubble.out', { hasText: 'Photo from the web form' });
        await bubble.waitFor();
        await page.waitForSelector('li.bubble.out[data-state="delivered"]', { timeout: 30_000 });
        assert.deepEqual(w.dialogs, []);
        assert.deepEqual(w.foreign, []);
        await screenshot(page, 'delivered');
        await page.close();
      });

      await t.test('a hostile MMS renders inert: no dialog, no script, no request leaves the page', async () => {
        const from = '+15550300666';
        await env.mmscSim.submitFromHandset({
          from,
          to: OWN_NUMBER,
          subject: XSS.subject,
          parts: [
            { contentType: 'application/smil', text: XSS.smil, name: 'smil.xml', contentId: '<smil>' },
            { contentType: 'image/svg+xml', text: XSS.svg, name: XSS.svgName, contentId: '<svg>' },
            { contentType: 'text/plain', text: XSS.text, name: 'txt.txt', contentId: '<txt>' },
            { contentType: 'text/html', text: XSS.html, name: 'h.html', contentId: '<html>' },
            { contentType: 'image/jpeg', body: await jpeg(40, 40, 10), name: XSS.filename, contentId: '<pic>' },
          ],
        });
        const id = await relayedFrom(env, from);
        const page = await browser.newPage();
        const w = await watch(page, url);
        for (const path of [`/c/${threadOf(env, id)}`, `/m/${id}`, '/', `/?q=${encodeURIComponent('<script>')}`]) {
          await page.goto(`${url}${path}`);
          await page.waitForLoadState('load');
          assert.equal(await page.evaluate(() => (globalThis as unknown as { __pwned?: unknown }).__pwned), undefined, `${path}: nothing ran`);
        }
        await page.goto(`${url}/m/${id}`);
        assert.equal(await page.locator('svg[onload], script:not([src]), iframe, img[src^="http"], a[href^="javascript:"]').count(), 0);
        assert.equal(await page.locator('img[src*="/media/"]').count(), 1, 'only the JPEG is shown inline; the SVG is a download');
        const text = await page.textContent('main');
        assert.ok(text?.includes('<script>window.__pwned=1;alert(1)</script>'), 'the text part is shown as text');
        await screenshot(page, 'hostile');
        // Even opened directly, the SVG is a download with a sandbox CSP, never a document that runs.
        const svgHref = await page.locator('a.attachment', { hasText: '.svg' }).first().getAttribute('href');
        assert.ok(svgHref);
        const res = await page.request.get(`${url}${svgHref}`);
        assert.equal(res.headers()['content-type'], 'application/octet-stream');
        assert.match(res.headers()['content-disposition'] ?? '', /^attachment;/);
        assert.deepEqual(w.dialogs, []);
        assert.deepEqual(w.foreign, [], 'no request left the box');
        await page.close();
      });

      await t.test('health, queue and settings pages render', async () => {
        const page = await browser.newPage();
        const w = await watch(page, url);
        for (const [path, name, needle] of [['/health', 'health', 'Signal, last 24 h'], ['/queue', 'queue', 'Queue'], ['/settings', 'settings', '(redacted)']] as const) {
          await page.goto(`${url}${path}`);
          assert.ok((await page.textContent('main'))?.includes(needle), `${path} shows ${needle}`);
          if (path === '/health') {
            // The gateway samples the simulated modem's signal a few seconds after start; the chart draws it.
            assert.equal(await page.locator('svg.chart').count(), 1, 'the signal chart');
            assert.equal(await page.locator('svg.chart polyline').count(), 1, 'a sampled signal line');
          }
          await screenshot(page, name);
        }
        assert.deepEqual(w.foreign, []);
        await page.close();
      });
    });

    await t.test('exposed with a password: login required; CSRF and cross-site forms refused', async () => {
      const f = await fixture();
      const s = await serve(f, { username: 'admin', password: 'sesame-open' });
      let evil: Server | undefined;
      try {
        const context = await browser.newContext();
        const page = await context.newPage();
        await watch(page, s.url);
        await page.goto(`${s.url}/settings`);
        assert.match(page.url(), /\/login\?next=%2Fsettings$/);
        await screenshot(page, 'login');
        await page.fill('input[name=username]', 'admin');
        await page.fill('input[name=password]', 'wrong password');
        await page.click('button[type=submit]');
        assert.ok((await page.textContent('main'))?.includes('Wrong user or password'));
        await page.fill('input[name=username]', 'admin');
        await page.fill('input[name=password]', 'sesame-open');
        await Promise.all([page.waitForURL(/\/settings$/), page.click('button[type=submit]')]);
        const cookies = await page.context().cookies();
        const session = cookies.find((c) => c.name === 'mmsgw_session');
        assert.ok(session?.httpOnly && session.sameSite === 'Strict', JSON.stringify(session));

        // A tampered CSRF token: the form is refused.
        await page.goto(`${s.url}/queue`);
        await page.evaluate(() => {
          const doc = (globalThis as unknown as { document: { querySelector(s: string): { value: string } | null } }).document;
          const i = doc.querySelector('form[action="/logout"] input[name=_csrf]');
          if (i) i.value = 'forged';
        });
        const [refused] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/logout')), page.click('form[action="/logout"] button')]);
        assert.equal(refused.status(), 403);

        // Another site (localhost ≠ 127.0.0.1) posts a form to the box in the logged-in browser.
        evil = createServer((_req, res) => {
          res.setHeader('content-type', 'text/html');
          res.end(`<form id=f method=post action="${s.url}/logout"><input name=_csrf value=x></form><script>document.getElementById('f').submit()</script>`);
        });
        await new Promise<void>((r) => evil?.listen(0, '127.0.0.1', () => r()));
        const evilUrl = `http://localhost:${(evil.address() as AddressInfo).port}/`;
        const other = await context.newPage();
        const [xs] = await Promise.all([other.waitForResponse((r) => r.url() === `${s.url}/logout`), other.goto(evilUrl)]);
        assert.ok(xs.status() === 403 || xs.status() === 401, `cross-site post answered ${xs.status()}`);
        // Still logged in: the forged logout changed nothing.
        await page.goto(`${s.url}/settings`);
        assert.match(page.url(), /\/settings$/);
        await context.close();
      } finally {
        evil?.close();
        await s.close();
        f.close();
      }
    });
  } finally {
    await browser.close();
  }
});

export type { Page };
