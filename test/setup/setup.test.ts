import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { command as setup } from '../../src/cli/commands/setup.js';
import { runSetup, type SetupIo } from '../../src/setup/run.js';
import { loadConfig } from '../../src/config/index.js';
import { parseEnvFile } from '../../src/config/env-file.js';
import { Gateway } from '../../src/app/gateway.js';
import { drive, type DriveTarget } from '../../src/demo/drive.js';
import { freePort } from '../../src/demo/environment.js';
import { localNetwork } from '../../src/demo/network.js';
import { answerStatusReports } from '../../src/demo/simulators.js';
import { MailSink } from '../../src/sim/mail/sink.js';
import { startModemSim } from '../../src/sim/modem/client.js';
import { startMmscSim } from '../../src/sim/mmsc/index.js';
import { FAMILIES, makeSysfs } from './fake-sysfs.js';

// Published in mobile-broadband-provider-info: Telmore (238-01) APN "mms", MMSC
// http://192.168.241.114:8002, proxy 194.182.251.15:8080; Prixtel shares Orange's 208-01
// (APN "orange.acte", MMSC http://mms.orange.fr, proxy 192.168.10.200:8080).
const TELMORE = { imsi: '238011234567890', iccid: '8945011234567890123', spn: 'Telmore' };

async function captureOutput<T>(fn: () => Promise<T>): Promise<{ value: T; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = process.stdout.write.bind(process.stdout);
  const e = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((c: string | Uint8Array) => ((out += String(c)), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: string | Uint8Array) => ((err += String(c)), true)) as typeof process.stderr.write;
  const log = console.log;
  console.log = (...a: unknown[]) => void (out += `${a.join(' ')}\n`);
  try {
    return { value: await fn(), out, err };
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
    console.log = log;
  }
}

