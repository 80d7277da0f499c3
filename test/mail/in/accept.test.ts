import { test } from 'node:test';
import assert from 'node:assert/strict';
import { processInbound } from '../../../src/mail/in/accept.js';
import type { InboundOutcome, RefusedMail } from '../../../src/mail/in/types.js';
import { MemoryUsageCounter } from '../../../src/compose/limits.js';
import { ANNA, mailInOptions, rawMail } from './fixtures.js';

const src = { transport: 'imap' as const, id: 'imap:INBOX:1:1', receivedAt: new Date('2026-01-01T00:00:00Z') };
const TO = 'box+491701234567@gw.example.org';

function refused(o: InboundOutcome): RefusedMail {
  assert.equal(o.kind, 'refused', o.kind === 'accepted' ? `accepted: ${JSON.stringify(o.plan)}` : '');
  return o as RefusedMail;
}

test('an authorised reply becomes an SMS plan with a TTL', async () => {
  const raw = rawMail({ From: `Anna <${ANNA}>`, To: TO, Subject: 'Re: SMS', 'Return-Path': `<${ANNA}>` }, 'On my way!\n\nOn Mon, 1 Jan 2026, SMS gateway <box@gw.example.org> wrote:\n> where are you?');
  const o = await processInbound(raw, src, {}, mailInOptions({ ttlSeconds: 600, now: () => new Date('2026-01-01T00:00:00Z') }));
  assert.equal(o.kind, 'accepted');
  assert.ok(o.kind === 'accepted');
  assert.deepEqual(o.plan, { kind: 'sms', to: ['+491701234567'], text: 'On my way!', segments: 1, alphabet: 'gsm7' });
  assert.equal(o.sender, ANNA);
  assert.equal(o.expiresAt.toISOString(), '2026-01-01T00:10:00.000Z');
  assert.equal(o.raw, raw);
});

test('no recipient: refused with a reply to the envelope sender', async () => {
  const o = refused(await processInbound(rawMail({ From: ANNA, To: 'box@gw.example.org', Subject: 'hi' }), src, { mailFrom: 'anna+bounces@example.org' }, mailInOptions()));
  assert.equal(o.refusal.code, 'MAIL_NO_RECIPIENT');
  assert.equal(o.reply?.to, 'anna+bounces@example.org');
  assert.equal(o.reply?.envelope.from, '');
  assert.equal(o.reply?.headers['Auto-Submitted'], 'auto-replied');
  assert.match(o.reply?.text ?? '', /No phone number was found/);
  assert.equal(o.reply?.subject, 'Not sent: hi');
});

test('unknown sender: refused; the reply goes to the Return-Path, not to the forged From', async () => {
  const raw = rawMail({ 'Return-Path': '<mallory@evil.example>', From: 'ceo@bank.example', To: TO, Subject: 'pay' });
  const o = refused(await processInbound(raw, src, {}, mailInOptions()));
  assert.equal(o.refusal.code, 'MAIL_SENDER_UNKNOWN');
  assert.equal(o.reply?.to, 'mallory@evil.example');
  const noPath = refused(await processInbound(rawMail({ From: 'ceo@bank.example', To: TO }), src, {}, mailInOptions()));
  assert.equal(noPath.reply, undefined, 'no return path and unknown From: no reply at all');
  assert.match(noPath.noReply ?? '', /no return path/);
});

test('no reply when SPF failed for the return path (backscatter)', async () => {
  const raw = rawMail({ 'Authentication-Results': 'mx.gw.example.org; spf=fail smtp.mailfrom=victim.example', 'Return-Path': '<someone@victim.example>', From: 'x@victim.example', To: TO });
  const o = refused(await processInbound(raw, src, {}, mailInOptions()));
  assert.equal(o.reply, undefined);
  assert.match(o.noReply ?? '', /SPF failed/);
});

