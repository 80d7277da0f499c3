/**
 * Store benchmark: `npx tsx bench/store.ts [--dir /path/on/the/sd/card] [--sms N] [--mms N] [--jobs N]`.
 *
 * Measures, with synchronous=FULL and synchronous=NORMAL in the same run:
 *  - received SMS/s: recordSms (raw PDU committed: the modem may delete it) then the message
 *    insert with its event — two commits per SMS, as the pipeline does;
 *  - received MMS/s: a 300 KB m-retrieve-conf blob, parts (SMIL + text inline, 250 KB JPEG
 *    as a blob file, unique per message), message update and event;
 *  - job cycles/s: enqueue, claim, complete (three commits).
 * Run it with --dir on the device's own storage: on a tmpfs fsync costs nothing.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openStore, type Store, type Synchronous } from '../src/store/index.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}
const dirArg = process.argv.indexOf('--dir');
const baseDir = dirArg >= 0 ? (process.argv[dirArg + 1] ?? tmpdir()) : tmpdir();
const N_SMS = arg('sms', 500);
const N_MMS = arg('mms', 40);
const N_JOBS = arg('jobs', 500);

const PDU = '07911326040000F0040B911346610089F60000208062917314080CC8F71D14969741F977FD07';

function rate(n: number, fn: () => void): number {
  const t0 = performance.now();
  fn();
  return n / ((performance.now() - t0) / 1000);
}

async function rateAsync(n: number, fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return n / ((performance.now() - t0) / 1000);
}

function benchSms(store: Store): number {
  return rate(N_SMS, () => {
    for (let i = 0; i < N_SMS; i++) {
      // A distinct PDU each time (the store recognises repeats): vary the last octets.
      const pdu = PDU.slice(0, -8) + (i >>> 0).toString(16).padStart(8, '0').toUpperCase();
      const rec = store.intake.recordSms({ kind: 'sms-deliver', pdu, receivedAt: Date.now(), storage: 'ME', index: i % 50 });
      store.tx(() => {
        const m = store.messages.insert({ direction: 'in', kind: 'sms', state: 'received', from: '+31641600986', to: ['+4915112345678'] });
        store.content.linkRawPdu(rec.rawPduId, m.id);
        store.events.add(m.id, 'received');
      });
    }
  });
}

async function benchMms(store: Store): Promise<number> {
  const smil = Buffer.from('<smil><body><par><img src="photo.jpg"/><text src="text.txt"/></par></body></smil>');
  return rateAsync(N_MMS, async () => {
    for (let i = 0; i < N_MMS; i++) {
      const { message } = store.messages.insertOrGet(
        { direction: 'in', kind: 'mms', state: 'notified', from: '+31641600986', transactionId: `T${i}`, contentLocation: `http://mmsc/${i}` },
        'transactionId',
      );
      const raw = await store.saveRawPdu({ kind: 'mms-retrieve-conf', body: randomBytes(300 * 1024), msgId: message.id, source: 'mmsc' });
      await store.saveParts(message.id, [
        { contentType: 'application/smil', body: smil, contentId: '<smil>' },
        { contentType: 'text/plain', body: Buffer.from(`Hello number ${i}`), charset: 'utf-8', filename: 'text.txt' },
        { contentType: 'image/jpeg', body: randomBytes(250 * 1024), filename: 'photo.jpg' },
      ]);
      store.tx(() => {
        store.messages.update(message.id, { state: 'retrieved', size: raw.size });
        store.events.add(message.id, 'retrieved', { rawPduId: raw.id });
      });
    }
  });
}

function benchJobs(store: Store): number {
  return rate(N_JOBS, () => {
    for (let i = 0; i < N_JOBS; i++) {
      store.jobs.enqueue({ kind: 'relay', key: `relay:${i}`, payload: { msgId: i } });
      const j = store.jobs.claim();
      if (j) store.jobs.complete(j.id);
    }
  });
}

interface Figures {
  sms: number;
  mms: number;
  jobs: number;
}

async function run(sync: Synchronous): Promise<Figures> {
  const dir = mkdtempSync(join(baseDir, `mmsgw-bench-${sync.toLowerCase()}-`));
  const store = openStore({ stateDir: dir, synchronous: sync });
  try {
    const sms = benchSms(store);
    const mms = await benchMms(store);
    const jobs = benchJobs(store);
    return { sms, mms, jobs };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const full = await run('FULL');
const normal = await run('NORMAL');
const row = (label: string, f: number, n: number): string =>
  `${label.padEnd(34)} ${f.toFixed(1).padStart(10)} ${n.toFixed(1).padStart(10)} ${(n / f).toFixed(2).padStart(8)}x`;
console.log(`store benchmark in ${baseDir} (sms=${N_SMS}, mms=${N_MMS}, jobs=${N_JOBS})`);
console.log(`${''.padEnd(34)} ${'FULL'.padStart(10)} ${'NORMAL'.padStart(10)} ${'N/F'.padStart(9)}`);
console.log(row('received SMS/s (2 commits each)', full.sms, normal.sms));
console.log(row('received MMS/s (550 KB, 2 files)', full.mms, normal.mms));
console.log(row('job enqueue+claim+complete/s', full.jobs, normal.jobs));
