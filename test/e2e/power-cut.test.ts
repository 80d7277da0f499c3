import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { stringify } from 'yaml';
import { decodeSmsPdu, encodeDeliver } from '../../src/codec/sms/index.js';
import { freePort } from '../../src/demo/environment.js';
import { MailSink } from '../../src/sim/mail/sink.js';
import { startMmscSim, type MmscSim } from '../../src/sim/mmsc/index.js';
import { startModemSim, type ModemSimClient } from '../../src/sim/modem/client.js';
import { killTestConfig, listening, until } from '../helpers/crash-windows.js';
import { parsed } from '../helpers/e2e.js';

/**
 * Power cuts (docs/STORAGE.md "Durability"): the gateway runs as its own process with
 * test/helpers/power-cut.c preloaded, which keeps a shadow of the state directory that
 * changes only on fsync — what a disk holds after the power goes. While SMS, handset MMS and
 * mails stream in, the process is killed at a random moment and started again on the shadow.
 * Every message the outside world was told is safe must come out: an SMS the gateway deleted
 * from the modem, an MMS it acknowledged to the MMSC as retrieved, a mail it answered 250.
 * Both durabilities are cut: `commit` (an fsync in every commit) and `acknowledge` (one WAL
 * fsync shared by the commits before each acknowledgement).
 *
 * `MMSGW_POWER_CUTS` (default 2) cuts per durability.
 */
const CUTS = Number(process.env['MMSGW_POWER_CUTS'] ?? 2);
const OWN = '+15550100001';
const AUTH = { user: 'alice', pass: 'power-cut-pass' };
const SENDER = 'alice@mmsgw.localhost';
const root = new URL('../..', import.meta.url).pathname;

