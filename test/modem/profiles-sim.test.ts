import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startModemSim } from '../../src/sim/modem/client.js';
import { Modem } from '../../src/modem/index.js';
import { DELIVER_1, recorder, until } from './helpers.js';

// Each family's init over the simulator of that family: profile chosen from the identity, the
// profile's own lines accepted or tolerated, SMS routing in place. Run side by side.
const FAMILIES = [['quectel', /EC25|EG25/], ['simcom', /SIM7600/], ['sierra', /MC7455/]] as const;

test('quectel, simcom, sierra over their simulators', { concurrency: true }, async (t) => {
  await Promise.all(
    FAMILIES.map(([family, model]) =>
      t.test(`${family}: identified, initialised, and an SMS goes through the contract`, async () => {
        const sim = await startModemSim({ profile: family, baudRate: 0 });
        let modem: Modem | undefined;
        try {
          modem = await Modem.open({ port: sim.path, statusIntervalMs: 0, recovery: false });
          const s = modem.status();
          assert.equal(s.profile, family);
          assert.match(s.identity?.model ?? '', model);
          assert.equal(s.registration.state, 'home');
          const inbox = recorder();
          modem.onSms(inbox.handler);
          await sim.deliverSms(DELIVER_1);
          await until(() => inbox.got.length === 1, 15000, `${family} SMS`);
        } finally {
          await modem?.close();
          await sim.stop();
        }
      }),
    ),
  );
});

test('quectel: +QIND "smsfull" drains the full store through the handler', async () => {
  const sim = await startModemSim({ profile: 'quectel', baudRate: 0 });
  let modem: Modem | undefined;
  try {
    await sim.configure({ redeliveryMs: 300 });
    modem = await Modem.open({ port: sim.path, statusIntervalMs: 0, recovery: false, smsRetryMs: 200 });
    const inbox = recorder();
    inbox.failing = true; // hold everything in storage until the store is full
    modem.onSms(inbox.handler);
    await sim.storageFull({ fillWith: DELIVER_1 });
    const held = await sim.deliverSms(DELIVER_1);
    assert.equal(held.status, 'queued');
    inbox.failing = false;
    const total = (await sim.storage()).used.ME?.total ?? 0;
    assert.ok(total > 0);
    // every stored message, then the one the network held back, and nothing left behind
    await until(() => inbox.got.length >= total + 1, 25000, 'store drained and held message delivered');
    await until(async () => (await sim.storage()).ME.length === 0, 5000, 'store empty');
  } finally {
    await modem?.close();
    await sim.stop();
  }
});
