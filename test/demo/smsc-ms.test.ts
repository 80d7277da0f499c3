/**
 * The simulated network's timing as a demo option: `--smsc-ms MS` is how long the simulated
 * SMSC takes to answer each AT+CMGS (default 150 ms). Measured on the real pty: with 0 the
 * modem answers +CMGS without the wait, with a long round trip only after it; and the option
 * reaches the modem simulator in the demo's simulators' process.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startSimulators } from '../../src/demo/simulators.js';
import { connectModemSim } from '../../src/sim/modem/client.js';
import { AtPort, SUBMIT_PDU, tpduLen } from '../sim/at-port.js';
import { ENV, killGroup, MMSGW, ROOT, startDetached } from './process.js';

const VASP = { vaspId: 'v', user: 'v', password: 'p' };

/** Milliseconds from the PDU's Ctrl-Z to the modem's final OK after +CMGS. */
async function cmgsRoundTrip(smscMs: number | undefined): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-demo-smsc-'));
  const sims = await startSimulators({ stateDir: dir, vasp: VASP, baudRate: 0, ...(smscMs !== undefined ? { smscMs } : {}) });
  const port = await AtPort.open(sims.modemSim.path);
  try {
    await port.command('ATE0');
    await port.command('AT+CMGF=0');
    port.reset();
    await port.write(`AT+CMGS=${tpduLen(SUBMIT_PDU)}\r`);
    await port.waitFor('> ');
    const t = performance.now();
    await port.write(`${SUBMIT_PDU}\x1a`);
    assert.match(await port.waitFor(/OK\r\n$/, 10_000), /\+CMGS: \d+\r\n\r\nOK\r\n$/);
    return performance.now() - t;
  } finally {
    await port.close();
    await sims.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('demo --smsc-ms', { timeout: 240_000 }, () => {
  it('sets the SMSC round trip of every AT+CMGS: 0 answers without the wait, 1500 after it, none: 150', async () => {
    const long = await cmgsRoundTrip(1500);
    assert.ok(long >= 1500, `with 1500 ms the answer waits for it: ${long.toFixed(0)} ms`);
    const none = await cmgsRoundTrip(0);
    assert.ok(none < 1500, `with 0 the answer does not wait: ${none.toFixed(0)} ms`);
    const byDefault = await cmgsRoundTrip(undefined);
    assert.ok(byDefault >= 150, `the default round trip is 150 ms: ${byDefault.toFixed(0)} ms`);
  });

  it('reaches the modem simulator in the demo simulators\' process; a bad value is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmsgw-demo-smsc-'));
    const demo = await startDetached(process.execPath, [MMSGW, 'demo', '--state-dir', dir, '--baud', '0', '--smsc-ms', '0'], /Press Ctrl-C to stop/);
    try {
      const endpoints = JSON.parse(readFileSync(join(dir, 'endpoints.json'), 'utf8')) as { simulators: { modem: { control: string } } };
      const modem = await connectModemSim(endpoints.simulators.modem.control);
      try {
        const timers = await modem.configure({});
        assert.equal(timers['submitMs'], 0);
      } finally {
        modem.disconnect();
      }
    } finally {
      killGroup(demo.child.pid!);
      await demo.exited;
      rmSync(dir, { recursive: true, force: true });
    }
    const bad = spawnSync(process.execPath, [MMSGW, 'demo', '--smsc-ms', 'soon', '--messages', '1'], { cwd: ROOT, env: ENV, encoding: 'utf8' });
    assert.equal(bad.status, 2, bad.stderr);
    assert.match(bad.stderr, /--smsc-ms must be a whole number of milliseconds/);
  });
});
