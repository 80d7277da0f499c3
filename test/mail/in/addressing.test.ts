import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyAddress, replyToAddress, resolveRecipients } from '../../../src/mail/in/addressing.js';
import { normalizeNumber } from '../../../src/mail/in/numbers.js';
import { mailInOptions } from './fixtures.js';

const addressing = mailInOptions().addressing;
const de = { defaultCountryCode: '49' };

test('numbers normalise to E.164 with +', () => {
  assert.deepEqual(normalizeNumber('+49 170 1234567', de), { ok: true, e164: '+491701234567' });
  assert.deepEqual(normalizeNumber('0049-170-1234567', de), { ok: true, e164: '+491701234567' });
  assert.deepEqual(normalizeNumber('0170 / 123 45 67', de), { ok: true, e164: '+491701234567' });
  assert.deepEqual(normalizeNumber('491701234567', de), { ok: true, e164: '+491701234567' });
  assert.deepEqual(normalizeNumber('(212) 555-1234', { country: 'US', bareDigits: 'national' }), { ok: true, e164: '+12125551234' });
  assert.deepEqual(normalizeNumber('1 212 555 1234', { country: 'US', bareDigits: 'national' }), { ok: true, e164: '+12125551234' });
  assert.deepEqual(normalizeNumber('011 49 170 1234567', { country: 'US', bareDigits: 'national' }), { ok: true, e164: '+491701234567' });
});

test('invalid numbers and short codes are refused', () => {
  for (const bad of ['', '12345', '+0170123456', '+4917012345678901', '0170abc', '+49 170\r\nBcc: x']) {
    const r = normalizeNumber(bad, de);
    assert.equal(r.ok, false, bad);
    assert.ok(!r.ok && !/[\r\n]/.test(r.reason), 'reason stays on one line');
  }
});

test('plus-addressing, number domains and the bare mailbox', () => {
  assert.deepEqual(classifyAddress('box+491701234567@gw.example.org', addressing), { kind: 'numbers', numbers: ['+491701234567'] });
  assert.deepEqual(classifyAddress('Box+0170-1234567@GW.example.org', addressing), { kind: 'numbers', numbers: ['+491701234567'] });
  assert.deepEqual(classifyAddress('491701234567_01709999999@sms.example.org', addressing), { kind: 'numbers', numbers: ['+491701234567', '+491709999999'] });
  assert.deepEqual(classifyAddress('box@gw.example.org', addressing), { kind: 'mailbox' });
  assert.deepEqual(classifyAddress('someone@else.example', addressing), { kind: 'foreign' });
  assert.equal(classifyAddress('box+12@gw.example.org', addressing).kind, 'invalid');
  assert.equal(classifyAddress('bob@sms.example.org', addressing).kind, 'foreign', 'a person at the number domain');
  assert.equal(classifyAddress('bob2@sms.example.org', addressing).kind, 'invalid');
});

test('header injection in a plus-address is an invalid address, never a number', () => {
  const c = classifyAddress('box+491701234567\r\nBcc: evil@example.com@gw.example.org', addressing);
  assert.equal(c.kind, 'invalid');
  assert.ok(c.kind === 'invalid' && !/[\r\n]/.test(c.reason));
  assert.equal(classifyAddress('box+4917012345 67 Bcc:x@gw.example.org', addressing).kind, 'invalid');
});

test('recipients: union, dedupe, own number excluded, one bad address refuses all', () => {
  const ok = resolveRecipients(['box+491701234567@gw.example.org', 'carl@example.org', '01701234567@sms.example.org', 'box+491500000000@gw.example.org', 'box+491702222222@gw.example.org'], addressing);
  assert.deepEqual(ok, { ok: true, numbers: ['+491701234567', '+491702222222'] });
  const bad = resolveRecipients(['box+491701234567@gw.example.org', 'box+999@gw.example.org'], addressing);
  assert.ok(!bad.ok && bad.refusal.code === 'MAIL_BAD_RECIPIENT');
  const none = resolveRecipients(['box@gw.example.org', 'carl@example.org'], addressing);
  assert.ok(!none.ok && none.refusal.code === 'MAIL_NO_RECIPIENT');
  assert.match(!none.ok ? none.refusal.reason : '', /box\+<number>@gw\.example\.org/);
  const own = resolveRecipients(['box+491500000000@gw.example.org'], addressing);
  assert.ok(!own.ok && /own number/.test(own.refusal.reason));
});

test('the generated Reply-To reads back to the same numbers', () => {
  const addr = replyToAddress(['+491701234567', '+491709999999', '+491500000000'], addressing);
  assert.equal(addr, 'box+491701234567_491709999999@gw.example.org');
  assert.deepEqual(classifyAddress(addr, addressing), { kind: 'numbers', numbers: ['+491701234567', '+491709999999'] });
  const national = { ...addressing, numbering: { defaultCountryCode: '49', bareDigits: 'national' as const } };
  const addr2 = replyToAddress(['+441234567890'], national);
  assert.equal(addr2, 'box++441234567890@gw.example.org');
  assert.deepEqual(classifyAddress(addr2, national), { kind: 'numbers', numbers: ['+441234567890'] });
});

test('premium-rate and other costly numbers are refused as recipients unless allowed', async () => {
  const { processInbound } = await import('../../../src/mail/in/accept.js');
  const { rawMail, ANNA } = await import('./fixtures.js');
  const premium = classifyAddress('box+09001234567@gw.example.org', addressing);
  assert.equal(premium.kind, 'invalid');
  assert.match(premium.kind === 'invalid' ? premium.reason : '', /\+499001234567 is a premium-rate number/);
  assert.equal(classifyAddress('box+447012345678@gw.example.org', addressing).kind, 'invalid', 'UK personal number');
  const allowed = { ...addressing, numbering: { ...addressing.numbering, allow: ['+49900*'] } };
  assert.deepEqual(classifyAddress('box+09001234567@gw.example.org', allowed), { kind: 'numbers', numbers: ['+499001234567'] });
  const o = await processInbound(rawMail({ From: ANNA, To: 'box+09001234567@gw.example.org', Subject: 'vote' }), { transport: 'imap', id: 'imap:x:1:1', receivedAt: new Date() }, {}, mailInOptions());
  assert.equal(o.kind === 'refused' ? o.refusal.code : o.kind, 'MAIL_BAD_RECIPIENT');
  assert.match(o.kind === 'refused' ? o.reply?.text ?? '' : '', /premium-rate/);
});
