/**
 * A SubmitReq and the crash right after its message is queued (crash point `mailin-after-queue`,
 * before the SubmitRsp): the gateway (`mmsgw run`, its own process) is killed there, and the
 * database it leaves must hold the MM7 record of the message with it — the record the delivery
 * reports to the VASP are keyed by. Recorded in a commit of its own after the message, it was
 * missing after such a crash: the message went out and the VASP never heard of it again.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { freePort } from '../../src/demo/environment.js';
import { writeGatewayConfig } from '../helpers/gateway-config.js';
import { startMmscSim } from '../../src/sim/mmsc/index.js';
import { startModemSim } from '../../src/sim/modem/client.js';
import { startVaspSim } from '../../src/sim/vasp/index.js';

const root = new URL('../..', import.meta.url).pathname;

test('a gateway killed right after queuing a SubmitReq leaves the message with its MM7 record', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-mm7-crash-submit-'));
  const port = await freePort();
  const vasp = await startVaspSim({ vaspId: 'shop', user: 'shop', password: 'shop-secret-1', boxUrl: `http://127.0.0.1:${port}/mm7` });
  const modemSim = await startModemSim({ profile: 'generic', baudRate: 0, link: join(dir, 'modem.pty') });
  const mmscSim = await startMmscSim({ modemSim, pushFrom: '+15550109999' });
  const configPath = writeGatewayConfig(dir, { modem: modemSim, mmsc: mmscSim }, {
    ownNumber: '+15550100001',
    extra: { web: { enabled: true, host: '127.0.0.1', port }, mm7: { enabled: true, vasps: [{ vaspId: 'shop', user: 'shop', password: 'shop-secret-1', url: vasp.url }] } },
  });
  let log = '';
  const gateway = spawn(process.execPath, [join(root, 'bin/mmsgw.mjs'), 'run', '--config', configPath], {
    env: { ...process.env, MMSGW_DEV: '1', MMSGW_LOG_LEVEL: 'warn', MMSGW_CRASH_AT: 'mailin-after-queue' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  gateway.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => gateway.once('exit', (_code, signal) => resolve(signal)));
  try {
    // Up when its MM7 endpoint answers.
    for (let i = 0; ; i++) {
      if (gateway.exitCode !== null) throw new Error(`the gateway ended: ${log}`);
      const up = await fetch(`http://127.0.0.1:${port}/mm7`, { method: 'POST' }).then(() => true, () => false);
      if (up) break;
      if (i > 300) throw new Error(`the gateway did not start: ${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const answer = vasp.submit({ to: ['+15550200123'], subject: 'crash after queue', parts: [{ contentType: 'text/plain', charset: 'utf-8', body: Buffer.from('hello'), name: 't.txt' }], deliveryReport: true, transactionId: 'tx-crash-1' }).catch((e: unknown) => e);
    assert.equal(await exited, 'SIGKILL', `killed at the crash point: ${log}`);
    await answer; // the connection died with the gateway: no SubmitRsp

    const db = new Database(join(dir, 'state', 'mmsgw.db'), { readonly: true });
    try {
      const queued = db.prepare("SELECT id FROM messages WHERE direction = 'out' AND from_addr = 'mm7:shop'").pluck().all() as number[];
      assert.equal(queued.length, 1, 'the message was queued before the kill');
      const record = db.prepare('SELECT vasp_id, transaction_id, delivery_report FROM mm7_submissions WHERE msg_id = ?').get(queued[0]) as { vasp_id: string; transaction_id: string; delivery_report: number } | undefined;
      assert.deepEqual(record, { vasp_id: 'shop', transaction_id: 'tx-crash-1', delivery_report: 1 }, 'its MM7 record is there with it');
    } finally {
      db.close();
    }
  } finally {
    if (gateway.exitCode === null && gateway.signalCode === null) gateway.kill('SIGKILL');
    await mmscSim.stop();
    await modemSim.stop();
    await vasp.stop();
    if (!process.env.MMSGW_KEEP_TEST_DIRS) rmSync(dir, { recursive: true, force: true });
  }
});
