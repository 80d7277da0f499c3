import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/index.js';
import { mailInOptions, mailInWarnings, senderUsage } from '../../src/app/mail-in.js';
import { processInbound } from '../../src/mail/in/accept.js';
import { acceptInbound } from '../../src/pipeline/outbound.js';
import { harness } from '../pipeline/harness.js';
import { rawMail } from '../mail/in/fixtures.js';

const ANNA = 'anna@example.org';
const TO = 'box+491701234567@gw.example.org';
const src = (id: string) => ({ transport: 'imap' as const, id, receivedAt: new Date() });

function config(limits: Record<string, number> = {}, authorisation: Record<string, unknown> = {}) {
  return parseConfig({
    box: { ownNumber: '+491500000000' },
    mail: {
      out: { fromDomain: 'gw.example.org', replyTo: 'box+{number}@gw.example.org', defaultMailbox: 'owner@gw.example.org' },
      in: { authorisation: { allowedDomains: ['example.org'], trustFromAlone: true, ...authorisation }, limits },
    },
  });
}

/** An outbound message row as mail-in's hand-off writes it, `at` ms ago. */
function sent(h: Awaited<ReturnType<typeof harness>>, from: string, agoMs: number, to = ['+491701111111']): void {
  h.store.messages.insert({ direction: 'out', kind: 'sms', state: 'sent', from, to, at: h.clock.now - agoMs });
}

test('usage is counted over the whole window, per sender, per domain and for the box (not over the newest 1000 messages)', async () => {
  const h = await harness();
  try {
    h.store.tx(() => {
      for (let i = 0; i < 25; i++) sent(h, ANNA, 50 * 60_000);
      // 1,200 newer messages by others: the old count looked at the newest 1,000 rows only.
      for (let i = 0; i < 1200; i++) sent(h, `user${i % 3}@example.org`, 10 * 60_000);
      for (let i = 0; i < 5; i++) sent(h, 'x@other.example', 2 * 3600_000);
    });
    const u = senderUsage(h.ctx, ANNA, h.clock.now);
    assert.deepEqual({ lastHour: u.lastHour, lastDay: u.lastDay }, { lastHour: 25, lastDay: 25 });
    assert.deepEqual(u.domain, { lastHour: 1225, lastDay: 1225 });
    assert.deepEqual(u.box, { lastHour: 1225, lastDay: 1230 });
  } finally {
    await h.close();
  }
});

test('several addresses of one domain are capped together; the box cap holds for everyone', async () => {
  const h = await harness();
  try {
    const opts = mailInOptions(config({ perSenderPerHour: 5, perDomainPerHour: 8, perBoxPerHour: 12 }), h.ctx);
    const results: string[] = [];
    for (let i = 0; i < 10; i++) {
      const o = await processInbound(rawMail({ From: `a${i}@example.org`, To: TO, Subject: `s${i}` }, `text ${i}`), src(`imap:x:1:${i}`), {}, opts);
      results.push(o.kind === 'accepted' ? 'ok' : o.refusal.code);
      await acceptInbound(h.ctx, o);
    }
    assert.deepEqual(results, ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'MAIL_RATE_LIMITED', 'MAIL_RATE_LIMITED']);
  } finally {
    await h.close();
  }
});

test('a second, different mail reusing a Message-ID is queued; the same mail offered again is not', async () => {
  const h = await harness();
  try {
    const opts = mailInOptions(config(), h.ctx);
    const id = '<same@example.org>';
    const first = rawMail({ From: ANNA, To: TO, Subject: 'one', 'Message-ID': id }, 'first text');
    const second = rawMail({ From: ANNA, To: TO, Subject: 'two', 'Message-ID': id }, 'second text');
    for (const [raw, n] of [[first, 1], [second, 2], [first, 3]] as const) {
      const o = await processInbound(raw, src(`imap:x:1:${n}`), {}, opts);
      assert.equal(o.kind, 'accepted');
      await acceptInbound(h.ctx, o);
    }
    const out = h.store.messages.list({ direction: 'out' });
    assert.equal(out.length, 2, 'two different mails, two messages; the repeat of the first is not sent again');
    assert.ok(out.every((m) => m.emailMessageId?.startsWith(id)), 'the identity keeps the Message-ID first (threading of notices)');
  } finally {
    await h.close();
  }
});

