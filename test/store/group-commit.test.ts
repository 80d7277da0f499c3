import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { JobWorker, type JobOutcome } from '../../src/pipeline/worker.js';
import { BlobStore } from '../../src/store/index.js';
import { silentLogger } from '../../src/util/log.js';
import { tempDir, tempStore, walCommits } from './helpers.js';

test('settle records outcomes and claims due jobs oldest first in one transaction; a bad outcome does not undo the others', () => {
  const t = tempStore();
  try {
    const { jobs } = t.store;
    const ids = [1, 2, 3, 4, 5].map((i) => jobs.enqueue({ kind: 'k', key: `k:${i}`, payload: { i }, runAt: 1000 + i }, 1000).job.id);
    const [a, b, c] = [jobs.claim(2000), jobs.claim(2000), jobs.claim(2000)].map((j) => j!.id);
    const outcomes: JobOutcome[] = [
      { id: a!, outcome: 'done' },
      { id: 9999, outcome: 'done' }, // no such job: reported, the others stand
      { id: b!, outcome: 'retry', retryAt: 5000, error: 'later' },
      { id: c!, outcome: 'dead', error: 'gone' },
    ];
    const { claimed, errors } = jobs.settle(outcomes, 5, 2000);
    assert.deepEqual([...errors.keys()], [1]);
    assert.equal(jobs.get(a!)?.state, 'done');
    assert.equal(jobs.get(b!)?.state, 'queued');
    assert.equal(jobs.get(b!)?.runAt, 5000);
    assert.equal(jobs.get(c!)?.state, 'dead');
    // Due now: jobs 4 and 5 (job 2 is due again only at 5000), oldest run_at first, each counted as an attempt.
    assert.deepEqual(claimed.map((j) => j.id), [ids[3], ids[4]]);
    assert.deepEqual(claimed.map((j) => [j.state, j.attempts]), [['running', 1], ['running', 1]]);
    assert.deepEqual(claimed.map((j) => j.payload), [{ i: 4 }, { i: 5 }]);
  } finally {
    t.cleanup();
  }
});

test('the worker records the outcomes of jobs that finish together in fewer commits than jobs', async () => {
  const t = tempStore();
  try {
    const { jobs } = t.store;
    for (let i = 0; i < 12; i++) jobs.enqueue({ kind: 'k', key: `k:${i}` });
    let commits = 0;
    const queue = {
      settle: (o: readonly JobOutcome[], limit: number, now: number) => {
        commits++;
        return jobs.settle(o, limit, now);
      },
      nextRunAt: () => jobs.nextRunAt(),
    };
    let ran = 0;
    const worker = new JobWorker({
      queue,
      concurrency: 6,
      log: silentLogger,
      handlers: { k: { run: async () => void (ran++, await new Promise((r) => setTimeout(r, 2))) } },
    });
    const done = new Promise<void>((resolve) => worker.on('done', () => ran === 12 && jobs.counts().done === 12 && resolve()));
    worker.start();
    await done;
    await worker.stop();
    assert.equal(jobs.counts().done, 12);
    // Per-job commits would be 24 (a claim and an outcome each); grouped: a claim round of 6,
    // then rounds that record several outcomes and refill several slots at once.
    assert.ok(commits <= 8, `${commits} commits for 12 jobs`);
  } finally {
    t.cleanup();
  }
});

test('with half the slots or more busy, a finished job waits longer, so that more jobs share each commit', async () => {
  const t = tempStore();
  try {
    const { jobs } = t.store;
    for (let i = 0; i < 64; i++) jobs.enqueue({ kind: 'k', key: `k:${i}`, payload: { i } });
    const rounds: number[] = [];
    const queue = {
      settle: (o: readonly JobOutcome[], limit: number, now: number) => {
        if (o.length > 0) rounds.push(o.length);
        return jobs.settle(o, limit, now);
      },
      nextRunAt: () => jobs.nextRunAt(),
    };
    // 64 jobs through sixteen slots, running 1 to 31 ms each: the slots stay full while they last.
    const worker = new JobWorker({
      queue,
      concurrency: 16,
      log: silentLogger,
      handlers: { k: { run: async (job) => void (await new Promise((r) => setTimeout(r, 1 + 2 * ((job.payload as { i: number }).i % 16)))) } },
    });
    const done = new Promise<void>((resolve) => worker.on('done', () => jobs.counts().done === 64 && resolve()));
    worker.start();
    await done;
    await worker.stop();
    // 5 ms windows took 14 rounds here, 15 ms ones while half the slots or more are busy 8 or 9.
    assert.ok(rounds.length <= 10, `outcomes recorded in ${rounds.length} rounds: ${rounds.join(', ')}`);
    assert.equal(rounds.reduce((a, b) => a + b, 0), 64);
  } finally {
    t.cleanup();
  }
});

test('putMany writes several blobs at once, each complete under its address, and leaves no temp file', async () => {
  const t = tempDir();
  try {
    const blobs = new BlobStore(t.dir);
    const bodies = [Buffer.alloc(20_000, 1), Buffer.alloc(30_000, 2), Buffer.alloc(20_000, 1)];
    const refs = await blobs.putMany(bodies);
    assert.equal(refs.length, 3);
    assert.equal(refs[0]?.path, refs[2]?.path, 'identical bodies share one file');
    for (const [i, ref] of refs.entries()) assert.deepEqual(readFileSync(join(t.dir, ref.path)), bodies[i]);
    assert.deepEqual(readdirSync(join(t.dir, 'blobs', 'tmp')), []);
    // Written again: already there and intact, only touched.
    assert.deepEqual(await blobs.putMany(bodies.slice(0, 2)), refs.slice(0, 2));
  } finally {
    t.cleanup();
  }
});

