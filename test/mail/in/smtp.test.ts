import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import { SmtpListener } from '../../../src/mail/in/smtp.js';
import type { SmtpListenerOptions } from '../../../src/mail/in/smtp.js';
import type { InboundOutcome, MailInOptions } from '../../../src/mail/in/types.js';
import { ANNA, mailInOptions } from './fixtures.js';

const TO = 'box+491701234567@gw.example.org';

interface Running {
  port: number;
  outcomes: InboundOutcome[];
  close(): Promise<void>;
}

async function start(opts: Partial<SmtpListenerOptions> = {}, mailIn: MailInOptions = mailInOptions(), fail = false): Promise<Running> {
  const outcomes: InboundOutcome[] = [];
  const listener = new SmtpListener({ port: 0, ...opts }, mailIn, async (o) => {
    if (fail) throw new Error('store is down');
    outcomes.push(o);
  });
  const port = await listener.listen();
  return { port, outcomes, close: () => listener.close() };
}

function client(port: number, extra: Record<string, unknown> = {}): Transporter {
  return nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, ...extra });
}

function smtpError(e: unknown): { responseCode?: number; response?: string } {
  return e as { responseCode?: number; response?: string };
}

let tlsDir: string | undefined;
let tls: { key: Buffer; cert: Buffer } | undefined;

