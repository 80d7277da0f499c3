import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startModemSim } from '../../src/sim/modem/client.js';
import { command as doctor } from '../../src/cli/commands/doctor.js';
import { findPortHolders } from '../../src/modem/port-holders.js';

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const orig = console.log;
  console.log = (...a: unknown[]) => void lines.push(a.join(' '));
  try {
    return { code: await fn(), out: lines.join('\n') };
  } finally {
    console.log = orig;
  }
}

test('doctor probes a (simulated) Huawei stick and reports it, as text and JSON', async () => {
  const sim = await startModemSim({ profile: 'huawei', baudRate: 0 });
  try {
    const json = await capture(() => doctor.run(['--port', sim.path, '--json']));
    assert.equal(json.code, 0);
    const r = JSON.parse(json.out) as {
      responding: boolean;
      profile: string;
      sim: string;
      identity: { imei: string };
      network: { cs: { state: string } };
      storage: { mem1: { total: number } };
    };
    assert.equal(r.responding, true);
    assert.equal(r.profile, 'huawei');
    assert.equal(r.sim, 'ready');
    assert.match(r.identity.imei, /^\d{15}$/);
    assert.equal(r.network.cs.state, 'home');
    assert.ok(r.storage.mem1.total > 0);
    const text = await capture(() => doctor.run(['--port', sim.path]));
    assert.match(text.out, /profile\s+huawei/);
    assert.match(text.out, /signal\s+RSSI -?\d+ dBm/);
  } finally {
    await sim.stop();
  }
});

test('doctor: bad arguments exit 2; a dead port exits 1 with advice', async () => {
  const errs: string[] = [];
  const orig = console.error;
  console.error = (...a: unknown[]) => void errs.push(a.join(' '));
  try {
    assert.equal(await doctor.run([]), 2);
    assert.equal(await doctor.run(['--port', '/dev/x', '--baud', 'fast']), 2);
    assert.equal(await doctor.run(['--port', '/dev/x', '--profile', 'nokia']), 2);
  } finally {
    console.error = orig;
  }
  const r = await capture(() => doctor.run(['--port', '/dev/mmsgw-no-such-port', '--json']));
  assert.equal(r.code, 1);
  assert.ok((JSON.parse(r.out) as { advice: string[] }).advice.some((a) => /AT port/.test(a)));
});

test('port holders are found through /proc/<pid>/fd links (ModemManager detection)', async () => {
  const root = mkdtempSync(join(tmpdir(), 'mmsgw-proc-'));
  try {
    const dev = join(root, 'ttyUSB2');
    writeFileSync(dev, '');
    for (const [pid, comm, target] of [['412', 'ModemManager', dev], ['77', 'bash', '/dev/null']] as const) {
      mkdirSync(join(root, 'proc', pid, 'fd'), { recursive: true });
      writeFileSync(join(root, 'proc', pid, 'comm'), `${comm}\n`);
      symlinkSync(target, join(root, 'proc', pid, 'fd', '5'));
    }
    assert.deepEqual(await findPortHolders(dev, { procRoot: join(root, 'proc') }), [{ pid: 412, command: 'ModemManager' }]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('doctor on a modem left at the SMS prompt cancels it, says so, and probes; a silent one is "not responding"', async () => {
  const { AtPort, SUBMIT_PDU, tpduLen } = await import('../sim/at-port.js');
  const sim = await startModemSim({ profile: 'quectel', baudRate: 0 });
  try {
    const port = await AtPort.open(sim.path);
    await port.write(`AT+CMGS=${tpduLen(SUBMIT_PDU)}\r`);
    await port.waitFor('> ');
    await port.close();
    const json = await capture(() => doctor.run(['--port', sim.path, '--json']));
    assert.equal(json.code, 0);
    const r = JSON.parse(json.out) as { responding: boolean; cancelledPending?: boolean; advice: string[]; profile: string };
    assert.equal(r.responding, true);
    assert.equal(r.cancelledPending, true);
    assert.equal(r.profile, 'quectel');
    assert.ok(r.advice.some((a) => /SMS prompt/.test(a)));
    await sim.hang('forever');
    const silent = await capture(() => doctor.run(['--port', sim.path, '--json']));
    assert.equal(silent.code, 1);
    const s = JSON.parse(silent.out) as { responding: boolean; error: string; advice: string[] };
    assert.equal(s.responding, false);
    assert.match(s.error, /does not answer AT/);
  } finally {
    await sim.stop();
  }
});