function buildShim(dir: string): string | undefined {
  const out = join(dir, 'power-cut.so');
  const r = spawnSync('cc', ['-shared', '-fPIC', '-O2', '-o', out, join(root, 'test/helpers/power-cut.c'), '-ldl'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return undefined;
  return out;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Gw { child: ChildProcess; exited: Promise<unknown> }

function startGateway(configPath: string, log: string, env: Record<string, string> = {}): Gw {
  const child = spawn(process.execPath, [join(root, 'bin/mmsgw.mjs'), 'run', '--config', configPath], {
    env: { ...process.env, MMSGW_DEV: '1', MMSGW_LOG_LEVEL: 'warn', MMSGW_TEST: '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (d: Buffer) => writeFileSync(log, d, { flag: 'a' }));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return { child, exited };
}

async function submitMail(port: number, marker: string): Promise<boolean> {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, auth: AUTH, connectionTimeout: 5_000, socketTimeout: 10_000 });
  try {
    await t.sendMail({ from: SENDER, to: `box+15550310${marker.replace(/\D/g, '').slice(-3).padStart(3, '0')}@mmsgw.localhost`, subject: '', text: `${marker} hello` });
    return true;
  } catch {
    return false;
  } finally {
    t.close();
  }
}

interface Cut { acked: { sms: string[]; mms: string[]; mail: string[] }; lost: string[] }

/** One cut: stream, kill at a random moment, start on the shadow, count what was acked and never came out. */
async function powerCut(shim: string, durability: 'commit' | 'acknowledge', round: number): Promise<Cut> {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-powercut-'));
  const state = join(dir, 'state');
  const shadow = join(dir, 'shadow');
  const log = join(dir, 'gateway.log');
  const sink = await new MailSink().start();
  let modemSim: ModemSimClient | undefined;
  let mmscSim: MmscSim | undefined;
  let gw: Gw | undefined;
  try {
    modemSim = await startModemSim({ profile: 'generic', baudRate: 0, link: join(dir, 'modem.pty') });
    mmscSim = await startMmscSim({ modemSim, pushFrom: '+15550109999' });
    const smtpInPort = await freePort();
    const configPath = join(dir, 'mmsgw.yaml');
    writeFileSync(configPath, stringify(killTestConfig({ stateDir: state, modemSim, mmscSim, sinkPort: sink.port, smtpInPort, auth: AUTH }, { storage: { durability } })));

    // A first start creates the database; a clean stop leaves it on disk: the shadow's start.
    gw = startGateway(configPath, log);
    assert.ok(await until(() => listening(smtpInPort), 60_000), `gateway did not come up (log: ${log})`);
    gw.child.kill('SIGTERM');
    await gw.exited;
    cpSync(state, shadow, { recursive: true });
    rmSync(join(shadow, 'mmsgw.db-shm'), { force: true });

    gw = startGateway(configPath, log, { LD_PRELOAD: shim, POWERCUT_REAL: state, POWERCUT_SHADOW: shadow });
    assert.ok(await until(() => listening(smtpInPort), 60_000), `gateway did not come up under the shim (log: ${log})`);

    // Three streams at once until the cut.
    let cut = false;
    const smsSent: string[] = [];
    const mmsByTx = new Map<string, string>();
    const mailAcked: string[] = [];
    const sim = modemSim;
    const mmsc = mmscSim;
    const streams = [
      (async () => {
        for (let i = 0; !cut; i++) {
          const marker = `[pc${round}-s${i}]`;
          for (const p of encodeDeliver({ from: `+1555030${String(i).padStart(4, '0')}`, text: `${marker} hello`, reference: i & 0xff })) await sim.deliverSms(p.hex);
          smsSent.push(marker);
          await sleep(20);
        }
      })(),
      (async () => {
        for (let i = 0; !cut; i++) {
          const marker = `[pc${round}-m${i}]`;
          const tx = await mmsc.submitFromHandset({ from: `+1555020${String(i).padStart(4, '0')}`, to: OWN, subject: marker, parts: [{ contentType: 'text/plain', text: `${marker} picture` }] });
          mmsByTx.set(tx, marker);
          await sleep(60);
        }
      })(),
      ...[0, 1].map((lane) => (async () => {
        for (let i = 0; !cut; i++) {
          const marker = `[pc${round}-e${lane}${i}]`;
          if (await submitMail(smtpInPort, marker)) mailAcked.push(marker);
        }
      })()),
    ];
    await sleep(1_500 + Math.floor(Math.random() * 2_500));
    gw.child.kill('SIGKILL');
    await gw.exited;
    cut = true;
    await Promise.all(streams);

    // Acknowledged: deleted from the modem's storage, NotifyResp "retrieved", answered 250.
    const storage = await modemSim.storage();
    const stillThere = new Set([...storage.ME, ...storage.SM, ...storage.network].map((e) => {
      const d = decodeSmsPdu(e.pdu);
      return d.ok && d.value.type === 'deliver' ? (d.value.text ?? '') : '';
    }).map((t) => t.split(' ')[0]));
    const acked = {
      sms: smsSent.filter((m) => !stillThere.has(m)),
      mms: mmscSim.notifyResps().filter((r) => r.status === 'retrieved').map((r) => mmsByTx.get(r.transactionId)).filter((m): m is string => m !== undefined),
      mail: mailAcked,
    };

    // The power comes back: the disk holds what was fsynced.
    rmSync(state, { recursive: true, force: true });
    renameSync(shadow, state);
    for (const f of ['mmsgw.db-shm']) rmSync(join(state, f), { force: true });
    gw = startGateway(configPath, log);
    assert.ok(await until(() => listening(smtpInPort), 60_000), `gateway did not come back on the shadow (log: ${log})`);

    const relayedText = async (): Promise<string> => {
      const texts: string[] = [];
      for (const m of [...sink.mails]) {
        const p = await parsed(m);
        texts.push(`${p.subject ?? ''}\n${p.text ?? ''}`);
      }
      return texts.join('\n');
    };
    const sentText = async (): Promise<string> => (await sim.sent()).map((s) => {
      const d = decodeSmsPdu(s.pdu);
      return d.ok && d.value.type === 'submit' ? (d.value.text ?? '') : '';
    }).join('\n');
    const missing = async (): Promise<string[]> => {
      const inbound = await relayedText();
      const outbound = await sentText();
      return [...acked.sms.filter((m) => !inbound.includes(m)), ...acked.mms.filter((m) => !inbound.includes(m)), ...acked.mail.filter((m) => !outbound.includes(m))];
    };
    await until(async () => (await missing()).length === 0, 45_000);
    return { acked, lost: await missing() };
  } finally {
    if (gw && gw.child.exitCode === null && gw.child.signalCode === null) {
      gw.child.kill('SIGKILL');
      await gw.exited;
    }
    await mmscSim?.stop();
    await modemSim?.stop();
    await sink.stop();
    if (!process.env['MMSGW_KEEP_TEST_DIRS']) rmSync(dir, { recursive: true, force: true });
  }
}

test('power cuts: every acknowledged message survives', { timeout: 120_000 + CUTS * 2 * 90_000 }, async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'mmsgw-shim-'));
  try {
    const shim = buildShim(work);
    if (!shim || !existsSync('/proc/self/fd')) {
      t.skip('no C compiler (cc) or no /proc: the power-cut model cannot be built');
      return;
    }
    for (const durability of ['acknowledge', 'commit'] as const) {
      await t.test(`durability ${durability}`, async () => {
        for (let round = 0; round < CUTS; round++) {
          const r = await powerCut(shim, durability, round);
          process.stderr.write(`power cut ${durability} #${round}: acked sms ${r.acked.sms.length}, mms ${r.acked.mms.length}, mail ${r.acked.mail.length}; lost ${r.lost.length}\n`);
          assert.ok(r.acked.sms.length + r.acked.mms.length + r.acked.mail.length > 0, 'the cut came before anything was acknowledged: nothing was tested');
          assert.deepEqual(r.lost, [], `${durability}: acknowledged, then lost in the power cut`);
        }
      });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
