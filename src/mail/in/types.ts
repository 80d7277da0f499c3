/**
 * Contracts of the inbound mail side: what a listener or poller hands to the pipeline, and
 * the options that shape the checks. The handler is the durable hand-off: when its promise
 * resolves the outcome is stored (a job queued, or the refusal and its reply recorded); only
 * then is the mail marked processed (IMAP) or answered 250 (SMTP). When it rejects, the mail
 * stays where it is and comes again, so the handler must be idempotent on `source.id`.
 */
import type { ComposeOptions } from '../../compose/plan.js';
import type { OutboundPlan, Refusal } from '../../compose/types.js';
import type { SendLimits, SenderUsage } from '../../compose/limits.js';
import type { AddressingOptions } from './addressing.js';
import type { AuthorisationOptions } from './authorise.js';
import type { AuthResults } from './auth-results.js';
import type { ReplyMail } from './reply.js';

export interface InboundSource {
  readonly transport: 'imap' | 'smtp';
  /** Stable identity of this copy: `imap:<mailbox>:<uidvalidity>:<uid>` or `smtp:<session>:<n>`. */
  readonly id: string;
  readonly receivedAt: Date;
}

export interface InboundEnvelope {
  /** MAIL FROM / Return-Path: an address, `null` for `<>`, undefined when unknown. */
  readonly mailFrom?: string | null;
  /** RCPT TO addresses when known (SMTP); IMAP falls back to the header fields. */
  readonly rcptTo?: readonly string[];
  /** An authenticated SMTP login on the box's listener. */
  readonly smtpUser?: { readonly username: string; readonly senders?: readonly string[] };
  /**
   * The listener's own DKIM/SPF/DMARC verification of this mail (mailauth), as
   * Authentication-Results; called only when the authorisation needs evidence and no trusted
   * Authentication-Results header is present.
   */
  readonly verify?: () => Promise<AuthResults | undefined>;
}

interface OutcomeBase {
  readonly source: InboundSource;
  /** The mail exactly as received, for the store and quarantine. */
  readonly raw: Buffer;
  readonly messageId?: string;
}

export interface AcceptedMail extends OutcomeBase {
  readonly kind: 'accepted';
  /** The authorised sender address, lowercase. */
  readonly sender: string;
  readonly plan: OutboundPlan;
  /**
   * Identity for de-duplication: Message-ID (or the source id), sender and a digest of the
   * body and subject. The same mail offered again has the same key; a different mail that
   * reuses a Message-ID does not (see `emailIdentity`).
   */
  readonly dedupKey: string;
  /** After this instant the job must not be sent any more (see compose/ttl). */
  readonly expiresAt: Date;
  /** The own number the mail asked to send from (`box+<numbers>=<own>@…`, several SIMs). */
  readonly via?: string;
}

export interface RefusedMail extends OutcomeBase {
  readonly kind: 'refused';
  readonly refusal: Refusal;
  readonly sender?: string;
  /** The answer to send; absent when the mail must get none (loop rules, unknown return path). */
  readonly reply?: ReplyMail;
  /** Why no reply is sent, when `reply` is absent. */
  readonly noReply?: string;
}

export type InboundOutcome = AcceptedMail | RefusedMail;

export type InboundHandler = (outcome: InboundOutcome) => Promise<void>;

export interface MailInOptions {
  readonly addressing: AddressingOptions;
  readonly authorisation: AuthorisationOptions;
  readonly compose?: ComposeOptions;
  readonly limits?: SendLimits;
  /** Largest mail accepted at all, in bytes (default 25 MiB). */
  readonly maxMailBytes?: number;
  /** Lifetime of accepted jobs (default 24 h). */
  readonly ttlSeconds?: number;
  /**
   * True when a mail with this de-duplication key was accepted before (a mail offered again
   * after a crash): it is then not counted against the rate limits a second time, and the
   * pipeline's hand-off queues it once.
   */
  readonly isDuplicate?: (dedupKey: string) => boolean | Promise<boolean>;
  /** Current usage of a sender; the pipeline counts from its store. Zero when absent. */
  readonly usage?: (sender: string, now: Date) => SenderUsage | Promise<SenderUsage>;
  /** From address of reply mails (default: the addressing mailbox). */
  readonly replyFrom?: string;
  /** Clock, for tests. */
  readonly now?: () => Date;
}

export const DEFAULT_MAX_MAIL_BYTES = 25 * 1024 * 1024;
