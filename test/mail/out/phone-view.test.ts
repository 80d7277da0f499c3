/**
 * The mail a business receives, looked at by independent readers: Python's email package for
 * the structure, headers and threading, and Chromium for the HTML view as a mail client shows
 * it (screenshots in test-output/mail/). MMS content is attacker-controlled, so a hostile
 * message is rendered too and must neither run script nor fetch anything.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { readAddressBook } from '../../../src/mail/out/from-config.js';
import { renderMail } from '../../../src/mail/out/render.js';
import type { RelayMessage, RenderConfig } from '../../../src/mail/out/types.js';
import { testImage } from '../../compose/images.js';
import { launchChromium, outputPath, resolveCids, SKIP_BROWSER } from './browser.js';
import { ALICE, BOB, BOX, mmsMessage, smsMessage } from './fixtures.js';
import { PythonMailParser, parseWithMailparser, sha256, type PyMail } from './harness.js';

const MAILBOX = 'office@company.example';
const CAP = 300;

describe('the mail as a phone shows the message', () => {
  const python = new PythonMailParser();
  let browser: Browser | undefined;
  let dir: string;
  let config: RenderConfig;
  let tallJpeg: Buffer;
  let widePng: Buffer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mmsgw-view-'));
    const book = join(dir, 'contacts.csv');
    // A phone's contact export: BOM, header row, quoted name with a comma and a quote.
    writeFileSync(book, `\ufeffNumber,Name\r\n"+49 151 12345678","Müller, Alice ""Ali"""\r\n0160 98765432,Bob <b>Bold</b>\r\n`);
    config = {
      addressDomain: 'sms.example',
      addressBook: readAddressBook(book),
      countryCode: '49',
      timeZone: 'Europe/Berlin',
      imageMaxHeight: CAP,
    };
    tallJpeg = await testImage(240, 960, 'jpeg');
    widePng = await testImage(1200, 300, 'png');
    if (SKIP_BROWSER === false) browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await python.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function richMms(overrides: Partial<RelayMessage> = {}): RelayMessage {
    const smil = `<smil><body>
      <par><img src="tall.jpg"/><text src="t1.txt"/></par>
      <par><img src="wide.png"/><audio src="voice.amr"/></par>
      <par><video src="clip.3gp"/><text src="t2.txt"/></par></body></smil>`;
    return mmsMessage({
      id: 'mms-view',
      subject: 'Site visit',
      date: new Date('2026-03-01T10:20:30Z'),
      parts: [
        { contentType: 'application/smil', params: {}, contentLocation: 'smil.xml', body: Buffer.from(smil) },
        { contentType: 'text/plain', params: {}, contentLocation: 't2.txt', charset: 'utf-8', body: Buffer.from('Last: the crane at work.') },
        { contentType: 'image/png', params: {}, contentLocation: 'wide.png', body: widePng },
        { contentType: 'image/jpeg', params: {}, contentLocation: 'tall.jpg', body: tallJpeg },
        { contentType: 'audio/amr', params: {}, contentLocation: 'voice.amr', body: Buffer.from('#!AMR\n' + 'x'.repeat(2000)) },
        { contentType: 'text/plain', params: {}, contentLocation: 't1.txt', charset: 'utf-8', body: Buffer.from('First: the gate & the fence <north side>.') },
        { contentType: 'video/3gpp', params: {}, contentLocation: 'clip.3gp', body: Buffer.alloc(5000, 7) },
      ],
      smilPartIndex: 0,
      rawMms: undefined,
      ...overrides,
    });
  }

  async function render(msg: RelayMessage, cfg: RenderConfig = config): Promise<{ raw: Buffer; py: PyMail }> {
    const { raw } = await renderMail(msg, MAILBOX, cfg);
    const py = await python.parse(raw);
    assert.deepEqual(py.defects, [], 'Python finds no defect');
    return { raw, py };
  }

  test('the address book file is CSV as phones export it', () => {
    assert.deepEqual(config.addressBook, { '+49 151 12345678': 'Müller, Alice "Ali"', '0160 98765432': 'Bob <b>Bold</b>' });
  });

  test('an MMS: sender, local time, subject, slides in order, pictures inline, clips attached and labelled; text says the same', async () => {
    const { raw, py } = await render(richMms());
    const types = py.parts.map((p) => `${p.content_type}/${p.disposition ?? '-'}`);
    assert.deepEqual(types, ['text/plain/-', 'text/html/-', 'image/png/inline', 'image/jpeg/inline', 'audio/amr/attachment', 'video/3gpp/attachment']);
    const html = py.parts.find((p) => p.content_type === 'text/html')?.text ?? '';
    const plain = py.parts.find((p) => p.content_type === 'text/plain')?.text ?? '';
    for (const want of ['Müller, Alice &quot;Ali&quot;', '+49 1511 2345678', 'Sun 1 Mar 2026, 11:20 (+01:00)', 'Site visit']) assert.ok(html.includes(want), `HTML shows ${want}`);
    assert.ok(html.includes('First: the gate &amp; the fence &lt;north side&gt;.'), 'text escaped');
    assert.ok(html.includes(`max-height:${CAP}px`));
    const order = ['From: Müller, Alice "Ali" +49 1511 2345678', 'Sun 1 Mar 2026, 11:20 (+01:00)', 'Subject: Site visit', 'First: the gate & the fence <north side>.',
      '[Picture:', 'Audio clip (attached): voice.amr, audio/amr, 2 KB', 'Video clip (attached): clip.3gp, video/3gpp, 5 KB', 'Last: the crane at work.'];
    let at = -1;
    for (const line of order) {
      const i = plain.indexOf(line, at + 1);
      assert.ok(i > at, `plain text has "${line}" after what came before:\n${plain}`);
      at = i;
    }
    const bodies = py.parts.map((p) => p.sha256);
    assert.ok(bodies.includes(sha256(tallJpeg)) && bodies.includes(sha256(widePng)), 'pictures byte-identical');

    if (browser === undefined) return;
    const mp = await parseWithMailparser(raw);
    const page = await browser.newPage({ viewport: { width: 412, height: 900 } });
    const requests: string[] = [];
    await page.route('**/*', (r) => {
      requests.push(r.request().url());
      return r.abort();
    });
    await page.setContent(resolveCids(typeof mp.html === 'string' ? mp.html : '', mp.attachments), { waitUntil: 'load' });
    // Evaluated in the page (a string: the project's TypeScript has no DOM library).
    const imgs = await page.evaluate<Array<{ w: number; h: number; natural: number; complete: boolean }>>(`[...document.querySelectorAll('img')].map((img) => {
      const r = img.getBoundingClientRect();
      return { w: r.width, h: r.height, natural: img.naturalWidth, complete: img.complete };
    })`);
    await page.screenshot({ path: outputPath('mms-phone-view.png'), fullPage: true });
    assert.equal(imgs.length, 2);
    for (const i of imgs) {
      assert.ok(i.complete && i.natural > 0, `image decoded: ${JSON.stringify(i)}`);
      assert.ok(i.w > 0 && i.h > 0, `image has a size: ${JSON.stringify(i)}`);
      assert.ok(i.h <= CAP + 0.5, `height capped at ${CAP}: ${JSON.stringify(i)}`);
      assert.ok(i.w <= 412, `fits the width: ${JSON.stringify(i)}`);
    }
    // Chromium's reading of the HTML and the text alternative hold the same words in the same order.
    const shown = (await page.innerText('body')).replace(/\s+/g, ' ').trim();
    const text = plain.replace(/\[Picture: [^\]]*\]/g, '').replace(/\s+/g, ' ').trim();
    assert.equal(shown, text);
    assert.deepEqual(requests, [], 'nothing fetched');
    await page.close();
  });

  test('the log line names what was relayed: kind, formatted number, media counts and size; no contact name', async () => {
    const { summary } = await renderMail(richMms(), MAILBOX, config);
    assert.match(summary, /^MMS from \+49 1511 2345678 \(2 pictures, 1 audio clip, 1 video clip, [\d.]+ (KB|MB)\)$/);
    assert.ok(!summary.includes('Müller'));
    assert.equal((await renderMail(smsMessage(), MAILBOX, config)).summary, 'SMS from +49 1511 2345678');
  });

  test('hostile content stays text in Chromium: no script runs, nothing loads', async (t) => {
    const evil = '<img src=x onerror="document.title=\'pwned\'"><script>document.title="pwned"</script>';
    const msg = richMms({
      id: 'mms-hostile',
      subject: `${evil}"'\``,
      parts: [
        { contentType: 'text/plain', params: {}, charset: 'utf-8', body: Buffer.from(`${evil} &amp; &#60;b&#62;`) },
        { contentType: 'image/png', params: {}, filename: `"><svg onload=alert(1)>.png`, body: widePng },
        { contentType: 'audio/amr', params: {}, filename: `<b onmouseover=alert(1)>x</b>.amr`, body: Buffer.from('#!AMR\n') },
      ],
      smilPartIndex: undefined,
    });
    const { raw, py } = await render(msg, { ...config, addressBook: { [ALICE]: evil } });
    const plain = py.parts.find((p) => p.content_type === 'text/plain')?.text ?? '';
    assert.ok(plain.includes(`${evil} &amp; &#60;b&#62;`), 'the text alternative shows the text exactly as sent');
    if (browser === undefined) {
      t.skip(SKIP_BROWSER || 'no browser');
      return;
    }
    const mp = await parseWithMailparser(raw);
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const requests: string[] = [];
    await page.route('**/*', (r) => {
      requests.push(r.request().url());
      return r.abort();
    });
    await page.setContent(resolveCids(typeof mp.html === 'string' ? mp.html : '', mp.attachments), { waitUntil: 'load' });
    await page.screenshot({ path: outputPath('mms-hostile.png'), fullPage: true });
    const dom = await page.evaluate<{ title: string; scripts: number; svgs: number; handlers: number; imgs: string[]; text: string }>(`({
      title: document.title,
      scripts: document.querySelectorAll('script').length,
      svgs: document.querySelectorAll('svg').length,
      handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length,
      imgs: [...document.querySelectorAll('img')].map((i) => (i.getAttribute('src') || '').slice(0, 15)),
      text: document.body.innerText,
    })`);
    assert.notEqual(dom.title, 'pwned');
    assert.equal(dom.scripts, 0);
    assert.equal(dom.svgs, 0);
    assert.equal(dom.handlers, 0);
    assert.deepEqual(dom.imgs, ['data:image/png;']);
    assert.ok(dom.text.includes('<script>document.title="pwned"</script>'), 'shown as text');
    assert.ok(dom.text.includes('&amp; &#60;b&#62;'), 'entities in the message stay literal');
    assert.deepEqual(dialogs, []);
    assert.deepEqual(requests, []);
    await page.close();
  });

  test('threading: a subject fixed per correspondent, one Thread-Topic and Thread-Index root, one References root', async () => {
    const cfg = { ...config, threadSubject: '{kind} from {name}' };
    const a1 = await render(smsMessage({ id: 'sms-a1' }), cfg);
    const a2 = await render(smsMessage({ id: 'sms-a2', date: new Date('2026-03-02T09:00:00Z'), parts: [{ contentType: 'text/plain', params: {}, body: Buffer.from('Something else entirely') }] }), cfg);
    const b1 = await render(smsMessage({ id: 'sms-b1', from: BOB }), cfg);
    const h = (m: { py: PyMail }, name: string): string => m.py.headers[name]?.[0] ?? m.py.parts.length.toString();
    const raw = (m: { raw: Buffer }, name: string): string => new RegExp(`^${name}: (.*)$`, 'mi').exec(m.raw.toString('latin1'))?.[1] ?? '';
    assert.equal(h(a1, 'subject'), 'SMS from Müller, Alice "Ali"');
    assert.equal(h(a2, 'subject'), h(a1, 'subject'));
    assert.equal(h(b1, 'subject'), 'SMS from Bob <b>Bold</b>');
    assert.equal(h(a1, 'references'), h(a2, 'references'));
    assert.notEqual(h(a1, 'references'), h(b1, 'references'));
    const idx = (m: { raw: Buffer }): Buffer => Buffer.from(raw(m, 'Thread-Index'), 'base64');
    assert.equal(idx(a1).length, 27, '22-byte header block and one 5-byte child block');
    assert.equal(idx(a1)[0], 1);
    assert.ok(idx(a1).subarray(0, 22).equals(idx(a2).subarray(0, 22)), 'same conversation');
    assert.ok(!idx(a1).equals(idx(a2)), 'distinct messages');
    assert.ok(!idx(a1).subarray(0, 22).equals(idx(b1).subarray(0, 22)), 'another correspondent, another conversation');
    // The texts are in the body, as sent.
    assert.equal(a2.py.parts[0]?.text?.replace(/\r\n/g, '\n'), 'Something else entirely\n');
    // Without a scheme the subject is the text, and Thread-Topic still names the correspondent.
    const plainCfg = await render(smsMessage({ id: 'sms-a3' }), config);
    assert.equal(h(plainCfg, 'subject'), 'Are we still on for 7? 👍');
    assert.ok(raw(plainCfg, 'Thread-Topic') !== '');
    // A copy of what the box sent to Alice joins her thread.
    const out = await render(smsMessage({ id: 'sms-out', direction: 'outgoing', from: BOX, to: [ALICE] }), { ...cfg, threadSubject: 'Messages with {name}' });
    const in1 = await render(smsMessage({ id: 'sms-in' }), { ...cfg, threadSubject: 'Messages with {name}' });
    assert.equal(h(out, 'subject'), h(in1, 'subject'));
    assert.equal(h(out, 'references'), h(in1, 'references'));
  });
});