before(() => {
  try {
    tlsDir = mkdtempSync(join(tmpdir(), 'mmsgw-smtp-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(tlsDir, 'key.pem'), '-out', join(tlsDir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    tls = { key: readFileSync(join(tlsDir, 'key.pem')), cert: readFileSync(join(tlsDir, 'cert.pem')) };
  } catch {
    tls = undefined;
  }
});

after(() => {
  if (tlsDir) rmSync(tlsDir, { recursive: true, force: true });
});

test('mail client → listener → handler receives the authorised, addressed plan before 250', async () => {
  const s = await start();
  try {
    const info = await client(s.port).sendMail({ from: `Anna <${ANNA}>`, to: TO, subject: 'Re: SMS', text: 'On my way\n\nSent from my iPhone' });
    assert.match(info.response ?? '', /^250 .*Accepted as SMS for \+491701234567/);
    assert.equal(s.outcomes.length, 1);
    const o = s.outcomes[0];
    assert.ok(o?.kind === 'accepted');
    assert.deepEqual(o.plan, { kind: 'sms', to: ['+491701234567'], text: 'On my way', segments: 1, alphabet: 'gsm7' });
    assert.equal(o.source.transport, 'smtp');
  } finally {
    await s.close();
  }
});

test('a group mail with a photo becomes one MMS for both numbers, picture and text on one slide', async () => {
  const s = await start();
  try {
    const gif = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');
    const info = await client(s.port).sendMail({
      from: ANNA,
      to: [TO, '01709999999@sms.example.org'],
      subject: 'Re: party',
      html: '<p>Here is the <b>map</b></p>',
      attachments: [{ filename: 'map.gif', content: gif, contentType: 'image/gif' }],
    });
    assert.match(info.response ?? '', /Accepted as MMS for \+491701234567, \+491709999999/);
    const o = s.outcomes[0];
    assert.ok(o?.kind === 'accepted' && o.plan.kind === 'mms');
    assert.equal(o.plan.subject, 'party');
    assert.deepEqual(o.plan.parts.map((p) => [p.contentType, p.contentLocation]), [['text/plain', 'text.txt'], ['image/gif', 'map.gif']]);
    assert.equal(new TextDecoder().decode(o.plan.parts[0]?.body), 'Here is the map');
    assert.deepEqual(Buffer.from(o.plan.parts[1]?.body ?? []), gif);
    assert.match(o.plan.smil, /<par dur="5000ms">\n<img src="map.gif" region="Image"\/>\n<text src="text.txt" region="Text"\/>\n<\/par>/);
  } finally {
    await s.close();
  }
});

test('RCPT TO: foreign domains, bare mailbox and bad numbers get 550; the transaction sends nothing', async () => {
  const s = await start();
  try {
    const c = client(s.port);
    for (const [to, re] of [['alice@gmail.example', /550 5\.7\.1 Relaying denied/], ['box@gw.example.org', /550 5\.1\.1/], ['box+123@gw.example.org', /550 5\.1\.3 .*too short/]] as const) {
      await assert.rejects(c.sendMail({ from: ANNA, to, text: 'x' }), (e) => re.test(smtpError(e).response ?? ''));
    }
    await assert.rejects(c.sendMail({ from: ANNA, to: [TO, 'box+123@gw.example.org'], text: 'group' }), (e) => smtpError(e).responseCode === 554);
    assert.equal(s.outcomes.length, 0, 'nothing handed off');
  } finally {
    await s.close();
  }
});

test('oversize mail is rejected with 552', async () => {
  const s = await start({}, mailInOptions({ maxMailBytes: 4096 }));
  try {
    await assert.rejects(client(s.port).sendMail({ from: ANNA, to: TO, text: 'y'.repeat(20_000) }), (e) => smtpError(e).responseCode === 552);
    assert.equal(s.outcomes.length, 0);
  } finally {
    await s.close();
  }
});

test('refusals are answered in the session; the handler records them without a reply mail', async () => {
  const s = await start();
  try {
    await assert.rejects(client(s.port).sendMail({ from: 'mallory@evil.example', to: TO, text: 'hi' }), (e) => /^550 5\.7\.1 mallory@evil\.example is not allowed/.test(smtpError(e).response ?? ''));
    const rcpt = Array.from({ length: 1000 }, (_, i) => `box+49170${String(1000000 + i)}@gw.example.org`);
    await assert.rejects(client(s.port).sendMail({ from: ANNA, to: rcpt, text: 'spam' }), (e) => /^550 5\.5\.3 .*1000 numbers/.test(smtpError(e).response ?? ''));
    assert.deepEqual(s.outcomes.map((o) => o.kind === 'refused' && [o.refusal.code, o.reply]), [['MAIL_SENDER_UNKNOWN', undefined], ['MAIL_TOO_MANY_RECIPIENTS', undefined]]);
  } finally {
    await s.close();
  }
});

test('a failing hand-off answers 451 so the client retries', async () => {
  const s = await start({}, mailInOptions(), true);
  try {
    await assert.rejects(client(s.port).sendMail({ from: ANNA, to: TO, text: 'hi' }), (e) => smtpError(e).responseCode === 451);
  } finally {
    await s.close();
  }
});

test('AUTH: refused in cleartext, required when users exist, accepted after STARTTLS', async (t) => {
  assert.throws(() => new SmtpListener({ port: 0, users: [{ username: 'anna', password: 'pw' }] }, mailInOptions(), async () => undefined), /STARTTLS/);
  if (!tls) {
    t.skip('openssl is not installed: no certificate for the STARTTLS test');
    return;
  }
  const s = await start({ tls, users: [{ username: 'anna', password: 's3cret' }] }, mailInOptions({ authorisation: { ...mailInOptions().authorisation, requireDkimPass: true } }));
  try {
    await assert.rejects(client(s.port, { auth: { user: 'anna', pass: 's3cret' } }).sendMail({ from: ANNA, to: TO, text: 'x' }), (e) => smtpError(e).responseCode === 538, 'no AUTH without TLS (RFC 4954 §4)');
    await assert.rejects(client(s.port).sendMail({ from: ANNA, to: TO, text: 'x' }), (e) => smtpError(e).responseCode === 530, 'login required');
    const tlsClient = (pass: string): Transporter => client(s.port, { ignoreTLS: false, requireTLS: true, tls: { rejectUnauthorized: false }, auth: { user: 'anna', pass } });
    await assert.rejects(tlsClient('wrong').sendMail({ from: ANNA, to: TO, text: 'x' }), (e) => smtpError(e).responseCode === 535);
    const info = await tlsClient('s3cret').sendMail({ from: ANNA, to: TO, text: 'over TLS' });
    assert.match(info.response ?? '', /^250 /);
    assert.equal(s.outcomes.length, 1);
    assert.ok(s.outcomes[0]?.kind === 'accepted', 'the login satisfies requireDkimPass');
  } finally {
    await s.close();
  }
});