test('setup --non-interactive --port PATH --dry-run writes nothing and prints the YAML with the carrier settings from the database', async () => {
  const sim = await startModemSim({ profile: 'huawei', baudRate: 0, ...TELMORE });
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-setup-'));
  try {
    const file = join(dir, 'etc', 'mmsgw.yaml');
    const r = await captureOutput(() =>
      setup.run(['--non-interactive', '--dry-run', '--port', sim.path, '--config', file, '--bearer', 'system', '--mailbox', 'owner@example.com', '--smtp-host', 'smtp.example.com', '--skip-mms-test', '--skip-mail-test']),
    );
    assert.equal(r.value, 0, r.err);
    assert.deepEqual(readdirSync(dir), [], 'nothing written');
    const y = parseYaml(r.out) as { modem: { port: string; profile: string }; bearer: { apn: string }; mmsc: { url: string; proxy: string }; box: { ownNumber: string }; mail: { out: { defaultMailbox: string } } };
    assert.equal(y.modem.port, sim.path);
    assert.equal(y.modem.profile, 'huawei');
    assert.equal(y.bearer.apn, 'mms');
    assert.equal(y.mmsc.url, 'http://192.168.241.114:8002');
    assert.equal(y.mmsc.proxy, '194.182.251.15:8080');
    assert.equal(y.box.ownNumber, '+15555550100', 'from +CNUM');
    assert.equal(y.mail.out.defaultMailbox, 'owner@example.com');
    assert.match(r.out, /^# MMS settings: .*'Telmore' for 23801/m);
    assert.match(r.err, /SPN\): Telmore/);
  } finally {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('setup finds the modem through a fake sysfs tree, probes its ttys for AT, picks the MVNO by SPN, and never enters a refused PIN twice', async () => {
  const sim = await startModemSim({ profile: 'quectel', baudRate: 0, pin: '1234', imsi: '208011234567890', spn: 'Prixtel' });
  const root = mkdtempSync(join(tmpdir(), 'mmsgw-setup-'));
  try {
    makeSysfs(join(root, 'sys'), [FAMILIES.quectelEc25!, { ...FAMILIES.huaweiStorage!, name: '1-1.4' }]);
    mkdirSync(join(root, 'dev'));
    // Only if02 has a modem behind it; the other ttys do not exist (a silent DM/NMEA port).
    symlinkSync(sim.path, join(root, 'dev', 'ttyUSB2'));
    const said: string[] = [];
    // The user types the same wrong PIN three times, then the right one. Three wrong entries
    // would lock the SIM behind its PUK; setup sends the wrong one once and the right one works.
    const answers = ['9999', '9999', '9999', '1234'];
    const asked: string[] = [];
    const io: SetupIo = {
      say: (l) => void said.push(l),
      ask: (q) => {
        asked.push(q);
        if (/PIN/.test(q)) return Promise.resolve(answers.shift() ?? '');
        if (/use these MMS settings/.test(q)) return Promise.resolve('y');
        return Promise.resolve('');
      },
    };
    const result = await runSetup(
      { flags: { bearer: 'system', mailbox: 'owner@example.com', smtpHost: 'smtp.example.com', smtpSecurity: 'starttls', smtpPort: 587, mailIn: 'none' }, dryRun: true, configPath: join(root, 'mmsgw.yaml'), sysfsRoot: join(root, 'sys'), devRoot: join(root, 'dev'), skipMmsTest: true, skipMailTest: true },
      io,
    );
    const text = said.join('\n');
    assert.match(text, /Huawei E3372\/E3131\/E353 \(storage mode\).*storage/);
    assert.match(text, /HuaweiAltModeGlobal/);
    assert.match(text, new RegExp(`${join(root, 'dev', 'ttyUSB2')} answers AT \\(Quectel EC25/EG25-G\\)`));
    assert.equal(said.filter((l) => /not entered again/.test(l)).length, 2);
    assert.match(text, /SIM unlocked/);
    assert.equal(result.probe?.sim, 'ready');
    assert.equal(result.settings?.match?.entry.name, 'Prixtel');
    const y = parseYaml(result.yaml) as { bearer: { apn: string }; mmsc: { url: string; proxy: string }; modem: { pin?: string } };
    assert.equal(y.bearer.apn, 'orange.acte');
    assert.equal(y.mmsc.proxy, '192.168.10.200:8080');
    assert.equal(y.modem.pin, undefined, 'the PIN is a secret: not in the configuration file');
    assert.deepEqual(result.written, []);
  } finally {
    await sim.stop();
    rmSync(root, { recursive: true, force: true });
  }
});

test('setup --non-interactive with a known carrier writes a config (secrets 0600) that runs the demo traffic end to end without editing', async () => {
  const modemSim = await startModemSim({ profile: 'quectel', baudRate: 0, pin: '4321', ...TELMORE, apns: ['mms'] });
  const mmscSim = await startMmscSim({ modemSim, publicUrl: 'http://192.168.241.114:8002', pushFrom: '+15550109999', reportDelayMs: 200 });
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-setup-e2e-'));
  const sink = await new MailSink({ dir: join(dir, 'mailbox') }).start();
  let gateway: Gateway | undefined;
  try {
    const smtpInPort = await freePort();
    const file = join(dir, 'etc', 'mmsgw.yaml');
    const r = await captureOutput(() =>
      setup.run([
        '--non-interactive', '--config', file, '--port', modemSim.path, '--pin', '4321', '--bearer', 'system',
        // The carrier's proxy is not reachable from here; the MMSC simulator plays it (an explicit setting wins).
        '--proxy', `127.0.0.1:${mmscSim.port}`,
        '--mailbox', 'owner@mmsgw.localhost', '--smtp-host', '127.0.0.1', '--smtp-port', String(sink.port), '--smtp-security', 'none',
        '--from-domain', 'mmsgw.localhost', '--mail-in', 'smtp', '--smtp-in-port', String(smtpInPort), '--allowed-domain', 'mmsgw.localhost',
        '--state-dir', join(dir, 'state'),
      ]),
    );
    assert.equal(r.value, 0, r.err);
    assert.match(r.err, /\[ok\] context: APN mms active/);
    assert.match(r.err, /\[ok\] reach: through proxy/);
    assert.match(r.err, /accepted by 127\.0\.0\.1/);
    assert.match(r.err, /next steps/);
    const secrets = join(dir, 'etc', 'secrets.env');
    assert.equal(statSync(secrets).mode & 0o777, 0o600);
    assert.doesNotMatch(readFileSync(file, 'utf8'), /4321/);
    assert.equal(sink.mails.length, 1, 'the mail test arrived');

    const config = loadConfig(file, { ...parseEnvFile(readFileSync(secrets, 'utf8')) });
    assert.equal(config.modem.pin, '4321');
    assert.equal(config.mmsc.url, 'http://192.168.241.114:8002');
    gateway = await Gateway.start({ config });
    // The network answers the box's SMS with status reports, so the driver's wait for them ends.
    answerStatusReports(modemSim, 200);
    const env: DriveTarget = { config, gateway, net: localNetwork({ modemSim, mmscSim, sink }), smtpInPort };
    const summary = await drive(env, { messages: 3, timeoutMs: 90_000 });
    assert.equal(summary.lost, 0, JSON.stringify(summary));
    assert.equal(summary.duplicates, 0);
    assert.deepEqual([summary.mmsIn.relayed, summary.smsIn.relayed, summary.emailOut.submitted], [3, 3, 3]);
    // The MMS went through the carrier's MMSC URL (from the database) via the proxy.
    assert.ok(mmscSim.requests().some((q) => q.method === 'POST' && q.target.startsWith('http://192.168.241.114:8002')));
  } finally {
    await gateway?.stop();
    await mmscSim.stop();
    await modemSim.stop();
    await sink.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('interactive setup over a pipe: answers typed ahead wait for their questions; a refused PIN typed again is not sent', async () => {
  const { spawn } = await import('node:child_process');
  const sim = await startModemSim({ profile: 'simcom', baudRate: 0, pin: '2468', ...TELMORE });
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-setup-tty-'));
  try {
    const bin = new URL('../../bin/mmsgw.mjs', import.meta.url).pathname;
    const child = spawn(process.execPath, [bin, 'setup', '--dry-run', '--port', sim.path, '--config', join(dir, 'mmsgw.yaml'), '--bearer', 'system', '--skip-mms-test', '--skip-mail-test'], {
      env: { ...process.env, MMSGW_DEV: '1', MMSGW_SIM_PIN: '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    // PIN (wrong), PIN (the same again: refused without sending), PIN (right), accept the MMS
    // settings, mailbox, SMTP host, security, port, user (none), mail in (no).
    child.stdin.end(['1111', '1111', '2468', 'y', 'owner@example.com', 'smtp.example.com', 'starttls', '587', '', 'n', ''].join('\n'));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 0, err);
    assert.match(err, /the SIM refused that PIN/);
    assert.match(err, /not entered again/);
    assert.match(err, /SIM unlocked/);
    const y = parseYaml(out) as { bearer: { apn: string }; mail: { out: { defaultMailbox: string; smtp: { port: number } } } };
    assert.equal(y.bearer.apn, 'mms');
    assert.equal(y.mail.out.defaultMailbox, 'owner@example.com');
    assert.equal(y.mail.out.smtp.port, 587);
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
