// Child process of bench/memory.ts: the receive pipeline as the gateway runs it (compiled dist/
// modules, a SQLite store in a temp dir, the job handlers, the SMTP relay) against the SMTP sink
// of the parent, so this process's RSS holds the pipeline alone. Prints one JSON line.
//   mms PORT PDU_FILE   retrieve (a copy of PDU_FILE, read and decoded once as the MM1 client
//                       does) and relay one MMS; reports RSS before and the peak (VmHWM reset
//                       through /proc/self/clear_refs after warm-up).
//   sms PORT N          relay N SMS one after the other; RSS sampled every N/20 messages.
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dist = new URL('../dist/', import.meta.url);
const load = (p) => import(new URL(p, dist).href);
const [{ openStore }, { pipelineHandlers }, { acceptSms }, { MailRelay }, { messageIdFor }, { decodeMms }, { encodeDeliver }, { silentLogger }, { runToDone }] = await Promise.all([
  load('store/index.js'), load('pipeline/handlers.js'), load('pipeline/sms-intake.js'), load('mail/out/relay.js'), load('mail/out/addresses.js'),
  load('codec/mms/index.js'), load('codec/sms/index.js'), load('util/log.js'), load('pipeline/last-writes.js'),
]);

const [mode, port, arg] = process.argv.slice(2);
const rss = () => {
  const s = readFileSync('/proc/self/status', 'utf8');
  const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0) / 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM'), anon: kb('RssAnon'), file: kb('RssFile') };
};
const dir = await mkdtemp(join(tmpdir(), 'mmsgw-mem-'));
const store = openStore({ stateDir: dir });
const render = { addressDomain: 'sms.test' };
const relayer = new MailRelay({ smtp: { host: '127.0.0.1', port: Number(port), requireTLS: false, pool: true, maxConnections: 1 }, render, log: silentLogger });
const mailer = { routing: { rules: [], defaultMailboxes: ['inbox@company.test'] }, relay: (m, b) => relayer.relay(m, b), messageIdFor: (m) => messageIdFor(m, render), close: () => relayer.close() };
const ctx = { store, log: silentLogger, enqueue: (job) => void store.jobs.enqueue(job, Date.now()), now: () => Date.now(), ownNumber: '+15550100001' };
const retriever = {
  // As src/mmsc/client.ts: the body lands in a file, which is read once and decoded.
  async retrieve(location, o) {
    const file = join(o.destDir, `mm1-${Date.now()}.part`);
    await copyFile(location, file);
    const body = await readFile(file);
    const r = decodeMms(body);
    if (!r.ok) throw r.error;
    return { file, bytes: body.byteLength, body, pdu: r.value, attempts: [] };
  },
  notifyResp: async () => [],
  use: (fn) => fn(),
};
const handlers = pipelineHandlers(ctx, {
  assemble: { concatTimeoutMs: 3_600_000 },
  relay: { mailer, instanceId: 'bench', attachRawMms: false },
  retrieve: { mm1: retriever, tmpDir: dir, maxSize: 50_000_000, retrieval: 'immediate', reportAllowed: false },
});
async function drain() {
  for (;;) {
    const job = store.jobs.claim(Date.now());
    if (!job) return;
    // Its last writes (the relay job of a fetched MMS among them) with its move to done.
    await runToDone(store, handlers[job.kind], job, new AbortController().signal);
  }
}
let n = 0;
async function sms() {
  const [p] = encodeDeliver({ from: '+4915112345678', text: `message ${++n}: the quick brown fox jumps over the lazy dog`, scts: new Date() });
  acceptSms(ctx, { pdu: p.hex, receivedAt: new Date() });
  await drain();
}
async function mms(file) {
  const m = store.messages.insert({ direction: 'in', kind: 'mms', state: 'notified', from: '+4915112345678/TYPE=PLMN', to: ['+15550100001'], transactionId: `tx-${++n}`, contentLocation: file, at: Date.now() });
  ctx.enqueue({ kind: 'mms-retrieve', key: `mms-retrieve:${m.id}`, payload: { msgId: m.id } });
  await drain();
}
try {
  if (mode === 'mms') {
    for (let i = 0; i < 20; i++) await sms(); // warm-up: every module the relay needs is loaded
    const before = rss();
    writeFileSync('/proc/self/clear_refs', '5'); // resets VmHWM to the current RSS (proc(5))
    await mms(arg);
    const after = rss();
    console.log(JSON.stringify({ rssBefore: before.rss, peak: after.hwm, rssAfter: after.rss, relayed: store.messages.get(n)?.state }));
  } else {
    const total = Number(arg);
    const samples = [];
    const every = Math.max(1, Math.floor(total / 20));
    const started = Date.now();
    for (let i = 1; i <= total; i++) {
      await sms();
      if (i % every === 0) {
        globalThis.gc?.(); // with --expose-gc: what stays after a full collection
        const r = rss();
        samples.push({ n: i, rss: r.rss, anon: r.anon, file: r.file, heap: process.memoryUsage().heapUsed / 1048576, heapTotal: process.memoryUsage().heapTotal / 1048576, external: process.memoryUsage().external / 1048576, s: (Date.now() - started) / 1000 });
      }
    }
    console.log(JSON.stringify({ samples }));
  }
} finally {
  relayer.close();
  store.close();
  await rm(dir, { recursive: true, force: true });
}
