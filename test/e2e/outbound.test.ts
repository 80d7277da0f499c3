import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { decodeSmsPdu, encodeDeliver, encodeStatusReport, type SmsSubmit } from '../../src/codec/sms/index.js';
import type { MmsPart } from '../../src/codec/mms/index.js';
import { mmsAddress, mmsPdu, pushPdus, wapPushFor } from '../../src/sim/mmsc/index.js';
import { septetsToText } from '../../src/codec/sms/gsm7.js';
import { decodeText } from '../../src/mail/out/charset.js';
import { boxAddress, mailsWith, parsed, sha256, sleep, waitUntil, withE2e, type E2eEnv } from '../helpers/e2e.js';
import { parse as nodePduParse } from 'node-pdu';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dissect, fieldValues, httpPostPacket, pcap, tsharkVersion } from '../helpers/pcap.js';

/**
 * Email → SMS/MMS end to end: a mail client (nodemailer) talks SMTP to the box's listener;
 * short text leaves the modem simulator as SMS-SUBMIT (decoded back from the PDUs the
 * simulator saw on the pty), long text and media reach the MMSC simulator as m-send-req;
 * delivery reports from the network come back to the sender as mail; refused mail is answered
 * and sends nothing; a reply to a relayed mail reaches the original sender's number.
 */

const SENDER = 'alice@mmsgw.localhost';
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

function mailer(env: E2eEnv): ReturnType<typeof nodemailer.createTransport> {
  return nodemailer.createTransport({ host: '127.0.0.1', port: env.smtpInPort, secure: false, ignoreTLS: true });
}

async function send(env: E2eEnv, m: Mail.Options): Promise<{ ok: true } | { ok: false; code: number; response: string }> {
  const t = mailer(env);
  try {
    await t.sendMail({ from: SENDER, ...m });
    return { ok: true };
  } catch (e) {
    const err = e as { responseCode?: number; response?: string; message: string };
    return { ok: false, code: err.responseCode ?? 0, response: err.response ?? err.message };
  } finally {
    t.close();
  }
}

/** SMS-SUBMITs the modem simulator sent to `number`. */
async function smsTo(env: E2eEnv, number: string): Promise<(SmsSubmit & { mr: number; pdu: string })[]> {
  const out: (SmsSubmit & { mr: number; pdu: string })[] = [];
  for (const s of await env.modemSim.sent()) {
    const d = decodeSmsPdu(s.pdu);
    assert.ok(d.ok, `the modem saw an undecodable PDU: ${s.pdu}`);
    if (d.value.type === 'submit' && d.value.destination.number === number) out.push({ ...d.value, mr: s.mr, pdu: s.pdu });
  }
  return out;
}

/** node-pdu (nobody here wrote it) reads the SMS-SUBMIT the modem saw: destination, TP-DCS, text. */
function nodePdu(hex: string): { phone: string; dcs: number; text: string } {
  const p = nodePduParse(hex) as unknown as { address: { phone: string }; dataCodingScheme: { getValue(): number }; data: { getText(): string } };
  return { phone: p.address.phone, dcs: p.dataCodingScheme.getValue(), text: p.data.getText() };
}

function partText(p: MmsPart): string {
  return decodeText(p.body, p.charset ?? p.params['charset']);
}

