import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startModemSim, type ModemSimClient } from '../../src/sim/modem/client.js';
import { Modem } from '../../src/modem/index.js';
import { AtPort, SUBMIT_PDU, tpduLen } from '../sim/at-port.js';
import { DELIVER_1, recorder, until } from './helpers.js';

/**
 * A gateway killed between `AT+CMGS=<n>` and its PDU leaves the modem at the "> " prompt
 * (3GPP 27.005 §3.5.1), where everything up to Ctrl-Z is PDU text. The next process must
 * still get the modem back: ESC first, then flush, then AT.
 */
async function leaveAtPrompt(path: string): Promise<void> {
  const port = await AtPort.open(path);
  try {
    await port.command('ATE0');
    port.reset();
    await port.write(`AT+CMGS=${tpduLen(SUBMIT_PDU)}\r`);
    await port.waitFor('> ');
  } finally {
    await port.close(); // the process dies here: no PDU, no Ctrl-Z, no ESC
  }
}

for (const profile of ['generic', 'huawei', 'quectel']) {
  test(`${profile}: a modem left at the SMS prompt by a dead process is recovered at open, then sends and receives`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmsgw-prompt-'));
    const link = join(dir, 'modem');
    let sim: ModemSimClient | undefined;
    let modem: Modem | undefined;
    try {
      sim = await startModemSim({ profile, baudRate: 0, link });
      await leaveAtPrompt(link);
      modem = await Modem.open({ port: link, statusIntervalMs: 0, recovery: false });
      const s = modem.status();
      assert.equal(s.state, 'ready');
      assert.equal(s.responding, true);
      // Nothing typed at the prompt was ever sent as an SMS.
      assert.deepEqual(await sim.sent(), []);
      const { messageReference } = await modem.sendSmsPdu(SUBMIT_PDU, tpduLen(SUBMIT_PDU));
      const sent = await sim.sent();
      assert.equal(sent.length, 1);
      assert.equal(sent[0]?.pdu, SUBMIT_PDU);
      assert.equal(sent[0]?.mr, messageReference);
      const inbox = recorder();
      modem.onSms(inbox.handler);
      await sim.deliverSms(DELIVER_1);
      await until(() => inbox.got.length === 1, 15000, 'SMS received');
      assert.equal(inbox.got[0]?.pdu, DELIVER_1);
    } finally {
      await modem?.close();
      await sim?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('a modem that never answers is reported as not responding, not as healthy', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-silent-'));
  const link = join(dir, 'modem');
  let sim: ModemSimClient | undefined;
  let modem: Modem | undefined;
  try {
    sim = await startModemSim({ profile: 'generic', baudRate: 0, link });
    await sim.hang('forever');
    modem = await Modem.open({ port: link, statusIntervalMs: 0, waitForPort: true, reopenPollMs: 100, recovery: false });
    const s = modem.status();
    assert.notEqual(s.state, 'ready');
    assert.equal(s.responding, false);
    assert.equal(s.errorCode, 'MODEM_NOT_RESPONDING');
    assert.match(s.lastError ?? '', /does not answer AT/);
    await sim.resume();
    await until(() => modem?.status().state === 'ready', 40000, 'ready once the modem answers');
    assert.equal(modem.status().responding, true);
    assert.equal(modem.status().errorCode, undefined);
  } finally {
    await modem?.close();
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
