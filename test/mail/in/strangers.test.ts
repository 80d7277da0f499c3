import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import nodemailer from 'nodemailer';
import { dkimSign } from 'mailauth';
import { SmtpListener } from '../../../src/mail/in/smtp.js';
import { processInbound } from '../../../src/mail/in/accept.js';
import type { InboundOutcome, MailInOptions } from '../../../src/mail/in/types.js';
import { ANNA, mailInOptions, rawMail } from './fixtures.js';

/**
 * Strangers must not send: with the default (requireAuthenticated) a mail needs an SMTP
 * login, a DKIM pass aligned with From, or an SPF pass for an aligned envelope sender —
 * verified by mailauth on the listener, read from trusted Authentication-Results over IMAP.
 */
const TO = 'box+491701234567@gw.example.org';
const secure = (over: Partial<MailInOptions['authorisation']> = {}): MailInOptions => {
  const base = mailInOptions();
  return { ...base, authorisation: { ...base.authorisation, requireAuthenticated: true, ...over } };
};
const src = { transport: 'imap' as const, id: 'imap:INBOX:1:7', receivedAt: new Date() };

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicB64 = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

/** DNS as the test's world has it: example.org's DKIM key and SPF policy (only 192.0.2.1 may send). */
const resolver = async (name: string, rrtype: string): Promise<string[][]> => {
  if (rrtype === 'TXT' && name === 'sel._domainkey.example.org') return [[`v=DKIM1; k=rsa; p=${publicB64}`]];
  if (rrtype === 'TXT' && name === 'example.org') return [['v=spf1 ip4:192.0.2.1 -all']];
  if (rrtype === 'TXT' && name === 'spf.example.org') return [['v=spf1 ip4:127.0.0.1 -all']];
  const e = Object.assign(new Error(`no ${rrtype} for ${name}`), { code: 'ENOTFOUND' });
  throw e;
};

async function listen(t: { after(fn: () => unknown): void }, mailIn: MailInOptions): Promise<{ port: number; outcomes: InboundOutcome[] }> {
  const outcomes: InboundOutcome[] = [];
  const l = new SmtpListener({ port: 0, hostname: 'gw.example.org', authentication: { resolver, mta: 'gw.example.org' } }, mailIn, async (o) => { outcomes.push(o); });
  const port = await l.listen();
  t.after(() => l.close());
  return { port, outcomes };
}

async function send(port: number, raw: Buffer, from: string): Promise<{ ok: boolean; code?: number; response?: string }> {
  const tr = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, name: 'client.example.org' });
  try {
    await tr.sendMail({ envelope: { from, to: [TO] }, raw });
    return { ok: true };
  } catch (e) {
    const err = e as { responseCode?: number; response?: string };
    return { ok: false, ...(err.responseCode !== undefined ? { code: err.responseCode } : {}), ...(err.response !== undefined ? { response: err.response } : {}) };
  } finally {
    tr.close();
  }
}

test('listener: a forged From of an allowed sender, without login, DKIM or SPF, is refused 550 5.7.1', async (t) => {
  const l = await listen(t, secure());
  const r = await send(l.port, rawMail({ From: ANNA, To: TO, Subject: 'forged' }), 'mallory@evil.example');
  assert.equal(r.ok, false);
  assert.equal(r.code, 550);
  assert.match(r.response ?? '', /5\.7\.1 .*no proof/);
  assert.equal(l.outcomes[0]?.kind === 'refused' ? l.outcomes[0].refusal.code : '', 'MAIL_AUTH_FAILED');
});

test('listener: a DKIM signature of the From domain, verified by mailauth, is proof enough', async (t) => {
  const l = await listen(t, secure());
  const unsigned = rawMail({ From: ANNA, To: TO, Subject: 'signed', Date: new Date().toUTCString() }, 'Hello, signed');
  // mailauth 4.13 takes signatureData at run time, whatever its type declarations say.
  const signOpts = { signatureData: [{ signingDomain: 'example.org', selector: 'sel', privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }) as string }] };
  const signed = await dkimSign(unsigned, signOpts as unknown as Parameters<typeof dkimSign>[1]);
  assert.match(signed.signatures, /^DKIM-Signature:/);
  const raw = Buffer.concat([Buffer.from(signed.signatures), unsigned]);
  const r = await send(l.port, raw, 'bounces@elsewhere.example');
  assert.equal(r.ok, true, r.response);
  assert.equal(l.outcomes[0]?.kind, 'accepted');
  // The same bytes with the body changed fail DKIM and are refused.
  const tampered = Buffer.from(raw.toString('latin1').replace('Hello, signed', 'Pay 1000 EUR'), 'latin1');
  const bad = await send(l.port, tampered, 'bounces@elsewhere.example');
  assert.equal(bad.code, 550);
});

test('listener: an SPF pass for an envelope sender aligned with From is proof enough; one for another domain is not', async (t) => {
  const l = await listen(t, secure());
  const fromSpf = 'anna@spf.example.org';
  // spf.example.org allows 127.0.0.1, and it is a subdomain of the From domain example.org (relaxed alignment).
  const ok = await send(l.port, rawMail({ From: ANNA, To: TO, Subject: 'spf' }), fromSpf);
  assert.equal(ok.ok, true, ok.response);
  // example.org's SPF does not allow 127.0.0.1.
  const bad = await send(l.port, rawMail({ From: ANNA, To: TO, Subject: 'spf fail' }), ANNA);
  assert.equal(bad.code, 550);
});

test('IMAP: only Authentication-Results of the trusted authserv-id count', async () => {
  const opts = secure();
  const withAr = (ar: string) => rawMail({ 'Authentication-Results': ar, From: ANNA, To: TO, Subject: 'x' });
  const ok = await processInbound(withAr('mx.gw.example.org; dkim=pass header.d=example.org header.s=sel'), src, {}, opts);
  assert.equal(ok.kind, 'accepted');
  const other = await processInbound(withAr('mx.evil.example; dkim=pass header.d=example.org'), src, {}, opts);
  assert.equal(other.kind === 'refused' ? other.refusal.code : other.kind, 'MAIL_AUTH_FAILED');
  const unaligned = await processInbound(withAr('mx.gw.example.org; dkim=pass header.d=evil.example; spf=pass smtp.mailfrom=x@evil.example'), src, {}, opts);
  assert.equal(unaligned.kind === 'refused' ? unaligned.refusal.code : unaligned.kind, 'MAIL_AUTH_FAILED');
  const spf = await processInbound(withAr('mx.gw.example.org; spf=pass smtp.mailfrom=anna@example.org'), src, {}, opts);
  assert.equal(spf.kind, 'accepted');
  const none = await processInbound(rawMail({ From: ANNA, To: TO, Subject: 'x' }), src, {}, opts);
  assert.equal(none.kind === 'refused' ? none.refusal.code : none.kind, 'MAIL_AUTH_FAILED');
  // trustFromAlone (requireAuthenticated off): From alone passes, as before.
  assert.equal((await processInbound(rawMail({ From: ANNA, To: TO, Subject: 'x' }), src, {}, mailInOptions())).kind, 'accepted');
});

test('an SMTP login is proof enough without DKIM or SPF', async () => {
  const o = await processInbound(rawMail({ From: ANNA, To: TO, Subject: 'x' }), src, { mailFrom: ANNA, rcptTo: [TO], smtpUser: { username: 'anna' } }, secure());
  assert.equal(o.kind, 'accepted');
});
