import { runToDone } from '../../src/pipeline/last-writes.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store, type NewJob } from '../../src/store/index.js';
import { MailRelay, messageIdFor, type RenderConfig } from '../../src/mail/out/index.js';
import { MailSink } from '../../src/sim/mail/sink.js';
import { JobWorker, type JobHandler } from '../../src/pipeline/worker.js';
import type { PipelineContext } from '../../src/pipeline/context.js';
import type { Mailer } from '../../src/pipeline/relay.js';
import { silentLogger } from '../../src/util/log.js';

/**
 * A receive pipeline on real parts: a SQLite store in a temp dir, a real SMTP server (the mail
 * sink) and the mail relay talking to it. The clock is injectable so concatenation timeouts
 * can be reached without waiting.
 */
export interface Harness {
  readonly dir: string;
  readonly store: Store;
  readonly sink: MailSink;
  readonly ctx: PipelineContext;
  readonly mailer: Mailer & { close(): void };
  clock: { now: number };
  worker(handlers: Record<string, JobHandler>): JobWorker;
  /** Runs due jobs until none is left (or `maxRounds`). */
  drain(handlers: Record<string, JobHandler>, maxRounds?: number): Promise<void>;
  close(): Promise<void>;
}

export const OWN_NUMBER = '+15550100001';

export async function harness(): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'mmsgw-pipeline-'));
  const store = openStore({ stateDir: dir });
  const sink = await new MailSink().start();
  const render: RenderConfig = { addressDomain: 'sms.test', replyToPattern: 'box+{number}@company.test' };
  const relayer = new MailRelay({ smtp: { host: '127.0.0.1', port: sink.port, requireTLS: false }, render, log: silentLogger });
  const mailer = { routing: { rules: [], defaultMailboxes: ['inbox@company.test'] }, relay: relayer.relay.bind(relayer), messageIdFor: (m: Parameters<typeof messageIdFor>[0]) => messageIdFor(m, render), close: () => relayer.close() };
  const clock = { now: Date.now() };
  const ctx: PipelineContext = {
    store,
    log: silentLogger,
    enqueue: (job: NewJob) => {
      store.jobs.enqueue(job, clock.now);
    },
    now: () => clock.now,
    ownNumber: OWN_NUMBER,
  };
  const h: Harness = {
    dir,
    store,
    sink,
    ctx,
    mailer,
    clock,
    worker: (handlers) => new JobWorker({ queue: store.jobs, handlers, log: silentLogger, now: () => clock.now }),
    async drain(handlers, maxRounds = 200) {
      for (let i = 0; i < maxRounds; i++) {
        const job = store.jobs.claim(clock.now);
        if (!job) return;
        const handler = handlers[job.kind];
        if (!handler) throw new Error(`no handler for ${job.kind}`);
        try {
          await runToDone(store, handler, job, new AbortController().signal, clock.now);
        } catch (e) {
          store.jobs.fail(job.id, clock.now + 60_000, (e as Error).message, clock.now);
          throw e;
        }
      }
      throw new Error(`jobs still due after ${maxRounds} rounds`);
    },
    async close() {
      mailer.close();
      await sink.stop();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}