test('email → SMS / MMS, delivery reports back to the sender', { timeout: 60_000 }, async (t) => {
  await withE2e({}, async (env) => {
    await t.test('short text with GSM extension characters → one SMS-SUBMIT, then a status report is mailed back', async () => {
      const to = '+15550310001';
      const text = 'Price: [10] {EUR} ~ok^ €5 | back\\slash';
      assert.deepEqual(await send(env, { to: boxAddress(to), subject: '', text }), { ok: true });
      const [sms] = await waitUntil(async () => { const x = await smsTo(env, to); return x.length > 0 ? x : undefined; }, 15_000, 'the SMS-SUBMIT');
      assert.ok(sms);
      assert.equal(sms.text, text);
      assert.equal(sms.dcs.alphabet, 'gsm7', 'GSM 7-bit with the extension table');
      assert.deepEqual(nodePdu(sms.pdu), { phone: to.slice(1), dcs: 0x00, text }, 'node-pdu reads the same PDU alike');
      assert.equal((await smsTo(env, to)).length, 1, 'one part, sent once');
      assert.equal(sms.statusReportRequest, true);
      const now = new Date();
      await env.modemSim.deliverStatusReport(encodeStatusReport({ messageReference: sms.mr, recipient: to, scts: now, dischargeTime: now, status: 0 }).hex);
      const notice = await waitUntil(() => env.sink.mails.find((m) => m.envelopeTo.includes(SENDER)), 15_000, 'the delivery notice to the sender');
      const p = await parsed(notice);
      assert.match(p.subject ?? '', /^Delivered/, `notice subject: ${p.subject}`);
      assert.ok(p.text?.includes(to.slice(1)), 'the notice names the recipient');
    });

    await t.test('UCS2 text with emoji → one SMS-SUBMIT in UCS2', async () => {
      const to = '+15550310002';
      const text = 'Ünïcödé and emoji 😀 test — Привет';
      assert.deepEqual(await send(env, { to: boxAddress(to), text }), { ok: true });
      const [sms] = await waitUntil(async () => { const x = await smsTo(env, to); return x.length > 0 ? x : undefined; }, 15_000, 'the SMS-SUBMIT');
      assert.equal(sms?.text, text);
      assert.equal(sms?.dcs.alphabet, 'ucs2');
      assert.deepEqual(nodePdu(sms?.pdu ?? ''), { phone: to.slice(1), dcs: 0x08, text }, 'node-pdu reads the same PDU alike');
    });

    await t.test('long text and an image to two numbers → one group m-send-req; its delivery reports reach the sender', async () => {
      const to = ['+15550310003', '+15550310004'];
      const marker = '[out-group]';
      const long = `${marker} ${'Dies ist ein langer Text mit Ümläuten. '.repeat(20)}`.trim();
      const before = env.mmscSim.sent().length;
      const noticesBefore = env.sink.mails.filter((m) => m.envelopeTo.includes(SENDER)).length;
      assert.deepEqual(await send(env, { to: to.map(boxAddress), subject: `${marker} pic`, text: long, attachments: [{ filename: 'pic.gif', content: GIF, contentType: 'image/gif' }] }), { ok: true });
      await waitUntil(() => env.mmscSim.sent().length > before, 15_000, 'the m-send-req');
      await sleep(500);
      const sent = env.mmscSim.sent().slice(before);
      assert.equal(sent.length, 1, 'one m-send-req for the group');
      const req = sent[0]!;
      assert.deepEqual(req.pdu.to.map((a) => a.value).sort(), to, 'both recipients, in To');
      assert.equal(req.pdu.subject, `${marker} pic`);
      const texts = req.pdu.parts.filter((p) => p.contentType === 'text/plain');
      assert.equal(texts.length, 1);
      assert.match(texts[0]!.charset ?? texts[0]!.params['charset'] ?? '', /utf-8/i);
      assert.equal(partText(texts[0]!).trim(), long);
      const images = req.pdu.parts.filter((p) => p.contentType.startsWith('image/'));
      assert.equal(images.length, 1, 'the image is a part');
      assert.equal(images[0]!.contentType, 'image/gif');
      assert.equal(sha256(images[0]!.body), sha256(GIF), 'a small GIF is sent unchanged');
      assert.ok(req.pdu.parts.some((p) => p.contentType === 'application/smil'), 'a SMIL presentation');
      if (tsharkVersion() !== undefined) {
        // The octets the MMSC received, read by Wireshark's MMSE/WSP dissectors (nobody here wrote them).
        const dir = mkdtempSync(join(tmpdir(), 'mmsgw-out-tshark-'));
        try {
          const file = join(dir, 'send-req.pcap');
          writeFileSync(file, pcap([httpPostPacket(req.raw)]));
          const [packet] = dissect(file);
          assert.ok(packet, 'tshark dissected the m-send-req');
          assert.deepEqual(fieldValues(packet, 'mmse.message_type'), ['0x80'], 'm-send-req (OMA-TS-MMS_ENC §7.3.30)');
          assert.deepEqual(fieldValues(packet, 'mmse.to').sort(), to.map((n) => `${n}/TYPE=PLMN`), 'both recipients');
          assert.deepEqual(fieldValues(packet, 'mmse.subject'), [`${marker} pic`]);
          const types = fieldValues(packet, 'wsp.header.content_type');
          assert.equal(types[0], 'application/vnd.wap.multipart.related');
          assert.deepEqual(types.slice(1).sort(), ['application/smil', 'image/gif', 'text/plain']);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
      assert.equal(await smsTo(env, to[0]!).then((x) => x.length), 0, 'no SMS for an MMS');
      for (const n of to) await env.mmscSim.deliveryReport(req.messageId, n, 'retrieved');
      await waitUntil(() => env.sink.mails.filter((m) => m.envelopeTo.includes(SENDER)).length >= noticesBefore + 2, 15_000, 'a notice per recipient');
      // The MMSC sends the first report again in a new push: the sender is not told twice.
      const resent = mmsPdu({ messageType: 'm-delivery-ind', mmsVersion: '1.2', messageId: req.messageId, to: [mmsAddress(to[0]!)], date: new Date(), status: 'retrieved' });
      for (const pdu of pushPdus(wapPushFor(resent, 91), '+15550109999', 191)) await env.modemSim.deliverSms(pdu);
      await sleep(1500);
      assert.equal(env.sink.mails.filter((m) => m.envelopeTo.includes(SENDER)).length, noticesBefore + 2, 'a resent delivery report gives no second notice');
      const notices = await Promise.all(env.sink.mails.filter((m) => m.envelopeTo.includes(SENDER)).slice(noticesBefore).map(parsed));
      for (const n of to) assert.ok(notices.some((p) => (p.subject ?? '').includes(n)), `a notice names ${n}`);
      await waitUntil(() => env.gateway.store.messages.list({ direction: 'out', state: 'delivered', limit: 10 }).some((m) => m.subject === `${marker} pic`), 5_000, 'the message marked delivered');
    });

    await t.test('an MMS the MMSC refuses for good: the sender is told, nothing retried', async () => {
      const to = '+15550310005';
      const subject = '[out-denied] pic';
      const before = env.sink.mails.length;
      env.mmscSim.fault({ kind: 'response-status', status: 'error-permanent-service-denied', text: 'no MMS plan', on: 'post', times: 1 });
      try {
        assert.deepEqual(await send(env, { to: boxAddress(to), subject, text: 'see picture', attachments: [{ filename: 'pic.gif', content: GIF, contentType: 'image/gif' }] }), { ok: true });
        const notice = await waitUntil(() => env.sink.mails.slice(before).find((m) => m.envelopeTo.includes(SENDER)), 15_000, 'the failure notice');
        const p = await parsed(notice);
        assert.match(p.subject ?? '', /^Not sent/, `notice subject: ${p.subject}`);
        assert.match(p.text ?? '', /service-denied/, 'the notice gives the reason');
        const msg = env.gateway.store.messages.list({ direction: 'out', limit: 20 }).find((m) => m.subject === subject);
        assert.equal(msg?.state, 'failed');
        assert.equal(env.mmscSim.sent().filter((x) => x.pdu.subject === subject).length, 0);
      } finally {
        env.mmscSim.clearFaults();
      }
    });

    await t.test('a concatenated SMS whose first AT+CMGS fails is sent once, every part once', async () => {
      const to = '+15550310006';
      const text = `[out-cmgs] ${'Meeting moved to 3pm, bring the slides. '.repeat(9)}`.trim();
      await env.modemSim.failNext('+CMGS', { cms: 500 }, { stage: 'input' });
      assert.deepEqual(await send(env, { to: boxAddress(to), text }), { ok: true });
      const parts = await waitUntil(async () => {
        const x = await smsTo(env, to);
        return x.length >= 3 ? x : undefined;
      }, 30_000, 'the three parts after the retry');
      await sleep(1000);
      const all = await smsTo(env, to);
      assert.equal(all.length, 3, 'three parts, none sent twice');
      assert.deepEqual(all.map((p) => p.concat?.seq), [1, 2, 3]);
      assert.equal(new Set(all.map((p) => p.concat?.ref)).size, 1, 'one concatenation reference');
      assert.equal(parts.length, 3);
      // Joined before decoding, as a handset does (3GPP 23.040 §9.2.3.24.1); plain ASCII here.
      assert.ok(all.every((p) => p.userData.unit === 'septets'));
      assert.equal(all.map((p) => septetsToText(p.userData.data)).join(''), text);
    });

    await t.test('reply to a relayed SMS reaches the original sender', async () => {
      const from = '+15550320001';
      const marker = '[out-reply-origin]';
      for (const p of encodeDeliver({ from, text: `${marker} can you call me?`, reference: 9 })) await env.modemSim.deliverSms(p.hex);
      const [relayed] = await waitUntil(async () => { const x = await mailsWith(env.sink, marker); return x.length > 0 ? x : undefined; }, 15_000, 'the relayed SMS');
      const replyTo = relayed!.parsed.replyTo?.value[0]?.address;
      assert.ok(replyTo, 'the relayed mail has a Reply-To');
      const inReplyTo = relayed!.parsed.messageId;
      assert.deepEqual(await send(env, { to: replyTo, subject: 'Re: SMS', text: 'Sure, in 5 minutes', ...(inReplyTo ? { inReplyTo } : {}) }), { ok: true });
      const [sms] = await waitUntil(async () => { const x = await smsTo(env, from); return x.length > 0 ? x : undefined; }, 15_000, `an SMS to ${from}`);
      assert.equal(sms?.text, 'Sure, in 5 minutes');
    });
  });
});

test('refused mail is answered and nothing is sent', { timeout: 60_000 }, async (t) => {
  await withE2e({}, async (env) => {
    const mmsBefore = (): number => env.mmscSim.sent().length;
    /** Sends, expects SMTP 5xx or a reply mail to the sender, and no SMS/MMS. */
    const refused = async (name: string, m: Mail.Options & { from?: string }, o: { replyTo?: string } = {}): Promise<string> => {
      const sms0 = (await env.modemSim.sent()).length;
      const mms0 = mmsBefore();
      const mails0 = env.sink.mails.length;
      const r = await send(env, m);
      let answer: string;
      if (r.ok) {
        const who = o.replyTo ?? (typeof m.from === 'string' ? m.from : SENDER);
        const reply = await waitUntil(() => env.sink.mails.slice(mails0).find((x) => x.envelopeTo.includes(who)), 10_000, `${name}: a reply mail to ${who}`);
        answer = `reply: ${(await parsed(reply)).subject ?? ''}`;
      } else {
        assert.ok(r.code >= 500 && r.code < 600, `${name}: SMTP ${r.code} ${r.response}`);
        answer = `${r.code} ${r.response}`;
      }
      await sleep(800);
      assert.equal((await env.modemSim.sent()).length, sms0, `${name}: no SMS went out (${answer})`);
      assert.equal(mmsBefore(), mms0, `${name}: no MMS went out (${answer})`);
      return answer;
    };
    await t.test('unknown sender', async (st) => {
      st.diagnostic(await refused('unknown sender', { from: 'mallory@evil.example', to: boxAddress('+15550330001'), text: 'let me in' }));
    });
    await t.test('no recipient number', async (st) => {
      st.diagnostic(await refused('no recipient', { to: 'box@mmsgw.localhost', text: 'to whom?' }));
    });
    await t.test('oversize attachment', async (st) => {
      st.diagnostic(await refused('oversize', { to: boxAddress('+15550330002'), text: 'big', attachments: [{ filename: 'big.amr', content: Buffer.concat([Buffer.from('#!AMR\n'), randomBytes(1_500_000)]), contentType: 'audio/amr' }] }));
    });
    await t.test('unsupported media (.exe)', async (st) => {
      st.diagnostic(await refused('exe', { to: boxAddress('+15550330003'), text: 'run this', attachments: [{ filename: 'setup.exe', content: Buffer.from('MZ\x90\x00\x03\x00\x00\x00'), contentType: 'application/x-msdownload' }] }));
    });
    await t.test('malformed MIME', async (st) => {
      const raw = [
        `From: ${SENDER}`, `To: ${boxAddress('+15550330004')}`, 'Subject: broken', 'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="never-used"', '', 'no boundary ever appears here', '',
      ].join('\r\n');
      st.diagnostic(await refused('malformed', { envelope: { from: SENDER, to: [boxAddress('+15550330004')] }, raw }));
    });
    await t.test('1,000 recipients', async (st) => {
      const to = Array.from({ length: 1000 }, (_, i) => boxAddress(`+1555034${String(i).padStart(4, '0')}`));
      st.diagnostic(await refused('1000 recipients', { to, text: 'spam' }));
    });
    await t.test('header injection in the subject does not add recipients or headers', async (st) => {
      const to = '+15550330005';
      const sms0 = (await env.modemSim.sent()).length;
      const mms0 = mmsBefore();
      const mails0 = env.sink.mails.length;
      const raw = [
        `From: ${SENDER}`, `To: ${boxAddress(to)}`, 'Subject: =?utf-8?q?hello=0D=0ABcc:_+15550339999=0D=0ATo:_+15550339998?=', 'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b1"', '', '--b1', 'Content-Type: text/plain; charset=utf-8', '', 'injected?', '--b1',
        'Content-Type: image/gif', 'Content-Transfer-Encoding: base64', 'Content-Disposition: attachment; filename="a.gif"', '', GIF.toString('base64'), '--b1--', '',
      ].join('\r\n');
      const r = await send(env, { envelope: { from: SENDER, to: [boxAddress(to)] }, raw });
      await sleep(1500);
      st.diagnostic(JSON.stringify(r));
      const sms = (await env.modemSim.sent()).slice(sms0).map((s) => decodeSmsPdu(s.pdu)).filter((d) => d.ok).map((d) => d.value as SmsSubmit);
      const mms = env.mmscSim.sent().slice(mms0);
      for (const s of sms) assert.equal(s.destination.number, to, 'an SMS only to the addressed number');
      for (const m of mms) {
        assert.deepEqual([...m.pdu.to, ...m.pdu.cc, ...m.pdu.bcc].map((a) => a.value), [to], 'an MMS only to the addressed number');
        assert.doesNotMatch(m.pdu.subject ?? '', /[\r\n]/, 'no line break in the MMS subject');
      }
      for (const mail of env.sink.mails.slice(mails0)) {
        const head = mail.raw.subarray(0, mail.raw.indexOf('\r\n\r\n')).toString('latin1');
        assert.doesNotMatch(head, /^(Bcc|To): \+1555033999/im, 'no injected header in a mail the box wrote');
      }
      if (r.ok) assert.equal(sms.length + mms.length, 1, 'accepted: sent exactly once, to the one number');
      else assert.equal(sms.length + mms.length, 0, 'refused: nothing sent');
    });
  });
});
