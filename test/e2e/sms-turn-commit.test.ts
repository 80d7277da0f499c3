import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeDeliver } from '../../src/codec/sms/index.js';
import { parsed, waitUntil, withE2e } from '../helpers/e2e.js';

/**
 * The SMS of one sweep of the modem's storage are recorded in one commit (Store.inTurnCommit):
 * eight stored while the gateway was down are listed by its start-up drain, handed over in one
 * turn, committed together, then deleted from the modem and relayed, each exactly once.
 */
test('eight SMS listed by one sweep are recorded in one commit, then deleted and relayed once each', { timeout: 60_000 }, async () => {
  await withE2e({ startGateway: false }, async (env) => {
    const markers = Array.from({ length: 8 }, (_, i) => `[sweep-${i}]`);
    for (const [i, m] of markers.entries()) {
      for (const p of encodeDeliver({ from: `+155505000${i}`, text: `${m} hello`, reference: i })) await env.modemSim.deliverSms(p.hex);
    }
    const stored = await env.modemSim.storage();
    assert.equal(stored.ME.length + stored.SM.length, 8, 'stored while the gateway is down');
    const gw = await env.startGateway();
    await waitUntil(async () => (await env.modemSim.storage()).SM.length + (await env.modemSim.storage()).ME.length === 0, 20_000, 'deleted from the modem');
    assert.equal(gw.store.turnCommit.commits, 1, 'one commit for the sweep');
    assert.equal(gw.store.db.prepare("SELECT count(*) FROM raw_pdus WHERE kind = 'sms-deliver'").pluck().get(), 8);
    await waitUntil(() => env.sink.mails.length >= 8, 30_000, 'relayed');
    const subjects = await Promise.all(env.sink.mails.map(async (m) => { const p = await parsed(m); return /\[sweep-\d\]/.exec(`${p.subject ?? ''} ${p.text ?? ''}`)?.[0]; }));
    assert.deepEqual(subjects.sort(), [...markers].sort());
  });
});
