/**
 * Wires webhooks and hooks.onReceive into the running gateway: the job handlers (merged into
 * the worker's), the outbox pass (on a short timer and after every finished job), and the
 * modem's state changes as `modem.state` events.
 */
import { randomUUID } from 'node:crypto';
import type { Config } from '../config/index.js';
import { drainOutbox, hookHandlers, hookJobs, hookWants, type HookEvent, type HookOptions } from '../hooks/index.js';
import type { Modem } from '../modem/index.js';
import type { PipelineContext } from '../pipeline/context.js';
import type { JobHandler, JobWorker } from '../pipeline/worker.js';
import { errorMessage } from '../util/errors.js';

/** How often the outbox is looked at when no job finished in between. */
const OUTBOX_POLL_MS = 250;
/**
 * Shortest time between two outbox passes that wrote: under a burst, every commit wakes the
 * outbox, and a pass per commit would double the commits (each an fsync). Bounds the events'
 * added delay.
 */
const OUTBOX_MIN_GAP_MS = 100;
/**
 * The same with no webhook and no onReceive script: a pass only marks the rows dispatched (so
 * that a hook configured later does not replay them), which can wait; a burst then costs a
 * commit every 2 s instead of ten a second.
 */
const OUTBOX_QUIET_GAP_MS = 2_000;
/** Rows marked in one commit then (a burst's 2 s of state changes). */
const OUTBOX_QUIET_BATCH = 2_000;

export function hookOptions(config: Config): HookOptions {
  const w = config.webhooks;
  const h = config.hooks;
  return {
    targets: w.targets.map((t, i) => ({ name: t.name ?? `webhook-${i + 1}`, url: t.url, events: t.events, secret: t.secret })),
    webhookTimeoutMs: w.timeoutSeconds * 1000,
    webhookMaxAgeMs: w.maxAgeHours * 3_600_000,
    ...(h.onReceive !== null ? { onReceive: { path: h.onReceive, timeoutMs: h.timeoutSeconds * 1000, maxAgeMs: h.maxAgeHours * 3_600_000 } } : {}),
  };
}

export function hooksHandlers(config: Config): Record<string, JobHandler> {
  return hookHandlers(hookOptions(config));
}

interface ModemLike {
  status?(): ReturnType<Modem['status']>;
  on(event: 'status', fn: (s: ReturnType<Modem['status']>) => void): unknown;
  off(event: 'status', fn: (s: ReturnType<Modem['status']>) => void): unknown;
}

export interface Hooks {
  /** One outbox pass now (tests, shutdown). */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `pollMs`: the outbox timer. The gateway passes a long safety interval because it drains on
 * every database change instead (db-wake.ts); the default suits a caller without that watch.
 */
export function startHooks(config: Config, ctx: PipelineContext, worker: JobWorker, modem?: ModemLike, pollMs = OUTBOX_POLL_MS): Hooks {
  const options = hookOptions(config);
  const jobsFor = hookJobs(options, ctx.now);
  const wants = hookWants(options);
  let busy: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  let lastWrite = 0;
  const quiet = options.targets.length === 0 && options.onReceive === undefined;
  const minGap = quiet ? OUTBOX_QUIET_GAP_MS : OUTBOX_MIN_GAP_MS;
  // Rows that are only marked cost no reading: more of them to a commit.
  const batch = quiet ? OUTBOX_QUIET_BATCH : undefined;
  // The wait between two passes, cut short by `stop`.
  let waiting: { timer: NodeJS.Timeout; wake: () => void } | undefined;
  const pass = async (): Promise<void> => {
    const gap = lastWrite + minGap - Date.now();
    if (gap > 0) {
      await new Promise<void>((wake) => {
        waiting = { timer: setTimeout(wake, gap), wake };
      });
      waiting = undefined;
    }
    while (!stopped && (await drainOutbox(ctx.store, jobsFor, ctx.now(), wants, batch)) > 0) {
      lastWrite = Date.now();
      worker.poke();
    }
  };
  const drain = (): Promise<void> => {
    if (busy) {
      again = true;
      return busy;
    }
    busy = pass()
      .catch((e: unknown) => ctx.log.warn({ err: errorMessage(e) }, 'event outbox pass failed; retrying'))
      .finally(() => {
        busy = undefined;
        if (again && !stopped) {
          again = false;
          void drain();
        }
      });
    return busy;
  };
  const timer = setInterval(() => void drain(), pollMs);
  timer.unref();
  const onDone = (): void => void drain();
  worker.on('done', onDone);

  let last: string | undefined;
  const onStatus = (s: ReturnType<Modem['status']>): void => {
    const key = `${s.state}|${s.registration.state}`;
    if (key === last) return;
    last = key;
    const event: HookEvent = {
      id: `evt_modem_${randomUUID()}`,
      type: 'modem.state',
      createdAt: new Date(ctx.now()).toISOString(),
      data: { modem: { state: s.state, registration: s.registration.state, operator: s.operator?.name ?? null, technology: s.technology ?? null, signal: s.signal ?? null } },
    };
    const jobs = jobsFor(event);
    if (jobs.length === 0) return;
    try {
      ctx.store.tx(() => {
        for (const j of jobs) ctx.store.jobs.enqueue(j, ctx.now());
      });
      worker.poke();
    } catch (e) {
      ctx.log.warn({ err: errorMessage(e) }, 'modem.state event not queued');
    }
  };
  modem?.on('status', onStatus);
  // The state the gateway starts with is the first event (the modem opened before the hooks).
  if (modem?.status) onStatus(modem.status());
  void drain();
  return {
    drain,
    async stop() {
      stopped = true;
      clearInterval(timer);
      if (waiting) {
        clearTimeout(waiting.timer);
        waiting.wake();
      }
      worker.off('done', onDone);
      modem?.off('status', onStatus);
      await busy;
    },
  };
}