test("a done job's last writes are committed with its outcome; if they fail, they are rolled back and the job stays running for the worker", () => {
  const t = tempStore();
  try {
    const { jobs, db } = t.store;
    db.exec('CREATE TABLE t (x INTEGER)');
    const a = jobs.enqueue({ kind: 'k', key: 'k:a' }, 1000).job.id;
    const b = jobs.enqueue({ kind: 'k', key: 'k:b' }, 1000).job.id;
    jobs.claim(2000);
    jobs.claim(2000);
    const { errors } = jobs.settle(
      [
        { id: a, outcome: 'done', final: () => void db.prepare('INSERT INTO t VALUES (1)').run() },
        {
          id: b,
          outcome: 'done',
          final: () => {
            db.prepare('INSERT INTO t VALUES (2)').run();
            throw new Error('no room');
          },
        },
      ],
      0,
      3000,
    );
    assert.deepEqual([...errors.keys()], [1]);
    assert.equal(jobs.get(a)?.state, 'done');
    assert.deepEqual(db.prepare('SELECT x FROM t').pluck().all(), [1], "b's write rolled back");
    assert.match(String(errors.get(1)), /no room/);
    // The worker records the failure with the job's backoff (test/pipeline/worker.test.ts).
    assert.equal(jobs.get(b)?.state, 'running', 'b is left to the worker');
  } finally {
    t.cleanup();
  }
});

test("the worker takes a job whose last writes fail for a failed job: retried with its backoff, dead-lettered when the attempts run out, never rerun at once", { timeout: 10_000 }, async () => {
  const t = tempStore();
  try {
    const { jobs, db } = t.store;
    db.exec('CREATE TABLE t (x INTEGER UNIQUE)');
    db.exec('INSERT INTO t VALUES (1)');
    jobs.enqueue({ kind: 'k', key: 'k:always-fails' });
    jobs.enqueue({ kind: 'k', key: 'k:fine' });
    const runs = new Map<string, number[]>();
    const worker = new JobWorker({
      queue: jobs,
      concurrency: 2,
      log: silentLogger,
      handlers: {
        k: {
          // A write that can never succeed (the row exists): as a bug in a step would be.
          run: async (job) => {
            runs.set(job.key, [...(runs.get(job.key) ?? []), Date.now()]);
            return () => void db.prepare('INSERT INTO t VALUES (?)').run(job.key === 'k:fine' ? 2 : 1);
          },
          backoff: { baseMs: 40, maxMs: 40, maxAttempts: 3 },
        },
      },
    });
    const dead = new Promise<string>((resolve) => worker.on('dead', (_job, reason: string) => resolve(reason)));
    worker.start();
    const reason = await dead;
    await worker.stop();
    assert.match(reason, /UNIQUE constraint failed/);
    assert.equal(jobs.getByKey('k:always-fails')?.state, 'dead');
    assert.equal(jobs.getByKey('k:fine')?.state, 'done');
    assert.deepEqual(db.prepare('SELECT x FROM t ORDER BY x').pluck().all(), [1, 2], 'only the good write committed');
    const at = runs.get('k:always-fails') ?? [];
    assert.equal(at.length, 3, `three attempts, then dead (ran ${at.length} times)`);
    // The backoff was kept between attempts (40 ms, with jitter at most halved).
    for (let i = 1; i < at.length; i++) assert.ok(at[i]! - at[i - 1]! >= 15, `attempt ${i + 1} came ${at[i]! - at[i - 1]!} ms after the one before`);
  } finally {
    t.cleanup();
  }
});

test("the worker commits a handler's last writes with the job's outcome: ten jobs' writes cost no commits of their own", async () => {
  const run = async (final: boolean): Promise<{ commits: number; rows: unknown }> => {
    const t = tempStore();
    try {
      const { jobs, db } = t.store;
      db.exec('CREATE TABLE t (x INTEGER)');
      for (let i = 0; i < 10; i++) jobs.enqueue({ kind: 'k', key: `k:${i}`, payload: i });
      const start = walCommits(t.store.path);
      const worker = new JobWorker({
        queue: jobs,
        concurrency: 1,
        log: silentLogger,
        handlers: {
          k: {
            run: async (job) => {
              const write = (): void => void db.prepare('INSERT INTO t VALUES (?)').run(job.payload as number);
              if (final) return write;
              t.store.tx(write);
              return undefined;
            },
          },
        },
      });
      const done = new Promise<void>((resolve) => worker.on('done', () => jobs.counts().done === 10 && resolve()));
      worker.start();
      await done;
      await worker.stop();
      return { commits: walCommits(t.store.path) - start, rows: db.prepare('SELECT count(*) FROM t').pluck().get() };
    } finally {
      t.cleanup();
    }
  };
  const apart = await run(false);
  const withOutcome = await run(true);
  assert.equal(apart.rows, 10);
  assert.equal(withOutcome.rows, 10, 'every last write committed');
  // One job at a time: a commit per outcome (with the next claim) either way, and one per job for its writes apart.
  assert.equal(apart.commits - withOutcome.commits, 10, `commits: ${withOutcome.commits} with the outcome, ${apart.commits} apart`);
});