test('auto-responders, lists and bounces are refused without any reply', async () => {
  const cases: Record<string, string>[] = [
    { 'Auto-Submitted': 'auto-replied', Subject: 'Out of office' },
    { Precedence: 'bulk' },
    { 'List-Id': '<news.example.org>' },
    { 'Content-Type': 'multipart/report; report-type=delivery-status; boundary=x' },
  ];
  for (const extra of cases) {
    const o = refused(await processInbound(rawMail({ From: ANNA, To: TO, 'Return-Path': `<${ANNA}>`, ...extra }), src, {}, mailInOptions()));
    assert.equal(o.refusal.code, 'MAIL_AUTO_SUBMITTED', JSON.stringify(extra));
    assert.equal(o.reply, undefined, JSON.stringify(extra));
  }
  const bounce = refused(await processInbound(rawMail({ From: 'MAILER-DAEMON@example.org', To: TO, 'Return-Path': '<>' }), src, {}, mailInOptions()));
  assert.equal(bounce.reply, undefined);
});

test('oversize mail is refused from its head alone', async () => {
  const raw = rawMail({ From: ANNA, To: TO, Subject: 'big', 'Return-Path': `<${ANNA}>` }, 'x'.repeat(5000));
  const o = refused(await processInbound(raw, src, {}, mailInOptions({ maxMailBytes: 4096 })));
  assert.equal(o.refusal.code, 'MAIL_TOO_LARGE');
  assert.equal(o.reply?.to, ANNA);
  const partial = refused(await processInbound(raw.subarray(0, 300), src, {}, mailInOptions({ maxMailBytes: 4096 }), 10_000_000));
  assert.equal(partial.refusal.code, 'MAIL_TOO_LARGE');
  assert.match(partial.refusal.reason, /9766 KB/);
});

test('malformed MIME: garbage bytes and broken or missing boundaries', async () => {
  const garbage = refused(await processInbound(Buffer.from([0, 1, 2, 255, 254, 13, 10, 13, 10, 65, 0]), src, { mailFrom: ANNA }, mailInOptions()));
  assert.equal(garbage.refusal.code, 'MAIL_MALFORMED');
  const headers = { From: ANNA, To: TO, 'Return-Path': `<${ANNA}>`, 'MIME-Version': '1.0', 'Content-Type': 'multipart/mixed; boundary="abc"' };
  const wrong = refused(await processInbound(rawMail(headers, '--abc\nContent-Type: text/plain\n\nhello\n--xyz\nContent-Type: image/png\n\nAAAA'), src, {}, mailInOptions()));
  assert.equal(wrong.refusal.code, 'MAIL_MALFORMED');
  assert.match(wrong.refusal.reason, /not closed/);
  assert.equal(wrong.reply?.to, ANNA);
  const never = refused(await processInbound(rawMail(headers, 'no parts at all'), src, {}, mailInOptions()));
  assert.equal(never.refusal.code, 'MAIL_MALFORMED');
});

test('header injection: encoded CR/LF in the subject never reaches a header line', async () => {
  const raw = rawMail({ From: ANNA, To: TO, 'Return-Path': `<${ANNA}>`, Subject: '=?utf-8?q?hi=0D=0ABcc:_evil@example.com?=' }, 'x'.repeat(600));
  const o = await processInbound(raw, src, {}, mailInOptions());
  assert.ok(o.kind === 'accepted' && o.plan.kind === 'mms');
  assert.equal(o.plan.kind === 'mms' && o.plan.subject, 'hi Bcc: evil@example.com');
  const bad = refused(await processInbound(rawMail({ From: ANNA, To: TO, 'Return-Path': `<${ANNA}>`, Subject: '=?utf-8?q?hi=0D=0ABcc:_evil@example.com?=' }, ''), src, {}, mailInOptions()));
  assert.doesNotMatch(bad.reply?.subject ?? '', /[\r\n]/);
  assert.equal(bad.reply?.subject, 'Not sent: hi Bcc: evil@example.com');
});

test('header injection in a plus-address (quoted local part) is refused as a bad recipient', async () => {
  const raw = rawMail({ From: ANNA, 'Return-Path': `<${ANNA}>`, To: '"box+491701234567\r\n Bcc: evil@example.com"@gw.example.org' });
  const o = refused(await processInbound(raw, src, {}, mailInOptions()));
  assert.equal(o.refusal.code, 'MAIL_BAD_RECIPIENT');
  assert.doesNotMatch(o.refusal.reason, /[\r\n]/);
});

