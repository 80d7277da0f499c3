import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { encodeDeliver } from '../../src/codec/sms/index.js';
import { MailSink } from '../../src/sim/mail/sink.js';
import { startMmscSim, randomHandsetParts } from '../../src/sim/mmsc/index.js';
import { writeGatewayConfig } from '../helpers/gateway-config.js';
import { startModemSim } from '../../src/sim/modem/client.js';

/**
 * Crash safety with real processes: the gateway runs as its own process (`mmsgw run`) against
 * the modem simulator (another process, on a real pty), the MMSC simulator and an SMTP sink.
 * While messages flow it is killed with SIGKILL at random moments and started again. Every
 * message must reach the mailbox, and no message may reach it under two Message-IDs.
 */
const MESSAGES = Number(process.env.MMSGW_CRASH_MESSAGES ?? 100);
const KILLS = Number(process.env.MMSGW_CRASH_KILLS ?? 5);
const OWN = '+15550100001';
const root = new URL('../..', import.meta.url).pathname;

function startGateway(configPath: string, logPath: string): ChildProcess {
  const child = spawn(process.execPath, [join(root, 'bin/mmsgw.mjs'), 'run', '--config', configPath], {
    env: { ...process.env, MMSGW_DEV: '1', MMSGW_LOG_LEVEL: 'warn', MMSGW_TEST: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (d: Buffer) => writeFileSync(logPath, d, { flag: 'a' }));
  return child;
}

async function killed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

test(`${MESSAGES * 2} messages, gateway SIGKILLed ${KILLS} times: each reaches the mailbox, once`, { timeout: 240_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-crash-'));
  const sink = await new MailSink().start();
  const modemSim = await startModemSim({ profile: 'generic', baudRate: 0, link: join(dir, 'modem.pty') });
  const mmscSim = await startMmscSim({ modemSim, pushFrom: '+15550109999' });
  const configPath = writeGatewayConfig(dir, { modem: modemSim, mmsc: mmscSim }, { ownNumber: OWN, smtpPort: sink.port });
  const log = join(dir, 'gateway.log');
  let gateway = startGateway(configPath, log);
  try {
    const markers: string[] = [];
    let killsDone = 0;
    const killer = (async () => {
      for (; killsDone < KILLS; killsDone++) {
        await new Promise((r) => setTimeout(r, 1500 + Math.random() * 2500));
        await killed(gateway);
        gateway = startGateway(configPath, log);
      }
    })();
    for (let i = 0; i < MESSAGES; i++) {
      const sms = `[crash-sms-${i}]`;
      markers.push(sms);
      const text = i % 3 === 0 ? `${sms} ${'concatenated '.repeat(20)}` : `${sms} hello`;
      for (const p of encodeDeliver({ from: `+1555030${String(i).padStart(4, '0')}`, text, reference: i & 0xff })) await modemSim.deliverSms(p.hex);
      const mms = `[crash-mms-${i}]`;
      markers.push(mms);
      await mmscSim.submitFromHandset({ from: `+1555020${String(i).padStart(4, '0')}`, to: OWN, subject: mms, parts: randomHandsetParts({ parts: 2 + (i % 4), totalBytes: 5_000 + i * 300, seed: i }) });
      await new Promise((r) => setTimeout(r, 40));
    }
    await killer;
    const byMarker = new Map<string, Set<string>>();
    const deadline = Date.now() + 120_000;
    let parsed = 0;
    while (Date.now() < deadline) {
      for (; parsed < sink.mails.length; parsed++) {
        const mail = sink.mails[parsed]!;
        const p = await simpleParser(mail.raw);
        const m = /\[crash-(?:sms|mms)-\d+\]/.exec(`${p.subject ?? ''} ${p.text ?? ''}`)?.[0];
        if (m) byMarker.set(m, (byMarker.get(m) ?? new Set()).add(p.messageId ?? `none-${parsed}`));
      }
      if (markers.every((m) => byMarker.has(m))) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const lost = markers.filter((m) => !byMarker.has(m));
    const twoIds = [...byMarker].filter(([, ids]) => ids.size > 1).map(([m]) => m);
    assert.equal(killsDone, KILLS, 'the gateway was killed as often as planned');
    assert.deepEqual(lost, [], `lost messages (gateway log: ${log})`);
    assert.deepEqual(twoIds, [], 'a message arrived under two different Message-IDs');
    for (const txid of mmscSim.sent().map((s) => s.transactionId)) assert.ok(txid);
  } finally {
    await killed(gateway);
    await mmscSim.stop();
    await modemSim.stop();
    await sink.stop();
    if (!process.env.MMSGW_KEEP_TEST_DIRS) rmSync(dir, { recursive: true, force: true });
  }
});
