/**
 * Web interface benchmark: `node --import tsx bench/web.ts [--messages 100000] [--requests 200] [--loads 100] [--rss-only]`.
 *
 * 1. Latency of the conversation list (first page, a deep keyset page, a search), a
 *    conversation page and a message page, over real HTTP, with N stored messages (default
 *    100,000 across 2,000 correspondents; a fifth are MMS with a text part and a small JPEG).
 *    Goal: p95 ≤ 100 ms.
 * 2. The gateway's RSS with the web interface on and off (each in its own process on the
 *    simulators, after 100 page loads when on). Goal: ≤ 20 MB more.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { openStore, ThreadsRepo, type Store } from '../src/store/index.js';
import { startWebServer } from '../src/web/server.js';
import type { WebServices } from '../src/web/services.js';

const { values } = parseArgs({ options: { messages: { type: 'string', default: '100000' }, requests: { type: 'string', default: '200' }, 'rss-only': { type: 'boolean', default: false }, loads: { type: 'string', default: '100' } } });
const OWN = '+15550100001';

function get(url: string): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
    })
      .on('error', reject)
      .end();
  });
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

async function fill(store: Store, n: number): Promise<void> {
  const pic = await sharp({ create: { width: 96, height: 64, channels: 3, background: { r: 200, g: 120, b: 40 } } }).jpeg().toBuffer();
  const t0 = Date.UTC(2026, 0, 1);
  const batch = 2000;
  for (let start = 0; start < n; start += batch) {
    store.tx(() => {
      for (let i = start; i < Math.min(n, start + batch); i++) {
        const who = `+1555${String(2_000_000 + ((i * 7919) % 2000)).padStart(7, '0')}`;
        const mms = i % 5 === 0;
        const out = i % 4 === 1;
        const m = store.messages.insert({
          direction: out ? 'out' : 'in',
          kind: mms ? 'mms' : 'sms',
          state: out ? 'delivered' : 'relayed',
          from: out ? 'web:bench' : who,
          to: out ? [who] : [OWN],
          subject: mms ? `Photo ${i}` : null,
          date: t0 + i * 60_000,
          at: t0 + i * 60_000,
        });
        const text = { contentType: 'text/plain', charset: 'utf-8', body: Buffer.from(`Message number ${i} to or from ${who}, with some ordinary words in it.`) };
        store.content.replaceParts(m.id, mms ? [text, { contentType: 'image/jpeg', filename: `p${i}.jpg`, body: pic }] : [text]);
      }
    });
  }
}

async function latency(): Promise<void> {
  const n = Number(values.messages);
  const reqs = Number(values.requests);
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-bench-web-'));
  try {
    let store = openStore({ stateDir: dir, synchronous: 'NORMAL' });
    let t = performance.now();
    await fill(store, n);
    const fillMs = performance.now() - t;
    store.close();
    store = openStore({ stateDir: dir });
    t = performance.now();
    const threads = new ThreadsRepo(store.db, [OWN]);
    while (threads.catchUp() > 0) {
      // the one-time index of messages stored before the web interface first ran
    }
    const indexMs = performance.now() - t;
    const services: WebServices = {
      store,
      box: { ownNumbers: [OWN], region: 'US', timeZone: 'UTC', mmsMaxBytes: 300 * 1024, maxSmsParts: 4 },
      modemStatus: () => undefined,
      send: async () => ({ ok: false, code: 'bench', field: 'to', reason: 'no sending in the benchmark' }),
      settings: () => ({}),
    };
    const server = await startWebServer({ host: '127.0.0.1', port: 0 }, services);
    const list = threads.list({ limit: 200 });
    const deep = threads.list({ limit: 1, before: list[150]?.lastMsgId ?? 1 })[0]?.lastMsgId ?? 1;
    const ids = store.db.prepare('SELECT id FROM messages ORDER BY random() LIMIT ?').pluck().all(reqs) as number[];
    const threadIds = list.map((x) => x.id);
    const cases: [string, (i: number) => string][] = [
      ['conversations, first page', () => '/'],
      ['conversations, deep keyset page', () => `/?before=${deep}`],
      ['conversation page', (i) => `/c/${threadIds[i % threadIds.length]}`],
      ['message page', (i) => `/m/${ids[i % ids.length]}`],
      ['search by number', (i) => `/?q=555${2000000 + (i % 2000)}`],
    ];
    const rows: Record<string, unknown>[] = [];
    for (const [name, path] of cases) {
      for (let i = 0; i < 10; i++) await get(`${server.url}${path(i)}`);
      const ms: number[] = [];
      let bytes = 0;
      for (let i = 0; i < reqs; i++) {
        const s = performance.now();
        const r = await get(`${server.url}${path(i)}`);
        ms.push(performance.now() - s);
        bytes += r.bytes;
        if (r.status !== 200) throw new Error(`${path(i)} answered ${r.status}`);
      }
      rows.push({ case: name, requests: reqs, p50: +pct(ms, 50).toFixed(1), p95: +pct(ms, 95).toFixed(1), max: +Math.max(...ms).toFixed(1), kbPerPage: +(bytes / reqs / 1024).toFixed(1) });
    }
    await server.close();
    store.close();
    console.log(`\n${n} messages stored in ${(fillMs / 1000).toFixed(1)} s; conversation index built in ${(indexMs / 1000).toFixed(1)} s (${threadIds.length >= 200 ? '2000' : threadIds.length} threads)`);
    console.table(rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One gateway on the simulators (the embedded demo), web on or off, run from the compiled
 * dist/ as `mmsgw` runs in production (tsx would keep transpiled sources and source maps in
 * memory); prints its memory figures as JSON after `loads` rounds of five pages.
 */
