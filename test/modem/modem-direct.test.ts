import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startModemSim, type ModemSimClient } from '../../src/sim/modem/client.js';
import { Modem } from '../../src/modem/index.js';
import { DELIVER_1, recorder, sleep, until } from './helpers.js';

// ZTE family: SMS routed directly (+CMT) and acknowledged with +CNMA after the handler.
describe('direct routing with +CNMA (zte profile over the simulator)', () => {
  let sim: ModemSimClient;
  let modem: Modem;
  const inbox = recorder();

  before(async () => {
    sim = await startModemSim({ profile: 'zte', baudRate: 0 });
    await sim.configure({ redeliveryMs: 300 });
    modem = await Modem.open({ port: sim.path, statusIntervalMs: 0, recovery: false, smsRetryMs: 100 });
    modem.onSms(inbox.handler);
  });

  after(async () => {
    await modem?.close();
    await sim?.stop();
  });

  test('the zte profile is chosen and the message is acked only after the handler', async () => {
    assert.equal(modem.status().profile, 'zte');
    const outcome = await sim.deliverSms(DELIVER_1);
    assert.equal(outcome.status, 'routed');
    await until(() => inbox.got.length === 1, 5000, 'direct SMS');
    assert.equal(inbox.got[0]?.pdu, DELIVER_1);
    assert.equal(inbox.got[0]?.index, undefined);
    await until(async () => (await sim.storage()).network.length === 0, 5000, 'network released the message');
  });

  test('a failing handler sends a negative ack; the network delivers again and nothing is lost', async () => {
    inbox.failing = true;
    await sim.deliverSms(DELIVER_1);
    await sleep(250);
    assert.equal(inbox.got.length, 1);
    inbox.failing = false;
    await until(() => inbox.got.length === 2, 8000, 'redelivered SMS');
    assert.equal(inbox.got[1]?.pdu, DELIVER_1);
  });
});
