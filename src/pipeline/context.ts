import type { Store } from '../store/index.js';
import type { NewJob } from '../store/index.js';
import type { Logger } from '../util/log.js';

/**
 * What every pipeline step gets: the store, a way to enqueue follow-up jobs (which also
 * wakes the worker), the clock, and the box's identity.
 */
export interface PipelineContext {
  readonly store: Store;
  readonly log: Logger;
  /** Enqueues a job unless its key exists already (idempotency), and pokes the worker. */
  enqueue(job: NewJob): void;
  now(): number;
  /** The box's own number (E.164), when configured: excluded from group conversations. */
  readonly ownNumber: string | undefined;
  /**
   * Intake's view of the disk (DiskGuard): `refuse` throws while the store cannot be written,
   * `observe` pauses intake when an error says the disk is full.
   */
  readonly disk?: { refuse(): void; observe(e: unknown): boolean };
  /** The box's modems (several SIMs): the own number of a modem by its configured id. Absent: one modem, `ownNumber`. */
  readonly modems?: { numberOf(modem: string): string | undefined; numbers(): string[]; readonly several?: boolean };
  /** Several modems: the push policy of the carrier of modem `id` (its SIM's MMSC settings); undefined: `pushPolicy`. */
  pushPolicyFor?(modem: string): PushPolicy | undefined;
  /** Who may push and what may be fetched (src/app/push-policy.ts); absent: everything (tests). */
  readonly pushPolicy?: PushPolicy;
}

/** The inbound WAP Push policy: allowed originators and fetchable Content-Locations. */
export interface PushPolicy {
  /** True when a push from this originator may be acted on (carrier push sources). */
  sourceAllowed(from: string): boolean;
  /** Why a Content-Location must not be fetched, or undefined when it may. */
  locationRefused(url: string): { readonly code: string; readonly reason: string } | undefined;
  /** The owner told about refused notifications, and the From of that notice. */
  readonly owner?: { readonly mailbox: string; readonly from: string };
}

/** Job kinds of the pipeline, with the key scheme that makes each step idempotent. */
export const JOB = {
  /** An SMS segment or single SMS was recorded: assemble and classify. Key `sms:<rawPduId>`. */
  smsAssemble: 'sms-assemble',
  /** A concatenation group's timeout: release it flagged incomplete. Key `sms-expire:<group>:<firstSegment>`. */
  smsExpire: 'sms-expire',
  /** An SMS status report was recorded. Key `sms-report:<rawPduId>`. */
  smsReport: 'sms-report',
  /** Fetch an MMS announced by m-notification-ind, store it, acknowledge it. Key `mms-retrieve:<msgId>`. */
  mmsRetrieve: 'mms-retrieve',
  /** Relay a received message to its mailboxes. Key `relay:<msgId>`. */
  relay: 'relay',
  /** Submit an outbound MMS / SMS. Keys `send-mms:<msgId>`, `send-sms:<msgId>`. */
  sendMms: 'send-mms',
  sendSms: 'send-sms',
  /** Tell the owner (the mailboxes a message would be relayed to) that a received MMS could not be delivered. Key `notify-owner:<msgId>:<eventId>`. */
  notifyOwner: 'notify-owner',
  /** Tell the sender of an outbound message about a delivery/read report or a failure. Key `notify:<reportId>`. */
  notifySender: 'notify-sender',
  /** POST an event to one webhook target (src/hooks). Key `webhook:<target>:<eventId>`. */
  webhook: 'webhook',
  /** Run the hooks.onReceive script for a received message (src/hooks). Key `hook-on-receive:<eventId>`. */
  hookOnReceive: 'hook-on-receive',
} as const;
