import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeDeliver } from '../../src/codec/sms/index.js';
import { randomHandsetParts } from '../../src/sim/mmsc/index.js';
import { parsed, sleep, waitUntil, withE2e, OWN_NUMBER } from '../helpers/e2e.js';

/**
 * No lost SMS: 500 SMS — a third plain, a third concatenated (3 segments), a third WAP Push
 * (MMS notifications pushed by the MMSC simulator as concatenated binary SMS) — go through the
 * modem simulator on a real pty while the line misbehaves (garbage, replies split into
 * pieces, URCs merged into and inside replies, +CMS errors on CMGR/CMGD), and the gateway is
 * restarted half-way. Every one must reach the mailbox, exactly once.
 */
const TOTAL = Number(process.env.MMSGW_SOAK_SMS ?? 500);

test(`${TOTAL} SMS with line faults and a restart half-way: none lost, none twice`, { timeout: 240_000 }, async () => {
  await withE2e({}, async (env) => {
    const markers: string[] = [];
    const faults = [
      () => env.modemSim.garbage(64),
      () => env.modemSim.splitNext(4),
      () => env.modemSim.mergeNext('+CREG: 1', 'before'),
      () => env.modemSim.urcInsideNextResponse('+CGREG: 1'),
      () => env.modemSim.failNext('+CMGR', { cms: 500 }),
      () => env.modemSim.failNext('+CMGD', { cms: 500 }),
    ];
    for (let i = 0; i < TOTAL; i++) {
      if (i % 25 === 10) await faults[(i / 25) % faults.length | 0]!();
      if (i === Math.floor(TOTAL / 2)) await env.restart();
      const marker = `[soak-${i}]`;
      markers.push(marker);
      const kind = i % 3;
      if (kind === 2) {
        await env.mmscSim.submitFromHandset({ from: `+1555060${String(i).padStart(4, '0')}`, to: OWN_NUMBER, subject: marker, parts: randomHandsetParts({ parts: 2, totalBytes: 800, seed: i }) });
      } else {
        const text = kind === 0 ? `${marker} ok` : `${marker} ${'zusammengesetzte Nachricht — '.repeat(9)}`;
        for (const p of encodeDeliver({ from: `+1555050${String(i).padStart(4, '0')}`, text, reference: i & 0xff })) await env.modemSim.deliverSms(p.hex);
      }
      if (i % 50 === 49) await sleep(100);
    }
    const seen = new Map<string, number>();
    let done = 0;
    let modemState: unknown;
    const timer = setInterval(() => {
      void env.modemSim.storage().then((st) => (modemState = st), () => undefined);
    }, 2000);
    await waitUntil(
      async () => {
        for (; done < env.sink.mails.length; done++) {
          const p = await parsed(env.sink.mails[done]!);
          const m = /\[soak-\d+\]/.exec(`${p.subject ?? ''} ${p.text ?? ''}`)?.[0];
          if (m) seen.set(m, (seen.get(m) ?? 0) + 1);
        }
        return markers.every((m) => seen.has(m));
      },
      180_000,
      'every SMS relayed',
      () => ({ missing: markers.filter((m) => !seen.has(m)).slice(0, 20), quarantine: env.gateway.store.intake.listQuarantine(5), modem: modemState, status: env.gateway.modemStatus() }),
    ).finally(() => clearInterval(timer));
    await sleep(500);
    const twice = [...seen].filter(([, n]) => n > 1).map(([m]) => m);
    assert.deepEqual(twice, [], 'relayed more than once');
    const storage = await env.modemSim.storage();
    assert.equal(storage.ME.length + storage.SM.length, 0, 'nothing left behind in modem storage');
  });
});
