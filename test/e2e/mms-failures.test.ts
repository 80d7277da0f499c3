import { test } from 'node:test';
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { decodeMms } from '../../src/codec/mms/index.js';
import { mmsAddress, mmsPdu, pushPdus, wapPushFor, randomHandsetParts } from '../../src/sim/mmsc/index.js';
import { mailsWith, pythonParse, sleep, waitUntil, withE2e, OWN_NUMBER, type E2eEnv } from '../helpers/e2e.js';

/**
 * "A failure always reaches the owner" (issue 10): an MMS over the size limit, an m-retrieve-conf
 * that does not decode, a download that fails for good. Each is answered to the MMSC
 * (m-notifyresp-ind Rejected / Unrecognised, as the MMSC simulator records it), kept (raw bytes
 * and quarantine for the undecodable one), and announced to the owner's mailbox with what is
 * known; the owner's notice is read back with Python's email package. A re-sent notification
 * for a failed message retries it.
 */
const OWNER = 'demo@mmsgw.localhost';

async function ownerNotice(env: E2eEnv, marker: string): Promise<ReturnType<typeof pythonParse>> {
  const [m] = await waitUntil(async () => {
    const found = (await mailsWith(env.sink, marker)).filter((x) => x.mail.envelopeTo.includes(OWNER) && /^Undelivered MMS/.test(x.parsed.subject ?? ''));
    return found.length > 0 ? found : undefined;
  }, 30_000, `the owner's notice about ${marker}`);
  return pythonParse(m!.mail.raw);
}

function messageOf(env: E2eEnv, txid: string) {
  return env.gateway.store.messages.getByTransactionId(txid, 'in');
}

test('MMS failures reach the owner, are answered to the MMSC, and a re-sent notification retries', { timeout: 180_000 }, async (t) => {
  await withE2e({ configure: (c) => ({ ...c, mmsc: { ...c.mmsc, maxMessageSize: 40_000, fetchRetries: 1, backoff: { initialSeconds: 1, maxSeconds: 1 } } }) }, async (env) => {
    await t.test('over the size limit: Rejected, owner told sender, size and subject', async () => {
      const subject = '[fail-too-large] holiday video';
      const txid = await env.mmscSim.submitFromHandset({ from: '+15550201001', to: OWN_NUMBER, subject, parts: [{ contentType: 'text/plain', text: 'look' }, { contentType: 'video/3gpp', name: 'clip.3gp', body: randomBytes(90_000) }] });
      const notice = await ownerNotice(env, subject);
      const body = notice.parts.find((p) => p.contentType === 'text/plain')?.text ?? '';
      assert.match(notice.subject, /15550201001/);
      assert.match(body, /From: +\+15550201001/);
      assert.match(body, /Size: +\d{5,} bytes/);
      assert.ok(body.includes(subject), 'the subject is in the notice');
      assert.match(body, /larger than this box accepts/);
      await waitUntil(() => env.mmscSim.notifyResps().find((r) => r.transactionId === txid), 10_000, 'the m-notifyresp-ind');
      assert.equal(env.mmscSim.notifyResps().find((r) => r.transactionId === txid)?.status, 'rejected');
      assert.equal(env.mmscSim.fetches(txid), 0, 'never downloaded');
      assert.equal(messageOf(env, txid)?.state, 'rejected');
    });

    await t.test('undecodable m-retrieve-conf: raw bytes kept, quarantined, Unrecognised, owner told', async () => {
      const subject = '[fail-undecodable] party';
      env.mmscSim.fault({ kind: 'corrupt', fraction: 0.5, on: 'retrieve', times: 5 });
      try {
        const txid = await env.mmscSim.submitFromHandset({ from: '+15550201002', to: OWN_NUMBER, subject, parts: randomHandsetParts({ parts: 3, totalBytes: 12_000, seed: 2 }) });
        const notice = await ownerNotice(env, '15550201002');
        const body = notice.parts.find((p) => p.contentType === 'text/plain')?.text ?? '';
        assert.match(body, /not a readable MMS/);
        assert.match(body, /quarantine entry #\d+/);
        const msg = await waitUntil(() => { const m = messageOf(env, txid); return m?.state === 'failed' ? m : undefined; }, 10_000, 'state failed');
        const store = env.gateway.store;
        const raw = store.content.rawPdusOf(msg.id).find((r) => r.kind === 'mms-retrieve-conf');
        assert.ok(raw, 'the raw bytes are stored with the message');
        const bytes = await store.content.rawPduBody(raw);
        const served = env.mmscSim.message(txid)!.retrieveConf;
        assert.deepEqual(Buffer.from(bytes), Buffer.from(served.subarray(0, Math.floor(served.byteLength * 0.5))), 'exactly the bytes the MMSC served');
        assert.equal(decodeMms(bytes).ok, false);
        const qid = Number(/quarantine entry #(\d+)/.exec(body)?.[1]);
        const q = store.intake.quarantined(qid);
        assert.equal(q?.source, 'mms');
        assert.equal(Buffer.compare(Buffer.from(q!.bytes), Buffer.from(bytes)), 0);
        await waitUntil(() => env.mmscSim.notifyResps().find((r) => r.transactionId === txid), 10_000, 'the m-notifyresp-ind');
        assert.equal(env.mmscSim.notifyResps().find((r) => r.transactionId === txid)?.status, 'unrecognised');
      } finally {
        env.mmscSim.clearFaults();
      }
    });

    await t.test('download fails for good: failed, owner told; the carrier re-sends the notification: fetched and relayed', async () => {
      const subject = '[fail-download] beach';
      // 403: a permanent refusal (a 404 / 410 means the MMSC no longer holds the message: expired,
      // see mmsc-sim-fidelity.test.ts).
      env.mmscSim.fault({ kind: 'status', status: 403, on: 'retrieve', times: 10 });
      let txid: string;
      try {
        txid = await env.mmscSim.submitFromHandset({ from: '+15550201003', to: OWN_NUMBER, subject, parts: randomHandsetParts({ parts: 2, totalBytes: 8_000, seed: 3 }) });
        const notice = await ownerNotice(env, '15550201003');
        const body = notice.parts.find((p) => p.contentType === 'text/plain')?.text ?? '';
        assert.match(body, /download failed for good/);
        assert.match(body, /403/);
        assert.equal(messageOf(env, txid)?.state, 'failed');
      } finally {
        env.mmscSim.clearFaults();
      }
      const sim = env.mmscSim.message(txid)!;
      const ind = mmsPdu({ messageType: 'm-notification-ind', mmsVersion: '1.2', transactionId: txid, from: mmsAddress('+15550201003'), subject, messageClass: 'personal', messageSize: sim.retrieveConf.byteLength, expiry: { kind: 'relative', seconds: 86_400 }, contentLocation: sim.contentLocation });
      for (const pdu of pushPdus(wapPushFor(ind, 77), '+15550109999', 177)) await env.modemSim.deliverSms(pdu);
      await waitUntil(async () => (await mailsWith(env.sink, subject)).some((m) => m.mail.envelopeTo.includes(OWNER) && !/^Undelivered/.test(m.parsed.subject ?? '')), 30_000, 'the MMS relayed after the re-sent notification');
      assert.equal(messageOf(env, txid)?.state, 'relayed');
      await sleep(500);
    });
  });
});