test('a mail offered again after a crash is not refused by its own rate limit (issue 9)', async () => {
  const h = await harness();
  try {
    const opts = mailInOptions(config({ perSenderPerHour: 1 }), h.ctx);
    const raw = rawMail({ From: ANNA, To: TO, Subject: 'once', 'Message-ID': '<once@example.org>' }, 'only once');
    const a = await processInbound(raw, src('smtp:s1:1'), {}, opts);
    await acceptInbound(h.ctx, a);
    // The process died before the 250 / the IMAP flag: the same mail comes again.
    const again = await processInbound(raw, src('smtp:s2:1'), {}, opts);
    assert.equal(again.kind, 'accepted', again.kind === 'refused' ? again.refusal.reason : '');
    await acceptInbound(h.ctx, again);
    assert.equal(h.store.messages.list({ direction: 'out' }).length, 1, 'queued once');
    // A new mail from the same sender is limited as before.
    const other = await processInbound(rawMail({ From: ANNA, To: TO, Subject: 'new' }, 'new text'), src('smtp:s3:1'), {}, opts);
    assert.equal(other.kind === 'refused' ? other.refusal.code : other.kind, 'MAIL_RATE_LIMITED');
  } finally {
    await h.close();
  }
});

test('warnings when the configuration trusts From alone, or IMAP cannot authenticate anybody', () => {
  const enabled = { smtpListener: { enabled: true } };
  const c = (authorisation: Record<string, unknown>, extra: Record<string, unknown> = enabled) =>
    parseConfig({ mail: { in: { ...extra, authorisation: { allowedSenders: [ANNA], ...authorisation } } } });
  assert.match(mailInWarnings(c({ trustFromAlone: true })).join('\n'), /trustFromAlone is true/);
  assert.deepEqual(mailInWarnings(c({})), []);
  assert.match(mailInWarnings(c({}, { imap: { enabled: true, host: 'imap.example.org', user: 'u', password: 'p' } })).join('\n'), /authservId/);
  assert.deepEqual(mailInWarnings(c({ authservId: 'mx.example.org' }, { imap: { enabled: true, host: 'imap.example.org', user: 'u', password: 'p' } })), []);
});

test('an Irish box reads 0871112223 as +353 87 111 2223 (issue 9: it became +35871112223, a Finnish-zone number)', async () => {
  const h = await harness();
  try {
    const { resolveRecipients } = await import('../../src/mail/in/addressing.js');
    const cfg = parseConfig({ box: { ownNumber: '+353861234567' }, mail: { out: { fromDomain: 'gw.example.org', replyTo: 'box+{number}@gw.example.org' } } });
    const opts = mailInOptions(cfg, h.ctx);
    assert.deepEqual(resolveRecipients(['box+0871112223@gw.example.org'], opts.addressing), { ok: true, numbers: ['+353871112223'] });
    // From the SIM's MCC when nothing is configured.
    const bare = parseConfig({ mail: { out: { fromDomain: 'gw.example.org', replyTo: 'box+{number}@gw.example.org' } } });
    assert.deepEqual(resolveRecipients(['box+0871112223@gw.example.org'], mailInOptions(bare, h.ctx, '272011234567890').addressing), { ok: true, numbers: ['+353871112223'] });
    // box.country wins.
    const de = parseConfig({ box: { ownNumber: '+353861234567', country: 'DE' }, mail: { out: { fromDomain: 'gw.example.org', replyTo: 'box+{number}@gw.example.org' } } });
    assert.deepEqual(resolveRecipients(['box+015112345678@gw.example.org'], mailInOptions(de, h.ctx).addressing), { ok: true, numbers: ['+4915112345678'] });
  } finally {
    await h.close();
  }
});
