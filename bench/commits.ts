/**
 * Where the store's commits (each one an fsync with synchronous=FULL) come from, on the
 * embedded demo with the line unthrottled:
 *
 *   node --import tsx bench/commits.ts [--messages 50]
 *
 * Counts every committed write transaction (explicit `transaction()` that changed rows, and
 * autocommit statements that change rows) with its wall time, attributed to the nearest caller in
 * src/pipeline, src/app, src/hooks, src/mail, src/web or src/store, and prints commits per
 * message driven (N MMS + N SMS + N mails + N MM7 submissions).
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { startDemo } from '../src/demo/environment.js';
import { drive } from '../src/demo/drive.js';
import { rootLogger } from '../src/util/log.js';

const { values } = parseArgs({ options: { messages: { type: 'string', default: '50' } } });
const N = Number(values.messages);
const counts = new Map<string, { n: number; ms: number }>();

function site(): string {
  const lines = (new Error().stack ?? '').split('\n').slice(3);
  const own = lines.find((l) => /src\/(pipeline|app|hooks|mail|web|mmsc|modem)\//.test(l)) ?? lines.find((l) => /src\//.test(l) && !/src\/store\//.test(l)) ?? lines[0] ?? '?';
  return (/src\/[\w/.-]+:\d+/.exec(own)?.[0] ?? own.trim()).replace(/:\d+$/, (m) => m);
}

function count(key: string, ms: number): void {
  const c = counts.get(key) ?? { n: 0, ms: 0 };
  c.n++;
  c.ms += ms;
  counts.set(key, c);
}

// Wrap the prototypes once: every connection the gateway opens is counted.
const probe = new Database(':memory:');
type StmtFn = (...a: unknown[]) => unknown;
const stmtProto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<'run' | 'get' | 'all', StmtFn>;
const dbProto = Object.getPrototypeOf(probe) as { transaction: (fn: (...a: unknown[]) => unknown) => unknown };
probe.close();
// A writing statement outside a transaction commits on its own (UPDATE … RETURNING included,
// run through get/all: the job claims).
for (const method of ['run', 'get', 'all'] as const) {
  const orig = stmtProto[method];
  stmtProto[method] = function (this: Database.Statement, ...a: unknown[]) {
    if (this.database.inTransaction || this.readonly) return orig.apply(this, a);
    const t = performance.now();
    const r = orig.apply(this, a);
    const wrote = method === 'run' ? (r as Database.RunResult).changes > 0 : method === 'get' ? r !== undefined : (r as unknown[]).length > 0;
    if (wrote) count(`autocommit ${site()}`, performance.now() - t);
    return r;
  };
}
const tx0 = dbProto.transaction;
dbProto.transaction = function (this: unknown, fn: (...a: unknown[]) => unknown) {
  const t = tx0.call(this, fn) as Record<string, (...a: unknown[]) => unknown> & ((...a: unknown[]) => unknown);
  const db: Database.Database = this as Database.Database;
  const wrap = (g: (...a: unknown[]) => unknown) =>
    function (this: unknown, ...a: unknown[]) {
      if (db.inTransaction) return g.apply(this, a);
      const changes = db.prepare('SELECT total_changes()').pluck();
      const before = changes.get() as number;
      const t0 = performance.now();
      const r = g.apply(this, a);
      // A transaction that changed nothing writes no WAL frame and syncs nothing.
      if ((changes.get() as number) !== before) count(`tx ${site()}`, performance.now() - t0);
      return r;
    };
  const w = wrap(t) as typeof t;
  for (const k of ['deferred', 'immediate', 'exclusive']) w[k] = wrap(t[k]!);
  return w;
};

rootLogger({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'mmsgw-bench-commits-'));
const env = await startDemo({ stateDir: dir, baudRate: 0 });
counts.clear();
const t = performance.now();
try {
  const s = await drive(env, { messages: N, timeoutMs: 600_000 });
  const wall = performance.now() - t;
  const total = [...counts.values()].reduce((a, c) => ({ n: a.n + c.n, ms: a.ms + c.ms }), { n: 0, ms: 0 });
  const driven = 4 * N;
  console.log(`N=${N}: lost ${s.lost}, duplicates ${s.duplicates}, ${(wall / 1000).toFixed(1)} s; ${total.n} commits (${(total.n / driven).toFixed(1)} per message driven, ${driven} driven), ${(total.ms / 1000).toFixed(1)} s in them (${((100 * total.ms) / wall).toFixed(0)} % of the wall time)`);
  for (const [k, c] of [...counts].sort((a, b) => b[1].n - a[1].n).slice(0, 40)) console.log(`${String(c.n).padStart(7)} ${c.ms.toFixed(0).padStart(7)} ms  ${k}`);
} finally {
  await env.stop();
  rmSync(dir, { recursive: true, force: true });
}
