/**
 * MM7 DeliverReq across crashes, with real processes: the gateway runs as `mmsgw run` against
 * the modem simulator (own process, real pty) and the MMSC simulator, and is SIGKILLed at random
 * moments while SMS and MMS arrive. Every message must reach the VASP simulator; a request the
 * VASP accepted just before a kill may come again (at least once), but then with the same
 * TransactionID, so the VASP can recognise it, and only if it was in flight at the kill: its
 * job still `running` in the database the killed gateway left (read between the kill and the
 * restart). A request whose answer was recorded is never sent again.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { WHOLE_MESSAGE_SLOTS } from '../../src/app/job-limits.js';
import { encodeDeliver } from '../../src/codec/sms/index.js';
import { writeGatewayConfig } from '../helpers/gateway-config.js';
import { startMmscSim } from '../../src/sim/mmsc/index.js';
import { startModemSim } from '../../src/sim/modem/client.js';
import { startVaspSim } from '../../src/sim/vasp/index.js';
import { waitUntil } from '../helpers/e2e.js';

const SMS = 24;
const MMS = 8;
const KILLS = 3;
const OWN = '+15550100001';
const root = new URL('../..', import.meta.url).pathname;

function startGateway(configPath: string, logPath: string): ChildProcess {
  const child = spawn(process.execPath, [join(root, 'bin/mmsgw.mjs'), 'run', '--config', configPath], {
    env: { ...process.env, MMSGW_DEV: '1', MMSGW_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (d: Buffer) => writeFileSync(logPath, d, { flag: 'a' }));
  return child;
}

/** The message ids of the MM7 deliveries a killed gateway left `running` (in flight at the kill). */
function inFlight(dbPath: string): number[] {
  let db: Database.Database;
  try {
    db = new Database(dbPath, { readonly: true, fileMustExist: true });
  } catch {
    return []; // killed before it created its database
  }
  try {
    // Killed before its schema was written: nothing was running.
    if (db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'jobs'`).get() === undefined) return [];
    const rows = db.prepare(`SELECT payload FROM jobs WHERE kind = 'mm7-deliver' AND state = 'running'`).all() as { payload: string }[];
    return rows.map((r) => (JSON.parse(r.payload) as { msgId: number }).msgId);
  } finally {
    db.close();
  }
}

async function killed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

test(`${SMS} SMS and ${MMS} MMS, gateway SIGKILLed ${KILLS} times: each reaches the VASP as DeliverReq`, { timeout: 240_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-mm7-crash-'));
  const vasp = await startVaspSim({ vaspId: 'shop', user: 'shop', password: 'shop-secret-1' });
  const modemSim = await startModemSim({ profile: 'generic', baudRate: 0, link: join(dir, 'modem.pty') });
  const mmscSim = await startMmscSim({ modemSim, pushFrom: '+15550109999' });
  const configPath = writeGatewayConfig(dir, { modem: modemSim, mmsc: mmscSim }, {
    ownNumber: OWN,
    // No mailbox accepts: relays retry, which does not hold up the MM7 deliveries.
    extra: { mm7: { enabled: true, retry: { initialSeconds: 1, maxSeconds: 2, maxAttempts: 100 }, vasps: [{ vaspId: 'shop', user: 'shop', password: 'shop-secret-1', url: vasp.url }] } },
  });
  const log = join(dir, 'gateway.log');
  let gateway = startGateway(configPath, log);
  try {
    const markers: string[] = [];
    const runningAtKills = new Set<string>();
    const killer = (async () => {
      for (let k = 0; k < KILLS; k++) {
        await new Promise((r) => setTimeout(r, 1500 + Math.random() * 2000));
        await killed(gateway);
        // The gateway re-queues what it finds running when it opens the store: read it first.
        for (const id of inFlight(join(dir, 'state', 'mmsgw.db'))) runningAtKills.add(`mmsgw-d-shop-${id}`);
        gateway = startGateway(configPath, log);
      }
    })();
    for (let i = 0; i < SMS; i++) {
      const m = `[mm7-crash-sms-${i}]`;
      markers.push(m);
      for (const p of encodeDeliver({ from: `+1555030${String(i).padStart(4, '0')}`, text: `${m} hello`, reference: i & 0xff })) await modemSim.deliverSms(p.hex);
      if (i < MMS) {
        const mm = `[mm7-crash-mms-${i}]`;
        markers.push(mm);
        await mmscSim.submitFromHandset({ from: `+1555020${String(i).padStart(4, '0')}`, to: OWN, subject: mm, parts: [{ contentType: 'text/plain', text: `${mm} picture`, charset: 'utf-8' }] });
      }
      await new Promise((r) => setTimeout(r, 60));
    }
    await killer;
    const markerOf = (r: (typeof vasp.received)[number]): string | undefined =>
      /\[mm7-crash-(?:sms|mms)-\d+\]/.exec(`${r.subject ?? ''} ${r.content.map((p) => (p.contentType === 'text/plain' ? p.body.toString('utf8') : '')).join(' ')}`)?.[0];
    const accepted = (): Map<string, string[]> => {
      const byMarker = new Map<string, string[]>();
      for (const r of vasp.received) {
        const m = r.op === 'DeliverReq' && r.answered === 200 ? markerOf(r) : undefined;
        if (m) byMarker.set(m, [...(byMarker.get(m) ?? []), r.transactionId]);
      }
      return byMarker;
    };
    await waitUntil(() => markers.every((m) => accepted().has(m)), 120_000, 'every message at the VASP', () => markers.filter((m) => !accepted().has(m)));
    for (const [m, txids] of accepted()) assert.equal(new Set(txids).size, 1, `${m}: a repeated DeliverReq carries the first TransactionID`);
    // TransactionIDs name the message (mmsgw-d-<vasp>-<message id>, src/web/mm7/outbound.ts).
    const repeated = [...accepted().values()].filter((t) => t.length > 1).map((t) => t[0]!);
    const notInFlight = repeated.filter((tx) => !runningAtKills.has(tx));
    assert.deepEqual(notInFlight, [], `a request is repeated only if its job was in flight at a kill (in flight: ${[...runningAtKills].join(', ') || 'none'})`);
    // At most the jobs that hold a whole message run at once (src/app/job-limits.ts).
    assert.ok(runningAtKills.size <= KILLS * WHOLE_MESSAGE_SLOTS, `${runningAtKills.size} deliveries in flight at ${KILLS} kills`);
  } finally {
    await killed(gateway);
    await mmscSim.stop();
    await modemSim.stop();
    await vasp.stop();
    if (!process.env.MMSGW_KEEP_TEST_DIRS) rmSync(dir, { recursive: true, force: true });
  }
});