test('a 1,000-recipient mail is refused as a whole', async () => {
  const to = Array.from({ length: 1000 }, (_, i) => `box+49170${String(1000000 + i)}@gw.example.org`).join(', ');
  const o = refused(await processInbound(rawMail({ From: ANNA, To: to, 'Return-Path': `<${ANNA}>`, Subject: 'spam' }), src, {}, mailInOptions()));
  assert.equal(o.refusal.code, 'MAIL_TOO_MANY_RECIPIENTS');
  assert.match(o.reply?.text ?? '', /1000 numbers; at most 10/);
});

test('unsupported media refused by reply; rate limit counts the sender', async () => {
  const mime = [
    '--b1', 'Content-Type: text/plain', '', 'see attached', '--b1',
    'Content-Type: application/octet-stream; name="setup.exe"', 'Content-Disposition: attachment; filename="setup.exe"', 'Content-Transfer-Encoding: base64', '',
    Buffer.concat([Buffer.from('MZ'), Buffer.alloc(64)]).toString('base64'), '--b1--',
  ].join('\n');
  const o = refused(await processInbound(rawMail({ From: ANNA, To: TO, 'Return-Path': `<${ANNA}>`, 'MIME-Version': '1.0', 'Content-Type': 'multipart/mixed; boundary="b1"' }, mime), src, {}, mailInOptions()));
  assert.equal(o.refusal.code, 'MAIL_UNSUPPORTED_MEDIA');
  assert.match(o.reply?.text ?? '', /"setup\.exe" \(a Windows program\)/);

  const counter = new MemoryUsageCounter();
  const now = new Date('2026-01-01T12:00:00Z');
  counter.record(ANNA, 50, now);
  const opts = mailInOptions({ usage: (s, t) => counter.usage(s, t), now: () => now });
  const limited = refused(await processInbound(rawMail({ From: ANNA, To: TO, 'Return-Path': `<${ANNA}>` }), src, {}, opts));
  assert.equal(limited.refusal.code, 'MAIL_RATE_LIMITED');
});

test('HTML-only mail is converted to text', async () => {
  const raw = rawMail({ From: ANNA, To: TO, 'Return-Path': `<${ANNA}>`, 'Content-Type': 'text/html; charset=utf-8' }, '<html><body><p>Dinner at <b>8</b> &amp; bring wine</p><script>x()</script></body></html>');
  const o = await processInbound(raw, src, {}, mailInOptions());
  assert.ok(o.kind === 'accepted' && o.plan.kind === 'sms');
  assert.equal(o.plan.kind === 'sms' && o.plan.text, 'Dinner at 8 & bring wine');
});

test('mutated and truncated mails always yield an outcome, never an exception', async () => {
  const mime = [
    '--b1', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable', '', 'Gr=C3=BC=C3=9Fe', '--b1',
    'Content-Type: image/gif; name="a.gif"', 'Content-Transfer-Encoding: base64', '', 'R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', '--b1--',
  ].join('\r\n');
  const base = rawMail({ From: ANNA, To: TO, 'Return-Path': `<${ANNA}>`, Subject: '=?utf-8?B?w6TDtsO8?=', 'MIME-Version': '1.0', 'Content-Type': 'multipart/mixed; boundary="b1"' }, mime);
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  const kinds = new Set<string>();
  for (let i = 0; i < 60; i++) {
    const m = Buffer.from(base.subarray(0, i % 3 === 0 ? rnd(base.length) : base.length));
    for (let k = 0; k < 1 + rnd(8); k++) if (m.length > 0) m[rnd(m.length)] = rnd(256);
    const o = await processInbound(m, src, {}, mailInOptions());
    assert.ok(o.kind === 'accepted' || o.kind === 'refused');
    kinds.add(o.kind === 'accepted' ? o.kind : o.refusal.code);
    if (o.kind === 'refused' && o.reply) assert.doesNotMatch(o.reply.subject, /[\r\n]/);
  }
  assert.ok(kinds.size >= 2, `outcomes seen: ${[...kinds].join(', ')}`);
});
