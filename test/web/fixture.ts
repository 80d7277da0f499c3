/**
 * A store with a few conversations for the web tests: real SQLite file, real blob files, a
 * real JPEG made by sharp, and a hostile MMS whose every field tries to run script or load
 * something from elsewhere.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { openStore, type Store } from '../../src/store/index.js';
import { startWebServer, type WebOptions, type WebPlugin, type WebServer } from '../../src/web/server.js';
import type { OutboundRequest, WebServices } from '../../src/web/services.js';

export const OWN = '+15550100001';
export const FRIEND = '+15550200001';
export const HOSTILE = '+15550666666';

/** A small real JPEG (a coloured gradient), `w`×`h`. */
export async function jpeg(w = 64, h = 48, hue = 0): Promise<Buffer> {
  const raw = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      raw[i] = (x * 4 + hue) & 255;
      raw[i + 1] = (y * 5) & 255;
      raw[i + 2] = (128 + hue) & 255;
    }
  }
  return sharp(raw, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 80 }).toBuffer();
}

const enc = (s: string): Buffer => Buffer.from(s, 'utf8');

/** Payloads that would call window.__pwned (or alert) or fetch evil.example if anything ran. */
export const XSS = {
  text: `<script>window.__pwned=1;alert(1)</script><img src=x onerror="window.__pwned=2"> javascript:alert(3)`,
  html: `<html><body><script>window.__pwned=3</script><p onclick="window.__pwned=4">Hello <b>bold</b></p><img src="http://evil.example/track.gif"><a href="javascript:window.__pwned=5">click</a><iframe src="http://evil.example/"></iframe></body></html>`,
  smil: `<smil><head><script>window.__pwned=6</script></head><body><par dur="5s"><img src="cid:svg"/><text src="cid:txt"/></par><par><img src="javascript:window.__pwned=7"/><a href="http://evil.example/">x</a></par><par><img src="cid:pic"/><text src="cid:html"/></par></body></smil>`,
  svg: `<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned=8"><script>window.__pwned=9</script><image href="http://evil.example/x.png"/></svg>`,
  subject: `<script>window.__pwned=10</script>Subject`,
  filename: `"><img src=x onerror="window.__pwned=11">.jpg`,
  svgName: `<svg onload="window.__pwned=12">.svg`,
};

export interface Fixture {
  readonly dir: string;
  readonly store: Store;
  readonly ids: { sms: number; mms: number; hostile: number };
  readonly parts: { jpeg: number; svg: number; html: number; hostileJpeg: number };
  close(): void;
}

export async function fixture(): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-web-'));
  const store = openStore({ stateDir: dir });
  const t0 = Date.UTC(2026, 11, 1, 10, 0, 0);
  const sms = store.messages.insert({ direction: 'in', kind: 'sms', state: 'relayed', from: FRIEND, to: [OWN], date: t0, at: t0 });
  await store.saveParts(sms.id, [{ contentType: 'text/plain', charset: 'utf-8', body: enc('Hello from a friend') }]);
  const pic = await jpeg(320, 240, 40);
  const mms = store.messages.insert({ direction: 'in', kind: 'mms', state: 'relayed', from: FRIEND, to: [OWN], subject: 'Holiday', date: t0 + 60_000, at: t0 + 60_000 });
  await store.saveParts(mms.id, [
    { contentType: 'application/smil', contentId: '<smil>', body: enc('<smil><body><par><img src="pic.jpg"/><text src="t.txt"/></par></body></smil>') },
    { contentType: 'image/jpeg', contentLocation: 'pic.jpg', filename: 'pic.jpg', body: pic },
    { contentType: 'text/plain', charset: 'utf-8', contentLocation: 't.txt', body: enc('Look at this view!') },
  ]);
  const hostile = store.messages.insert({ direction: 'in', kind: 'mms', state: 'relayed', from: HOSTILE, to: [OWN], subject: XSS.subject, date: t0 + 120_000, at: t0 + 120_000 });
  const hostileParts = await store.saveParts(hostile.id, [
    { contentType: 'application/smil', contentId: '<smil>', body: enc(XSS.smil) },
    { contentType: 'image/svg+xml', contentId: '<svg>', filename: XSS.svgName, body: enc(XSS.svg) },
    { contentType: 'text/plain', charset: 'utf-8', contentId: '<txt>', body: enc(XSS.text) },
    { contentType: 'text/html', charset: 'utf-8', contentId: '<html>', body: enc(XSS.html) },
    { contentType: 'image/jpeg', contentId: '<pic>', filename: XSS.filename, body: await jpeg(32, 32, 200) },
  ]);
  const mmsParts = store.content.parts(mms.id);
  const find = (rows: typeof hostileParts, type: string): number => rows.find((p) => p.contentType === type)?.id ?? -1;
  return {
    dir,
    store,
    ids: { sms: sms.id, mms: mms.id, hostile: hostile.id },
    parts: { jpeg: find(mmsParts, 'image/jpeg'), svg: find(hostileParts, 'image/svg+xml'), html: find(hostileParts, 'text/html'), hostileJpeg: find(hostileParts, 'image/jpeg') },
    close() {
      store.close();
      if (!process.env.MMSGW_KEEP_TEST_DIRS) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Services over the fixture's store; `send` records what it was asked. */
export function services(store: Store, sent: OutboundRequest[] = []): WebServices {
  return {
    store,
    box: { ownNumbers: [OWN], region: 'US', timeZone: 'UTC', mmsMaxBytes: 300 * 1024, maxSmsParts: 4 },
    modemStatus: () => undefined,
    async send(req) {
      sent.push(req);
      return { ok: false, code: 'empty', field: 'text', reason: 'not in this test' };
    },
    settings: () => ({ web: { password: '(redacted)' } }),
  };
}

export async function serve(f: Fixture, o: Partial<WebOptions> = {}, plugins: WebPlugin[] = []): Promise<WebServer> {
  return startWebServer({ host: '127.0.0.1', port: 0, ...o }, services(f.store), plugins);
}
