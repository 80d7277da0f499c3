import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startModemSim, type ModemSimClient } from '../../src/sim/modem/client.js';
import { Modem, readModemStatus, modemHealth } from '../../src/modem/index.js';
import { PIN_REFUSED_FILE } from '../../src/modem/pin-guard.js';
import { command as doctor } from '../../src/cli/commands/doctor.js';
import { until } from './helpers.js';

/**
 * A wrong modem.pin is entered once, ever: not again on a reopen (the port comes back after a
 * USB reset) nor after a restart (a new process on the same state directory). The simulated
 * SIM counts attempts (3, then PUK).
 */
for (const profile of ['generic', 'huawei', 'quectel', 'simcom', 'zte']) {
  test(`${profile}: a refused PIN is remembered across reopen and restart, and reported with the attempts left`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmsgw-pin-'));
    const link = join(dir, 'modem');
    const stateDir = join(dir, 'state');
    let sim: ModemSimClient | undefined;
    let modem: Modem | undefined;
    const entered: string[] = [];
    try {
      sim = await startModemSim({ profile, baudRate: 0, link, pin: '1234' });
      sim.on('command', (c: { text: string }) => {
        if (/^\+CPIN=/i.test(c.text)) entered.push(c.text);
      });
      const open = (): Promise<Modem> => Modem.open({ port: link, pin: '0000', statusDir: stateDir, waitForPort: true, statusIntervalMs: 0, reopenPollMs: 50, recovery: false });
      modem = await open();
      await until(() => modem?.status().errorCode === 'MODEM_SIM_PIN_WRONG', 15000, 'PIN refused');
      const s = modem.status();
      assert.equal(s.sim, 'pin-required');
      assert.equal(s.simPinAttemptsLeft, 2);
      assert.match(s.lastError ?? '', /refused the configured PIN.*2 attempt\(s\) left.*Operator error/);
      assert.equal(entered.length, 1);
      // Reopen: the device goes and comes back; the init runs again without entering the PIN.
      await sim.unplug(300);
      await until(() => modem?.status().state === 'closed', 8000, 'port gone');
      await until(() => /not entered again.*2 attempt\(s\) left/.test(modem?.status().lastError ?? ''), 20000, 'reinit after reopen');
      assert.equal(entered.length, 1, 'not entered on reopen');
      await modem.close();
      // Restart: a new process, the same state directory.
      modem = await open();
      await until(() => modem?.status().errorCode === 'MODEM_SIM_PIN_WRONG', 15000, 'refused after restart');
      assert.equal(entered.length, 1, 'not entered after a restart');
      assert.equal(modem.status().simPinAttemptsLeft, 2);
      await modem.close(); // writes the last status record
      modem = undefined;
      const rec = readModemStatus(stateDir);
      assert.equal(rec?.status.errorCode, 'MODEM_SIM_PIN_WRONG');
      assert.match(modemHealth(rec!.status).problem ?? '', /refused the configured PIN/);
      assert.equal(statSync(join(stateDir, PIN_REFUSED_FILE)).mode & 0o777, 0o600);
      // doctor reads the counter too (it never enters a PIN).
      const lines: string[] = [];
      const orig = console.log;
      console.log = (...a: unknown[]) => void lines.push(a.join(' '));
      try {
        await doctor.run(['--port', link, '--json']);
      } finally {
        console.log = orig;
      }
      const r = JSON.parse(lines.join('\n')) as { sim: string; simPinAttemptsLeft?: number };
      assert.equal(r.sim, 'pin-required');
      assert.equal(r.simPinAttemptsLeft, 2);
      assert.equal(entered.length, 1);
    } finally {
      await modem?.close();
      await sim?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('a correct PIN after a refused one is entered (a different PIN is a new try)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-pin-ok-'));
  const link = join(dir, 'modem');
  let sim: ModemSimClient | undefined;
  let modem: Modem | undefined;
  try {
    sim = await startModemSim({ profile: 'generic', baudRate: 0, link, pin: '1234' });
    modem = await Modem.open({ port: link, pin: '0000', statusDir: dir, waitForPort: true, statusIntervalMs: 0, reopenPollMs: 50, recovery: false });
    await until(() => modem?.status().errorCode === 'MODEM_SIM_PIN_WRONG', 15000, 'PIN refused');
    await modem.close();
    modem = await Modem.open({ port: link, pin: '1234', statusDir: dir, statusIntervalMs: 0, recovery: false });
    assert.equal(modem.status().state, 'ready');
    assert.equal(modem.status().sim, 'ready');
  } finally {
    await modem?.close();
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