const CHILD = `
const { startDemo } = await import(process.argv[1]);
const { mkdtempSync, rmSync } = await import('node:fs');
const { tmpdir } = await import('node:os');
const { join } = await import('node:path');
const { get } = await import('node:http');
const on = process.argv[2] === 'on';
const loads = Number(process.argv[3]);
const stateDir = mkdtempSync(join(tmpdir(), 'mmsgw-bench-rss-'));
const env = await startDemo({ stateDir, baudRate: 0, web: on, webPort: 0 });
const fetchPage = (u) => new Promise((res, rej) => get(u, (r) => { r.resume(); r.on('end', res); }).on('error', rej));
await new Promise((r) => setTimeout(r, 2000));
const url = env.gateway.webUrl;
if (on && url) for (let i = 0; i < loads; i++) for (const p of ['/', '/health', '/queue', '/settings', '/compose']) await fetchPage(url + p);
await new Promise((r) => setTimeout(r, 1000));
globalThis.gc?.();
const mu = process.memoryUsage();
console.log(JSON.stringify({ web: on, rssMb: +(mu.rss / 1048576).toFixed(1), heapMb: +(mu.heapUsed / 1048576).toFixed(1) }));
await env.stop();
rmSync(stateDir, { recursive: true, force: true });
`;

function rss(loads: number): void {
  const root = new URL('..', import.meta.url).pathname;
  const built = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`build failed: ${built.stdout}${built.stderr}`);
  const entry = join(root, 'dist', 'demo', 'environment.js');
  const run = (on: boolean): number => {
    const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', CHILD, entry, on ? 'on' : 'off', String(loads)], {
      encoding: 'utf8',
      env: { ...process.env, MMSGW_LOG_LEVEL: 'silent' },
    });
    const line = r.stdout.trim().split('\n').filter((l) => l.startsWith('{"web"')).pop();
    if (!line) throw new Error(`RSS child failed: ${r.stderr.slice(-800)}`);
    return (JSON.parse(line) as { rssMb: number }).rssMb;
  };
  const off: number[] = [];
  const on: number[] = [];
  for (let i = 0; i < 3; i++) {
    off.push(run(false));
    on.push(run(true));
  }
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[1] ?? NaN;
  console.log(`\ngateway RSS (median of 3 processes each, from dist/): web off ${med(off)} MB, web on ${med(on)} MB after ${loads * 5} page loads → +${(med(on) - med(off)).toFixed(1)} MB (goal ≤ 20 MB)`);
  console.log(`  runs off: ${off.join(', ')}; on: ${on.join(', ')}`);
}

if (values['rss-only'] !== true) await latency();
rss(Number(values.loads));
