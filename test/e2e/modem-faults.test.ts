import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeDeliver } from '../../src/codec/sms/index.js';
import { randomHandsetParts } from '../../src/sim/mmsc/index.js';
import { OWN_NUMBER, mailsWith, sleep, waitUntil, withE2e, type E2eEnv } from '../helpers/e2e.js';

/**
 * The serial line and the modem misbehaving while SMS and WAP Push arrive: line noise,
 * replies cut into pieces or merged with URCs, a URC inside a command response, +CMS errors
 * on the storage commands, a modem reboot, the USB device unplugged and replugged. Every
 * message is relayed exactly once. And SMS already in modem storage before the gateway starts
 * are drained.
 */

let seq = 0;

interface Sent {
  readonly marker: string;
}

/** Delivers one plain SMS and one concatenated SMS (3 segments) carrying fresh markers. */
async function deliverSmsPair(env: E2eEnv, name: string): Promise<Sent[]> {
  const out: Sent[] = [];
  for (const long of [false, true]) {
    const marker = `[modem-${name}-${seq++}]`;
    const text = long ? `${marker} ${'Grüße aus Köln, langer Text. '.repeat(12)}` : `${marker} kurz €`;
    for (const p of encodeDeliver({ from: `+1555023${String(seq).padStart(4, '0')}`, text, reference: seq & 0xff })) await env.modemSim.deliverSms(p.hex);
    out.push({ marker });
  }
  return out;
}

async function deliverMms(env: E2eEnv, name: string): Promise<Sent> {
  const marker = `[modem-${name}-mms-${seq++}]`;
  await env.mmscSim.submitFromHandset({ from: '+15550230999', to: OWN_NUMBER, subject: marker, parts: randomHandsetParts({ parts: 2, totalBytes: 4_000, seed: seq }) });
  return { marker };
}

async function expectOnce(env: E2eEnv, sent: readonly Sent[], timeoutMs = 20_000): Promise<void> {
  try {
    await waitUntil(async () => {
      for (const s of sent) if ((await mailsWith(env.sink, s.marker)).length === 0) return false;
      return true;
    }, timeoutMs, `${sent.map((s) => s.marker).join(' ')} at the mailbox`, () => ({
      have: env.sink.mails.length,
      modem: env.gateway.modemStatus()?.state,
      jobs: env.gateway.store.jobs.list(undefined, 6).map((j) => `${j.key} ${j.state} ${j.lastError ?? ''}`),
      messages: env.gateway.store.messages.list({ limit: 6 }).map((m) => `${m.id} ${m.kind} ${m.state} ${m.from ?? ''}`),
    }));
  } catch (e) {
    // Where did it stay: still in modem storage (an indication lost), or with the network?
    const storage = await env.modemSim.storage().catch(() => undefined);
    throw new Error(`${(e as Error).message}\nmodem storage: ${JSON.stringify(storage)}`, { cause: e });
  }
  await sleep(300);
  for (const s of sent) assert.equal((await mailsWith(env.sink, s.marker)).length, 1, `${s.marker}: exactly one mail`);
}

test('SMS and WAP Push through a misbehaving modem line: each relayed exactly once', { timeout: 85_000 }, async (t) => {
  await withE2e({}, async (env) => {
    await t.test('baseline', async () => expectOnce(env, await deliverSmsPair(env, 'base')));
    await t.test('garbage on the line', async () => {
      await env.modemSim.garbage(300);
      const sent = await deliverSmsPair(env, 'garbage');
      await env.modemSim.garbage(Buffer.from('\r\n+CMT\x00\xff\xfeOK\r\nERR'));
      sent.push(await deliverMms(env, 'garbage'));
      await expectOnce(env, sent);
    });
    await t.test('replies split into pieces', async () => {
      await env.modemSim.splitNext(8);
      const sent = await deliverSmsPair(env, 'split');
      sent.push(await deliverMms(env, 'split'));
      await expectOnce(env, sent);
    });
    await t.test('a URC merged into the next reply', async () => {
      await env.modemSim.mergeNext('+CREG: 1', 'before');
      const sent = await deliverSmsPair(env, 'merge');
      await env.modemSim.mergeNext('+CREG: 1', 'after');
      sent.push(...(await deliverSmsPair(env, 'merge2')));
      await expectOnce(env, sent);
    });
    await t.test('a URC inside a command response', async () => {
      await env.modemSim.urcInsideNextResponse('+CREG: 1');
      const sent = await deliverSmsPair(env, 'inside');
      await expectOnce(env, sent);
    });
    await t.test('+CMS ERROR on the next CMGL, CMGR and CMGD', async () => {
      // The listing fails, so the announced slots are read one by one: the first read fails too.
      await env.modemSim.failNext('+CMGL', { cms: 500 });
      await env.modemSim.failNext('+CMGR', { cms: 500 });
      await env.modemSim.failNext('+CMGD', { cms: 500 });
      const sent = await deliverSmsPair(env, 'cms');
      sent.push(await deliverMms(env, 'cms'));
      await expectOnce(env, sent, 30_000);
    });
    await t.test('modem reboot (RDY) with messages arriving around it', async () => {
      const sent = await deliverSmsPair(env, 'pre-reboot');
      await env.modemSim.reboot({ delayMs: 300 });
      sent.push(...(await deliverSmsPair(env, 'reboot')));
      await sleep(1500);
      sent.push(...(await deliverSmsPair(env, 'post-reboot')));
      sent.push(await deliverMms(env, 'post-reboot'));
      await expectOnce(env, sent, 30_000);
    });
    await t.test('USB unplug and replug', async () => {
      await env.modemSim.unplug(1500);
      await env.modemSim.nextEvent('plugged', 10_000);
      const sent = await deliverSmsPair(env, 'replug');
      sent.push(await deliverMms(env, 'replug'));
      await expectOnce(env, sent, 30_000);
    });
    const storage = await env.modemSim.storage();
    assert.equal(storage.ME.length + storage.SM.length, 0, `modem storage drained: ${JSON.stringify(storage.used)}`);
    assert.equal(storage.network.length, 0, 'nothing left with the network');
  });
});

test('SMS already in modem storage before the gateway starts are drained', { timeout: 40_000 }, async () => {
  const markers = ['[modem-stored-0]', '[modem-stored-1]', '[modem-stored-2]'];
  const pdus = [
    ...encodeDeliver({ from: '+15550240001', text: `${markers[0]} waiting in ME`, reference: 1 }).map((p) => ({ mem: 'ME' as const, pdu: p.hex })),
    ...encodeDeliver({ from: '+15550240002', text: `${markers[1]} waiting in SM`, reference: 2 }).map((p) => ({ mem: 'SM' as const, pdu: p.hex })),
    ...encodeDeliver({ from: '+15550240003', text: `${markers[2]} ${'long stored message '.repeat(12)}`, reference: 3 }).map((p) => ({ mem: 'ME' as const, pdu: p.hex })),
  ];
  await withE2e({ storage: pdus }, async (env) => {
    await expectOnce(env, markers.map((marker) => ({ marker })), 20_000);
    await waitUntil(async () => {
      const s = await env.modemSim.storage();
      return s.ME.length + s.SM.length === 0;
    }, 5_000, 'modem storage emptied', () => undefined);
  });
});
