import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { parseConfig } from '../../src/config/index.js';
import { mmsDoctor, renderMms } from '../../src/cli/commands/doctor-mms.js';
import { command as doctor } from '../../src/cli/commands/doctor.js';
import { startModemSim } from '../../src/sim/modem/client.js';
import { startMmscSim } from '../../src/sim/mmsc/index.js';

// Telmore (Denmark, 238-01, SPN "Telmore") as published in mobile-broadband-provider-info:
// APN "mms", MMSC http://192.168.241.114:8002, proxy 194.182.251.15:8080. The simulated SIM has
// that identity; the simulated network accepts only the APN "mms". The carrier's proxy is not
// reachable from here, so the configuration names the MMSC simulator as the proxy (an explicit
// setting wins over the database), which serves the carrier's MMSC URL as the real proxy would.
const SIM = { imsi: '238011234567890', spn: 'Telmore', apns: ['mms'] };

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

test('doctor --mms on the simulator: every step ok, a wrong APN fails the context step, an unreachable proxy fails the reach step', async () => {
  const modem = await startModemSim({ profile: 'quectel', baudRate: 0, ...SIM });
  const mmsc = await startMmscSim({ modemSim: modem, publicUrl: 'http://192.168.241.114:8002' });
  try {
    const base = { modem: { port: modem.path }, bearer: { kind: 'system' as const }, mmsc: { proxy: `127.0.0.1:${mmsc.port}` } };

    const good = await mmsDoctor(modem.path, parseConfig(base), { timeoutMs: 10_000 });
    assert.equal(good.imsi, SIM.imsi);
    assert.equal(good.spn, 'Telmore');
    assert.equal(good.settings.apn?.value, 'mms');
    assert.match(good.settings.apn?.source ?? '', /mobile-broadband-provider-info|serviceproviders\.xml/);
    assert.equal(good.settings.mmscUrl?.value, 'http://192.168.241.114:8002');
    assert.deepEqual(good.settings.proxy, { value: `127.0.0.1:${mmsc.port}`, source: 'config' });
    assert.deepEqual(good.check.steps.map((s) => [s.step, s.verdict]), [['settings', 'ok'], ['context', 'ok'], ['dns', 'ok'], ['reach', 'ok']], renderMms(good));
    assert.equal(good.check.verdict, 'ok');
    assert.ok(mmsc.requests().some((r) => r.target.startsWith('http://192.168.241.114:8002')), 'the MMSC got the request through the proxy');

    const wrongApn = await mmsDoctor(modem.path, parseConfig({ ...base, bearer: { kind: 'system', apn: 'internet.wrong' } }), { timeoutMs: 10_000 });
    assert.deepEqual(wrongApn.check.steps.map((s) => [s.step, s.verdict]), [['settings', 'ok'], ['context', 'fail']]);
    assert.match(wrongApn.check.steps[1]?.detail ?? '', /533|unknown APN/i);
    assert.match(wrongApn.check.steps[1]?.advice ?? '', /does not know the APN 'internet\.wrong' \(from config\)/);
    assert.equal(wrongApn.check.verdict, 'fail');

    const deadProxy = `127.0.0.1:${await closedPort()}`;
    const noProxy = await mmsDoctor(modem.path, parseConfig({ ...base, mmsc: { proxy: deadProxy } }), { timeoutMs: 10_000 });
    const reach = noProxy.check.steps.find((s) => s.step === 'reach');
    assert.equal(reach?.verdict, 'fail', renderMms(noProxy));
    assert.match(reach?.advice ?? '', new RegExp(`proxy ${deadProxy} \\(from config\\) refused`));
    assert.equal(noProxy.check.steps.find((s) => s.step === 'context')?.verdict, 'ok');
    assert.match(renderMms(noProxy), /\[FAIL\] reach/);
  } finally {
    await mmsc.stop();
    await modem.stop();
  }
});

test('plain doctor shows what the carrier database gives the SIM, with the source', async () => {
  const modem = await startModemSim({ profile: 'generic', baudRate: 0, ...SIM });
  const out: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  try {
    const code = await doctor.run(['--port', modem.path, '--json']);
    assert.equal(code, 0);
  } finally {
    console.log = log;
    await modem.stop();
  }
  const r = JSON.parse(out.join('\n')) as { carrier?: Record<string, { value: string | null; source: string }> };
  assert.equal(r.carrier?.apn?.value, 'mms');
  assert.equal(r.carrier?.proxy?.value, '194.182.251.15:8080');
  assert.match(r.carrier?.mmscUrl?.source ?? '', /'Telmore' for 23801/);
});
