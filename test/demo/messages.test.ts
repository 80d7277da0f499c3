/**
 * `mmsgw demo --messages N` as `npm start`'s users and bench/e2e.ts run it: it waits for the
 * delivery report of every message it sent out, so `emailOut.delivered` equals
 * `emailOut.sent`; a report that never comes is a failure (exit status 1). The gateway's peak
 * RSS is measured apart from the simulators' and the traffic driver's, which run in processes
 * of their own.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { ENV, MMSGW, ROOT } from './process.js';

interface Summary {
  emailOut: { sent: number; submitted: number; delivered: number };
  missingReports: number;
  lost: number;
  duplicates: number;
  peakRssMb: number;
  simulatorsPeakRssMb?: number;
  driverPeakRssMb?: number;
}

function run(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MMSGW, 'demo', ...args], { cwd: ROOT, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-20_000)));
    child.once('exit', (code) => resolve({ code, out, err }));
  });
}

describe('demo --messages', { timeout: 400_000 }, () => {
  it('waits for every delivery report: delivered equals sent; the gateway RSS is reported apart from the simulators and the driver', async () => {
    const r = await run(['--messages', '4', '--baud', '0', '--json', '--timeout', '150']);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trim().split('\n');
    assert.equal(lines.length, 1, 'one JSON document on stdout');
    const s = JSON.parse(lines[0]!) as Summary;
    assert.equal(s.emailOut.sent, 4);
    assert.equal(s.emailOut.submitted, 4);
    assert.equal(s.emailOut.delivered, s.emailOut.sent, JSON.stringify(s));
    assert.equal(s.missingReports, 0);
    assert.equal(s.lost, 0);
    assert.ok(s.peakRssMb > 0, 'the gateway process peak');
    assert.ok(typeof s.simulatorsPeakRssMb === 'number' && s.simulatorsPeakRssMb > 0, `the simulators' peak, separately: ${JSON.stringify(s)}`);
    assert.ok(typeof s.driverPeakRssMb === 'number' && s.driverPeakRssMb > 0, `the driver's peak, separately (a process of its own): ${JSON.stringify(s)}`);
  });

  it('a delivery report that never comes is a failure (exit status 1)', async () => {
    const r = await run(['--messages', '1', '--baud', '0', '--json', '--no-reports', '--timeout', '25']);
    assert.equal(r.code, 1, r.err);
    const s = JSON.parse(r.out.trim()) as Summary;
    assert.equal(s.emailOut.submitted, 1, 'the message went out');
    assert.equal(s.emailOut.delivered, 0);
    assert.equal(s.missingReports, 1);
    assert.match(r.err, /1 delivery report\(s\) missing/);
  });
});
