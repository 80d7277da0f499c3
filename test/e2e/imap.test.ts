import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { decodeSmsPdu, type SmsSubmit } from '../../src/codec/sms/index.js';
import { startDovecot, type Dovecot } from '../mail/in/dovecot.js';
import { boxAddress, parsed, sleep, waitUntil, withE2e, type E2eEnv } from '../helpers/e2e.js';

/**
 * The box's mailbox on a real IMAP server (a private Dovecot on 127.0.0.1): mails APPENDed to
 * its INBOX go out as SMS / MMS exactly once, also across a gateway restart while mail waits;
 * a refused mail is answered by a reply mail (there is no SMTP session to answer in).
 */

const SENDER = 'alice@mmsgw.localhost';
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

let dovecot: Dovecot | undefined;
let skipReason = '';

before(async () => {
  const d = await startDovecot(['box']);
  if (typeof d === 'string') skipReason = d;
  else dovecot = d;
});

after(async () => {
  await dovecot?.stop();
});

/** Builds an RFC 5322 message with nodemailer's composer (no transport). */
async function compose(m: { from?: string; to: string; subject: string; text: string; image?: boolean; exe?: boolean }): Promise<Buffer> {
  const t = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const info = await t.sendMail({
    from: m.from ?? SENDER, to: m.to, subject: m.subject, text: m.text,
    ...(m.image ? { attachments: [{ filename: 'pic.gif', content: GIF, contentType: 'image/gif' }] } : {}),
    ...(m.exe ? { attachments: [{ filename: 'setup.exe', content: Buffer.from('MZ\x90\x00\x03\x00'), contentType: 'application/octet-stream' }] } : {}),
  });
  return info.message as Buffer;
}

async function append(d: Dovecot, raw: Buffer): Promise<void> {
  const c = new ImapFlow({ host: '127.0.0.1', port: d.port, secure: false, auth: { user: 'box', pass: d.password }, logger: false });
  await c.connect();
  try {
    await c.append('INBOX', raw);
  } finally {
    await c.logout().catch(() => undefined);
  }
}

async function smsTexts(env: E2eEnv): Promise<{ to: string; text: string }[]> {
  return (await env.modemSim.sent()).map((s) => decodeSmsPdu(s.pdu)).filter((d) => d.ok && d.value.type === 'submit').map((d) => {
    const v = (d as { value: SmsSubmit }).value;
    return { to: v.destination.number, text: v.text ?? '' };
  });
}

test('mail appended to the IMAP mailbox goes out exactly once, across a gateway restart', { timeout: 60_000 }, async (t) => {
  if (!dovecot) return t.skip(`IMAP e2e skipped: ${skipReason}`);
  const d = dovecot;
  await withE2e({
    configure: (c) => ({
      ...c,
      mail: {
        ...c.mail,
        in: { ...c.mail?.in, imap: { enabled: true, host: '127.0.0.1', port: d.port, tls: false, user: 'box', password: d.password, pollSeconds: 5, idle: true } },
      },
    }),
  }, async (env) => {
    const sms = (i: number): { to: string; text: string } => ({ to: `+155503500${i}`, text: `[imap-${i}] hello over IMAP` });
    await append(d, await compose({ to: boxAddress(sms(1).to), subject: '', text: sms(1).text }));
    await append(d, await compose({ to: boxAddress(sms(2).to), subject: '', text: sms(2).text }));
    await append(d, await compose({ to: boxAddress('+15550350009'), subject: '[imap-mms] picture', text: 'a picture', image: true }));
    // Refused: an unknown sender gets no answer (no backscatter without a return path); a known
    // sender is told why by a reply mail.
    await append(d, await compose({ from: 'mallory@evil.example', to: boxAddress('+15550350010'), subject: 'let me in', text: 'spam' }));
    await append(d, await compose({ to: boxAddress('+15550350011'), subject: '[imap-exe] run this', text: 'program attached', exe: true }));
    await waitUntil(async () => {
      const s = await smsTexts(env);
      return [1, 2].every((i) => s.some((x) => x.text === sms(i).text)) && env.mmscSim.sent().some((m) => m.pdu.subject === '[imap-mms] picture');
    }, 25_000, 'the first SMS and the MMS', () => ({ jobs: env.gateway.store.jobs.list(undefined, 5) }));
    const reply = await waitUntil(() => env.sink.mails.find((m) => m.envelopeTo.includes(SENDER)), 15_000, 'the refusal reply to the known sender');
    const rp = await parsed(reply);
    assert.match(rp.text ?? '', /setup\.exe/, `the reply says why: ${rp.text}`);

    // Stop, let mail pile up, start again: only the new mail goes out.
    await env.stopGateway();
    await append(d, await compose({ to: boxAddress(sms(3).to), subject: '', text: sms(3).text }));
    await append(d, await compose({ to: boxAddress(sms(4).to), subject: '', text: sms(4).text }));
    await env.startGateway();
    await waitUntil(async () => {
      const s = await smsTexts(env);
      return [3, 4].every((i) => s.some((x) => x.text === sms(i).text));
    }, 25_000, 'the SMS appended while the gateway was down');
    await sleep(6000); // more than one poll interval
    const s = await smsTexts(env);
    for (const i of [1, 2, 3, 4]) {
      const got = s.filter((x) => x.text === sms(i).text);
      assert.equal(got.length, 1, `[imap-${i}] sent exactly once`);
      assert.equal(got[0]!.to, sms(i).to);
    }
    assert.equal(env.mmscSim.sent().filter((m) => m.pdu.subject === '[imap-mms] picture').length, 1, 'the MMS sent exactly once');
    assert.ok(!s.some((x) => x.to === '+15550350010' || x.to === '+15550350011'), 'nothing sent for the refused mails');
    assert.ok(!env.mmscSim.sent().some((m) => m.pdu.to.some((a) => a.value === '+15550350011')), 'no MMS for the refused mail');
    assert.equal(env.sink.mails.filter((m) => m.envelopeTo.includes(SENDER)).length, 1, 'one refusal reply, not repeated after the restart');
    assert.equal(env.sink.mails.filter((m) => m.envelopeTo.includes('mallory@evil.example')).length, 0, 'no backscatter to an unknown sender');
  });
});
