import { asJobFinal, type LastWrites } from './last-writes.js';
import type { JobHandler } from './worker.js';
import { JOB, type PipelineContext } from './context.js';
import { assembleSms, type AssembleOptions } from './sms-assemble.js';
import { relayMessage, type RelayDeps } from './relay.js';
import { onRetrieveDead, retrieveMms, type RetrieveDeps } from './retrieve.js';
import { notifyOwner, type OwnerNoticePayload } from './owner-notice.js';
import { sendMms, sendSms, type SendDeps } from './send.js';
import { handleStatusReport } from './reports.js';
import { notifySender, type NotifyDeps, type NotifyPayload } from './notify.js';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';

export interface PipelineDeps {
  readonly assemble: AssembleOptions;
  readonly relay: RelayDeps;
  /** Absent when no MMSC is configured: notifications are then kept but not fetched. */
  readonly retrieve?: RetrieveDeps;
  readonly send?: SendDeps;
  readonly notify?: NotifyDeps;
  readonly retrieveBackoff?: BackoffPolicy;
  readonly relayBackoff?: BackoffPolicy;
  /**
   * Several modems: the MM1 side of the modem that received message `msgId` (its SIM's MMSC
   * and bearer); undefined falls back to `retrieve`.
   */
  readonly retrieveFor?: (msgId: number) => RetrieveDeps | undefined;
  /**
   * Several modems: chooses the sending modem each time a send job runs and runs the step with
   * its SMS/MM1 side (src/app/modem-select.ts); absent: `send` as it is.
   */
  readonly sendVia?: (msgId: number, kind: 'sms' | 'mms', run: (deps: SendDeps) => Promise<void>) => Promise<void>;
}

interface MsgPayload {
  readonly msgId: number;
}

const msgIdOf = (payload: unknown): number => (payload as MsgPayload).msgId;

/**
 * The job handlers of the pipeline. Receive: SMS → message, push → MMS fetch, message →
 * email. Send: mail → SMS/MMS, reports → the sender. Each handler is idempotent: it reads
 * the durable state and does only what is still missing.
 */
export function pipelineHandlers(ctx: PipelineContext, deps: PipelineDeps): Record<string, JobHandler> {
  const assemble: JobHandler = {
    run: (job) => asJobFinal((last) => assembleSms(ctx, job.payload as Parameters<typeof assembleSms>[1], deps.assemble, last)),
    // Assembly is local work; failing repeatedly means a broken row, not a passing fault.
    backoff: { baseMs: 1_000, maxMs: 60_000, maxAttempts: 5 },
  };
  const handlers: Record<string, JobHandler> = {
    [JOB.smsAssemble]: assemble,
    [JOB.smsExpire]: assemble,
    [JOB.smsReport]: {
      run: (job) => asJobFinal((last) => handleStatusReport(ctx, (job.payload as { rawPduId: number }).rawPduId, last)),
      backoff: { baseMs: 1_000, maxMs: 60_000, maxAttempts: 5 },
    },
    [JOB.relay]: {
      run: (job) => asJobFinal((last) => relayMessage(ctx, deps.relay, msgIdOf(job.payload), last)),
      backoff: deps.relayBackoff ?? { baseMs: 10_000, maxMs: 30 * 60_000, maxAttempts: 200 },
    },
  };
  const retrieve = deps.retrieve;
  if (retrieve) {
    handlers[JOB.mmsRetrieve] = {
      run: (job, signal) => asJobFinal((last) => retrieveMms(ctx, deps.retrieveFor?.(msgIdOf(job.payload)) ?? retrieve, msgIdOf(job.payload), signal, last)),
      backoff: deps.retrieveBackoff ?? DEFAULT_BACKOFF,
      // OMA-TS-MMS_ENC §7.3.20: past X-Mms-Expiry the MMSC no longer holds the message.
      deadline: (job) => ctx.store.messages.get(msgIdOf(job.payload))?.expiry ?? undefined,
      onDead: (job, reason) => onRetrieveDead(ctx, msgIdOf(job.payload), reason),
    };
  }
  const send = deps.send;
  if (send) {
    // Retries stay within 15 minutes of each other, so a message that runs out of
    // time-to-live is noticed (expired, sender told) soon after, never sent late.
    const backoff: BackoffPolicy = { baseMs: 15_000, maxMs: 15 * 60_000, maxAttempts: 1_000 };
    const via = deps.sendVia;
    const runSms = (id: number, last: LastWrites): Promise<void> => (via ? via(id, 'sms', (d) => sendSms(ctx, d, id, last)) : sendSms(ctx, send, id, last));
    const runMms = (id: number, last: LastWrites): Promise<void> => (via ? via(id, 'mms', (d) => sendMms(ctx, d, id, last)) : sendMms(ctx, send, id, last));
    handlers[JOB.sendSms] = { run: (job) => asJobFinal((last) => runSms(msgIdOf(job.payload), last)), backoff };
    handlers[JOB.sendMms] = { run: (job) => asJobFinal((last) => runMms(msgIdOf(job.payload), last)), backoff };
  }
  const notify = deps.notify;
  if (notify) {
    handlers[JOB.notifySender] = {
      run: (job) => notifySender(ctx, notify, job.payload as NotifyPayload),
      backoff: { baseMs: 30_000, maxMs: 60 * 60_000, maxAttempts: 50 },
    };
    handlers[JOB.notifyOwner] = {
      run: (job) => notifyOwner(ctx, { relay: deps.relay, notifier: notify.notifier, from: notify.from }, job.payload as OwnerNoticePayload),
      backoff: { baseMs: 30_000, maxMs: 60 * 60_000, maxAttempts: 50 },
    };
  }
  return handlers;
}
