import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSetup, type SetupIo } from '../../src/setup/run.js';
import { startModemSim } from '../../src/sim/modem/client.js';
import { FAMILIES, makeSysfs, type FakeDevice } from './fake-sysfs.js';

const FLAGS = { bearer: 'system' as const, mailbox: 'owner@example.com', smtpHost: 'smtp.example.com', smtpSecurity: 'starttls' as const, smtpPort: 587, mailIn: 'none' as const };

async function setupOn(device: FakeDevice, atTty: string | undefined, simProfile: string | undefined): Promise<{ said: string[]; result?: Awaited<ReturnType<typeof runSetup>>; error?: Error }> {
  const sim = simProfile ? await startModemSim({ profile: simProfile, baudRate: 0, imsi: '238011234567890', spn: 'Telmore' }) : undefined;
  const root = mkdtempSync(join(tmpdir(), 'mmsgw-family-'));
  const said: string[] = [];
  const io: SetupIo = { say: (l) => void said.push(l) };
  try {
    makeSysfs(join(root, 'sys'), [device]);
    mkdirSync(join(root, 'dev'));
    if (sim && atTty) symlinkSync(sim.path, join(root, 'dev', atTty));
    try {
      const result = await runSetup({ flags: FLAGS, dryRun: true, configPath: join(root, 'mmsgw.yaml'), sysfsRoot: join(root, 'sys'), devRoot: join(root, 'dev'), skipMmsTest: true, skipMailTest: true }, io);
      return { said, result };
    } catch (e) {
      return { said, error: e as Error };
    }
  } finally {
    await sim?.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

// Each family: the fake sysfs tree of firmware-notes/, the simulator of that vendor behind the
// AT tty, and setup must find that tty, recognise the profile and propose the carrier settings.
const FAMILY_CASES: [string, FakeDevice, string, string][] = [
  ['Huawei stick', FAMILIES.huaweiStick!, 'ttyUSB2', 'huawei'],
  ['ZTE modem', FAMILIES.zteModem!, 'ttyUSB2', 'zte'],
  ['Quectel EM06', FAMILIES.quectelEm06!, 'ttyUSB2', 'quectel'],
  ['SIMCom SIM7600', FAMILIES.simcom!, 'ttyUSB2', 'simcom'],
  ['Sierra MC7455 (AT on if03)', FAMILIES.sierra!, 'ttyUSB2', 'sierra'],
  ['generic CDC-ACM modem', FAMILIES.genericAcm!, 'ttyACM0', 'generic'],
];

for (const [title, device, tty, profile] of FAMILY_CASES) {
  test(`setup on a fake sysfs tree: ${title}`, async () => {
    const { said, result, error } = await setupOn(device, tty, profile);
    assert.equal(error, undefined, `${error?.message ?? ''}\n${said.join('\n')}`);
    assert.ok(said.some((l) => l.includes(`/dev/${tty} answers AT (${result?.modems[0]?.name ?? '?'})`)), said.join('\n'));
    assert.ok(result?.config?.modem.port.endsWith(`/dev/${tty}`));
    assert.equal(result?.probe?.profile, profile);
    assert.equal(result?.config?.bearer.apn, 'mms');
    assert.equal(result?.config?.modem.profile, profile);
  });
}

for (const [title, device, advice] of [
  ['Huawei in storage mode (12d1:1f01)', FAMILIES.huaweiStorage!, /HuaweiAltModeGlobal=1/],
  ['Huawei HiLink', FAMILIES.huaweiHilink!, /HiLink/],
  ['ZTE MF823 in network mode', FAMILIES.mf823!, /AT\+ZCDRUN=E/],
  ['Sierra MC7455 MBIM-only', FAMILIES.sierraMbimOnly!, /dms-swi-set-usb-composition/],
] as const) {
  test(`setup on a fake sysfs tree: ${title} stops with the firmware note's advice`, async () => {
    const { said, error } = await setupOn(device, undefined, undefined);
    assert.match(error?.message ?? '', /no attached modem has a port that answers AT/);
    assert.match(said.join('\n'), advice);
  });
}

test('setup warns when another process holds the AT port (ModemManager would interleave its commands)', async () => {
  const { spawn } = await import('node:child_process');
  const sim = await startModemSim({ profile: 'generic', baudRate: 0, imsi: '238011234567890' });
  const holder = spawn('/bin/sh', ['-c', 'exec 3<>"$1"; exec sleep 30', 'sh', sim.path], { stdio: 'ignore' });
  const said: string[] = [];
  try {
    // Wait (bounded) until the holder has the port open.
    const { findPortHolders } = await import('../../src/modem/port-holders.js');
    const deadline = Date.now() + 10_000;
    while (!(await findPortHolders(sim.path)).some((h) => h.pid === holder.pid) && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    await runSetup({ flags: { ...FLAGS, port: sim.path }, dryRun: true, configPath: '/nonexistent/mmsgw.yaml', skipMmsTest: true, skipMailTest: true }, { say: (l) => void said.push(l) });
    assert.ok(said.some((l) => new RegExp(`is open in .*sleep \\(pid ${holder.pid}\\)`).test(l)), said.join('\n'));
  } finally {
    holder.kill('SIGKILL');
    await sim.stop();
  }
});
