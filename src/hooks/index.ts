/**
 * Webhooks and the local onReceive hook as durable jobs. `hookJobs` turns an event into the
 * jobs it needs (one per subscribed target, one for the script on message.received);
 * `hookHandlers` runs them: retried with the job system's backoff across restarts,
 * dead-lettered once the event is older than the configured bound (`mmsgw jobs --dead`).
 */
import { JOB } from '../pipeline/context.js';
import { PermanentJobError } from '../pipeline/errors.js';
import type { BackoffPolicy } from '../pipeline/backoff.js';
import type { ClaimedJob, JobHandler } from '../pipeline/worker.js';
import type { NewJob } from '../store/index.js';
import type { EventType, HookEvent } from './events.js';
import { runScript } from './script.js';
import { deliver, type WebhookTarget } from './webhook.js';

export { EVENT_TYPES, type EventType, type HookEvent } from './events.js';
export { advanceConsumer, consumerCursor, drainOutbox, pendingOutbox, registerConsumer, unregisterConsumer } from './outbox.js';
export { sign, secretKey, type WebhookTarget } from './webhook.js';

export interface HookOptions {
  readonly targets: readonly WebhookTarget[];
  readonly webhookTimeoutMs: number;
  /** A webhook delivery is given up this long after its event. */
  readonly webhookMaxAgeMs: number;
  readonly onReceive?: { readonly path: string; readonly timeoutMs: number; readonly maxAgeMs: number };
  /** Retry policy (default: 5 s doubling to 10 min, bounded by the max age). */
  readonly backoff?: BackoffPolicy;
}

interface WebhookPayload {
  readonly target: string;
  readonly eventId: string;
  readonly type: string;
  readonly body: string;
  readonly createdAt: number;
}

interface ScriptPayload {
  readonly eventId: string;
  readonly type: string;
  readonly msgId: number | null;
  readonly body: string;
  readonly createdAt: number;
}

const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 5_000, maxMs: 10 * 60_000, maxAttempts: 10_000 };

/** The jobs one event needs. The body is fixed here, so every retry sends the same bytes. */
export function hookJobs(o: HookOptions, now: () => number): (e: HookEvent) => NewJob[] {
  return (e) => {
    const body = JSON.stringify(e);
    const createdAt = now();
    const jobs: NewJob[] = o.targets
      .filter((t) => t.events.includes(e.type))
      .map((t) => ({ kind: JOB.webhook, key: `webhook:${t.name}:${e.id}`, payload: { target: t.name, eventId: e.id, type: e.type, body, createdAt } satisfies WebhookPayload }));
    if (o.onReceive && e.type === 'message.received') {
      const msgId = (e.data.message as { id?: number } | undefined)?.id ?? null;
      jobs.push({ kind: JOB.hookOnReceive, key: `hook-on-receive:${e.id}`, payload: { eventId: e.id, type: e.type, msgId, body, createdAt } satisfies ScriptPayload });
    }
    return jobs;
  };
}

/** Whether any configured hook listens to events of `type` (the outbox skips the others' message reads). */
export function hookWants(o: HookOptions): (type: EventType) => boolean {
  return (type) => o.targets.some((t) => t.events.includes(type)) || (o.onReceive !== undefined && type === 'message.received');
}

export function hookHandlers(o: HookOptions): Record<string, JobHandler> {
  const backoff = o.backoff ?? DEFAULT_BACKOFF;
  const handlers: Record<string, JobHandler> = {
    [JOB.webhook]: {
      run: async (job, signal) => {
        const p = job.payload as WebhookPayload;
        const target = o.targets.find((t) => t.name === p.target);
        if (!target) throw new PermanentJobError('HOOK_TARGET_GONE', `webhook target '${p.target}' is no longer configured`);
        await deliver(target, { eventId: p.eventId, type: p.type, body: p.body }, o.webhookTimeoutMs, signal);
      },
      backoff,
      deadline: (job: ClaimedJob) => (job.payload as WebhookPayload).createdAt + o.webhookMaxAgeMs,
    },
  };
  const script = o.onReceive;
  handlers[JOB.hookOnReceive] = {
    run: async (job, signal) => {
      if (!script) throw new PermanentJobError('HOOK_NOT_CONFIGURED', 'hooks.onReceive is no longer configured');
      const p = job.payload as ScriptPayload;
      await runScript(
        { path: script.path, input: p.body, timeoutMs: script.timeoutMs, env: { MMSGW_EVENT_ID: p.eventId, MMSGW_EVENT_TYPE: p.type, ...(p.msgId !== null ? { MMSGW_MESSAGE_ID: String(p.msgId) } : {}) } },
        signal,
      );
    },
    backoff,
    deadline: (job: ClaimedJob) => (job.payload as ScriptPayload).createdAt + (script?.maxAgeMs ?? 0),
  };
  return handlers;
}
