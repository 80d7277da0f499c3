/**
 * What arrives at a real SMTP server when messages are relayed: headers, bodies, attachments,
 * checked with mailparser and with Python's email package.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MailRelay } from '../../../src/mail/out/relay.js';
import type { RelayMessage } from '../../../src/mail/out/types.js';
import { ALICE, BOB, BOX, CAROL, IMAGE1, IMAGE2, mmsMessage, renderConfig, smsMessage } from './fixtures.js';
import { PythonMailParser, parseWithMailparser, sha256, startSmtp, type ReceivedMail, type SmtpHarness } from './harness.js';

const MAILBOX = 'user@company.example';

describe('relayed content', () => {
  let smtp: SmtpHarness;
  let relay: MailRelay;
  const python = new PythonMailParser();
  const parseWithPython = (raw: Buffer) => python.parse(raw);

  before(async () => {
    smtp = await startSmtp();
    relay = new MailRelay({
      smtp: { host: '127.0.0.1', port: smtp.port, requireTLS: false, timeoutMs: 10000 },
      render: { ...renderConfig, attachRawMms: true },
    });
  });
  after(async () => {
    relay.close();
    await smtp.close();
    await python.close();
  });

  async function send(msg: RelayMessage, mailbox = MAILBOX): Promise<ReceivedMail> {
    const before = smtp.received.length;
    const outcome = await relay.relay(msg, mailbox);
    assert.equal(outcome.kind, 'accepted', JSON.stringify(outcome));
    const got = smtp.received[before];
    assert.ok(got, 'server received the message');
    return got;
  }

  test('an SMS arrives as plain text from the sender at the address domain', async () => {
    const msg = smsMessage({ parts: [{ contentType: 'text/plain', params: {}, charset: 'utf-8', body: Buffer.from('Are we on?\n.\nSee you 👍') }] });
    const got = await send(msg);
    assert.deepEqual(got.to, [MAILBOX]);
    assert.equal(got.from, `${ALICE}@sms.example`, 'envelope sender keeps the leading +');

    const mp = await parseWithMailparser(got.raw);
    assert.deepEqual(mp.from?.value, [{ name: `Alice Müller (${ALICE})`, address: `${ALICE}@sms.example` }]);
    const replyTo = mp.replyTo?.value[0];
    assert.equal(replyTo?.address, `box+${ALICE}@company.example`);
    assert.equal(mp.subject, 'Are we on? . See you 👍');
    assert.equal(mp.text, 'Are we on?\n.\nSee you 👍\n');
    assert.equal(mp.html, false, 'an SMS has no HTML alternative');
    assert.equal(mp.attachments.length, 0);
    assert.equal(mp.messageId, `<mmsgw.sms.sms-41.4917000000001@sms.example>`);
    assert.match(mp.inReplyTo ?? '', /^<mmsgw\.conv\.[0-9a-f]{32}@sms\.example>$/);
    assert.equal(mp.date?.toISOString(), '2026-03-01T10:20:30.000Z');

    const py = await parseWithPython(got.raw);
    assert.deepEqual(py.addresses['from'], [{ name: `Alice Müller (${ALICE})`, address: `${ALICE}@sms.example` }]);
    assert.deepEqual(py.addresses['reply-to'], [{ name: '', address: `box+${ALICE}@company.example` }]);
    assert.equal(py.parts.length, 1);
    assert.equal(py.parts[0]?.content_type, 'text/plain');
    assert.equal(py.parts[0]?.charset, 'utf-8');
    assert.equal(py.parts[0]?.text, 'Are we on?\n.\nSee you 👍\n');
    assert.deepEqual(py.defects, []);
  });

  test('an incomplete SMS says so in subject and body', async () => {
    const got = await send(smsMessage({ id: 'sms-42', incomplete: { missing: [3, 2], total: 4 } }));
    const mp = await parseWithMailparser(got.raw);
    assert.match(mp.subject ?? '', /^\[incomplete\] Are we still on for 7\?/);
    assert.match(mp.text ?? '', /Incomplete message: parts 2, 3 of 4 never arrived\./);
  });

  test('an MMS: slides in SMIL order, texts decoded from utf-16 and shift_jis, images inline and byte-identical', async () => {
    const msg = mmsMessage();
    const got = await send(msg);
    const mp = await parseWithMailparser(got.raw);
    assert.equal(mp.subject, 'Holiday pictures');
    const text = mp.text ?? '';
    assert.ok(text.includes('こんにちは'), text);
    assert.ok(text.includes('Grüße aus Köln — €5'), text);
    assert.ok(text.indexOf('こんにちは') < text.indexOf('Grüße'), 'first slide first');

    const html = typeof mp.html === 'string' ? mp.html : '';
    const byHash = new Map(mp.attachments.map((a) => [sha256(a.content), a]));
    const img2 = byHash.get(sha256(IMAGE2));
    const img1 = byHash.get(sha256(IMAGE1));
    assert.ok(img1 && img2, 'both images attached unchanged');
    assert.equal(img1.filename, 'photo1.jpg');
    assert.equal(img1.contentType, 'image/jpeg');
    assert.equal(img2.filename, 'photo2.png');
    assert.ok(img1.cid && img2.cid, 'images carry Content-IDs');
    const at2 = html.indexOf(`cid:${img2.cid}`);
    const atKonnichiwa = html.indexOf('こんにちは');
    const at1 = html.indexOf(`cid:${img1.cid}`);
    const atGruesse = html.indexOf('Grüße');
    assert.ok(at2 >= 0 && at2 < atKonnichiwa && atKonnichiwa < at1 && at1 < atGruesse, 'HTML follows the SMIL slides');
    const raw = byHash.get(sha256((msg.rawMms as Uint8Array | undefined) ?? new Uint8Array()));
    assert.equal(raw?.contentType, 'application/vnd.wap.mms-message');
    assert.equal(raw?.filename, 'mms-1001.mms');
    assert.ok(!mp.attachments.some((a) => a.contentType === 'application/smil'), 'SMIL is layout, not an attachment');

    const py = await parseWithPython(got.raw);
    assert.deepEqual(py.defects, []);
    const hashes = py.parts.map((p) => p.sha256);
    for (const body of [IMAGE1, IMAGE2, (msg.rawMms as Uint8Array | undefined) ?? new Uint8Array()]) assert.ok(hashes.includes(sha256(body)), 'python sees the same bytes');
    const plain = py.parts.find((p) => p.content_type === 'text/plain');
    assert.equal(plain?.charset, 'utf-8');
    assert.ok(plain?.text?.includes('こんにちは') && plain.text.includes('Grüße aus Köln'));
    const inline = py.parts.filter((p) => p.content_type.startsWith('image/'));
    assert.deepEqual(inline.map((p) => p.disposition), ['inline', 'inline']);
  });

  test('a group MMS lists every other participant so reply-all reaches the group', async () => {
    const got = await send(mmsMessage({ id: 'mms-group', to: [`${BOX}/TYPE=PLMN`, `${BOB}/TYPE=PLMN`], cc: [`${CAROL}/TYPE=PLMN`] }));
    const py = await parseWithPython(got.raw);
    assert.deepEqual(py.addresses['to']?.map((a) => a.address), [MAILBOX, `${BOB}@sms.example`]);
    assert.deepEqual(py.addresses['cc']?.map((a) => a.address), [`${CAROL}@sms.example`]);
    assert.deepEqual(py.addresses['from']?.map((a) => a.address), [`${ALICE}@sms.example`]);
    const all = [...(py.addresses['to'] ?? []), ...(py.addresses['cc'] ?? []), ...(py.addresses['from'] ?? [])].map((a) => a.address);
    assert.ok(!all.some((a) => a.includes(BOX.slice(1))), 'the box itself is not a participant');
    const mp = await parseWithMailparser(got.raw);
    const ccs = Array.isArray(mp.cc) ? mp.cc : mp.cc ? [mp.cc] : [];
    assert.deepEqual(ccs.flatMap((c) => c.value.map((v) => v.address)), [`${CAROL}@sms.example`]);
    assert.deepEqual(got.to, [MAILBOX], 'only the mailbox is an envelope recipient');
  });

  test('hostile input: header injection, path names, markup and script, javascript: SMIL, huge subject', async () => {
    const evilSmil = `<smil><body><par><img src="javascript:alert(1)"/><img src="evil.jpg" onload="alert(2)"/>
      <text src="cid:t&quot;><script>alert(3)</script>"/><text src="t.txt"/></par></body></smil>`;
    const msg = mmsMessage({
      id: 'mms-evil',
      subject: `Hello\r\nBcc: victim@example.org\r\n\r\nbody ${'x'.repeat(500)}`,
      from: `${BOB}\r\nBcc: victim2@example.org`,
      parts: [
        { contentType: 'application/smil', params: {}, body: Buffer.from(evilSmil) },
        { contentType: 'image/jpeg', params: {}, filename: '../../etc/passwd', contentLocation: 'evil.jpg', body: IMAGE1 },
        { contentType: 'text/plain', params: {}, contentLocation: 't.txt', body: Buffer.from('<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes"') },
        { contentType: 'image/svg+xml', params: {}, name: 'C:\\Windows\\con.svg', body: Buffer.from('<svg onload="alert(1)"/>') },
        { contentType: 'text/html\r\nX-Evil: 1', params: {}, filename: '\u202egnp.exe', body: Buffer.from('<b>hi</b>') },
      ],
      smilPartIndex: 0,
    });
    const got = await send(msg);
    assert.deepEqual(got.to, [MAILBOX]);

    const py = await parseWithPython(got.raw);
    assert.deepEqual(py.defects, []);
    assert.ok(!py.header_names.some((h) => /^(bcc|x-evil)$/i.test(h)), py.header_names.join(','));
    assert.equal(py.headers['subject']?.length, 1);
    const subject = py.headers['subject']?.[0] ?? '';
    assert.ok(subject.startsWith('Hello Bcc: victim@example.org body xxx'), subject);
    assert.ok([...subject].length <= 78, `subject truncated (${subject.length})`);
    assert.ok(!/[\r\n]/.test(subject));
    const files = py.parts.map((p) => p.filename).filter((f): f is string => f !== null);
    // The RLO (U+202E) that made "gnp.exe" look like "exe.png" is gone; CON is a reserved device name.
    assert.deepEqual(files.sort(), ['_con.svg', 'gnp.exe', 'mms-evil.mms', 'passwd.jpg']);

    const mp = await parseWithMailparser(got.raw);
    const html = typeof mp.html === 'string' ? mp.html : '';
    assert.ok(!/<script/i.test(html), 'no script element');
    assert.ok(!/javascript:/i.test(html), 'no javascript: URL');
    assert.ok(!/\sonerror=|\sonload=/i.test(html), 'no event handler attribute');
    assert.ok(html.includes('&lt;script&gt;'), 'text is escaped, not dropped');
    assert.ok(!/<img[^>]+src="(?!cid:)/i.test(html), 'only cid: images');
    assert.ok(!/<svg/i.test(html), 'SVG is not inlined');
    // A sender that is not a number becomes a plain token at the address domain.
    assert.deepEqual(py.addresses['from']?.map((a) => a.address), ['4916098765432-bcc-victim2-example.org@sms.example']);
    assert.ok(!/[\r\n]/.test(py.addresses['from']?.[0]?.name ?? '\n'));
    assert.equal(py.addresses['reply-to'], undefined, 'an alphanumeric sender cannot be answered');
    const htmlPart = mp.attachments.find((a) => a.filename === 'gnp.exe');
    assert.equal(htmlPart?.contentType, 'application/octet-stream', 'a broken content type is neutralised');
  });

  test('encoded-word lookalikes from the sender stay literal text', async () => {
    const trap = '=?utf-8?q?=0D=0ABcc:_victim@example.org?=';
    const got = await send(mmsMessage({ id: 'mms-ew', subject: `Hi ${trap}`, from: `x ${trap}` }));
    const py = await parseWithPython(got.raw);
    assert.deepEqual(py.defects, []);
    const subject = py.headers['subject']?.[0] ?? '';
    assert.ok(!/[\r\n]/.test(subject) && subject.replace('\u2060', '') === `Hi ${trap}`, JSON.stringify(subject));
    // Python's phrase parser puts a space between adjacent encoded-words; mailparser does not.
    const name = py.addresses['from']?.[0]?.name ?? '';
    assert.ok(!/[\r\n]/.test(name) && name.replace(/[\s\u2060]/g, '').includes(trap.replace(/\s/g, '')), JSON.stringify(name));
    const mp = await parseWithMailparser(got.raw);
    assert.equal(mp.subject?.replace('\u2060', ''), `Hi ${trap}`);
    assert.equal(mp.from?.value[0]?.name.replace('\u2060', ''), `x ${trap}`);
    assert.ok(!py.header_names.some((h) => /^bcc$/i.test(h)));
  });

  test('a retry puts the very same bytes on the wire', async () => {
    const msg = mmsMessage({ id: 'mms-retry' });
    const first = await send(msg);
    const second = await send(mmsMessage({ id: 'mms-retry' }));
    assert.ok(first.raw.equals(second.raw), 'identical messages received');
    const rendered = await relay.render(msg, MAILBOX);
    assert.ok(first.raw.equals(rendered.raw), 'nothing was added in transit by the client');
  });

  test('rendering is deterministic: same bytes twice, same Message-ID for every mailbox', async () => {
    const msg = mmsMessage();
    const a = await relay.render(msg, MAILBOX);
    const b = await relay.render(mmsMessage(), MAILBOX);
    assert.ok(a.raw.equals(b.raw), 'identical bytes');
    const c = await relay.render(msg, 'other@company.example');
    assert.equal(c.messageId, a.messageId);
    const other = await relay.render(mmsMessage({ id: 'mms-1002' }), MAILBOX);
    assert.notEqual(other.messageId, a.messageId);
    const threadA = /^In-Reply-To: (.*)$/m.exec(a.raw.toString())?.[1];
    const threadB = /^In-Reply-To: (.*)$/m.exec(other.raw.toString())?.[1];
    assert.ok(threadA !== undefined && threadA === threadB, 'same conversation, same thread root');
    const group = await relay.render(mmsMessage({ to: [BOX, BOB] }), MAILBOX);
    assert.notEqual(/^In-Reply-To: (.*)$/m.exec(group.raw.toString())?.[1], threadA, 'a different participant set is another thread');
  });
});
