import type { ModemStatus } from '../modem/status.js';
import type { Store } from '../store/index.js';

/**
 * What the web interface is given by the gateway (src/app/web.ts): the store (read through
 * its repositories and the same src/ops functions as the CLI), the modem's status, and the
 * shared "queue an outbound message" service. Plain values and functions: the web layer
 * knows nothing of the configuration file.
 */
export interface WebServices {
  readonly store: Store;
  readonly box: BoxInfo;
  modemStatus(): ModemStatus | undefined;
  /** Every modem of the box (several SIMs), in configuration order. */
  modems?(): readonly WebModem[];
  /** Calls `listener` on every modem status change; returns the unsubscribe function. */
  onModemStatus?(listener: (s: ModemStatus) => void): () => void;
  /** Modem state transitions since start (recovery ladder included), newest first. */
  modemHistory?(): readonly ModemTransition[];
  /** Queues an outbound message through the same pipeline as mail. */
  send(req: OutboundRequest): Promise<OutboundResult>;
  /** What `send` would queue, without queueing it: the same composition (media adapted to the limit). */
  preview?(req: OutboundRequest): Promise<PreviewResult>;
  /** Puts a quarantined input through the receive path again (SMS only). */
  releaseQuarantined?(id: number): Promise<{ ok: boolean; detail: string }>;
  /** The running configuration, secrets replaced by "(redacted)". */
  settings(): unknown;
  /** Results of the self-checks run at start (config, store integrity, modem probe, …). */
  selfChecks?(): readonly SelfCheck[];
}

/** One modem as the pages show it. */
export interface WebModem {
  readonly id: string;
  readonly number: string | null;
  readonly port: string;
  readonly profile: string | null;
  readonly sends: boolean;
  readonly status: ModemStatus;
  readonly health: { readonly ok: boolean; readonly problem?: string };
}

export interface BoxInfo {
  /** The box's own numbers (E.164): left out of conversation participants. */
  readonly ownNumbers: readonly string[];
  /** ISO 3166 region of the box (for national number formatting), when known. */
  readonly region?: string;
  /** IANA time zone the pages show times in. */
  readonly timeZone: string;
  /** The carrier's MMS size limit in bytes (mmsc.maxMessageSize). */
  readonly mmsMaxBytes: number;
  /** SMS longer than this many segments go out as MMS. */
  readonly maxSmsParts: number;
  /** How MMS traffic reaches the MMSC, for the health page (e.g. `interface wwan0, APN mms`). */
  readonly bearer?: string;
}

export interface OutboundMedia {
  readonly filename?: string;
  readonly contentType: string;
  readonly content: Uint8Array;
}

export interface OutboundRequest {
  /** E.164 numbers. */
  readonly to: readonly string[];
  readonly text: string;
  readonly subject?: string;
  readonly media?: readonly OutboundMedia[];
  /** Who asked (for the message's `from` and the event log), e.g. `web:admin`. */
  readonly origin: string;
  /** Makes a resubmitted form queue the message once. */
  readonly idempotencyKey?: string;
}

export type OutboundResult =
  | { readonly ok: true; readonly msgId: number; readonly kind: 'sms' | 'mms'; readonly created: boolean }
  | { readonly ok: false; readonly code: string; readonly field: string; readonly reason: string };

export interface SelfCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface ModemTransition {
  readonly at: number;
  readonly state: string;
  readonly detail: string;
}

export interface PreviewPart {
  readonly contentType: string;
  readonly name: string;
  readonly body: Uint8Array;
}

export type PreviewResult =
  | {
      readonly ok: true;
      readonly kind: 'sms' | 'mms';
      /** Numbers as they will be addressed (E.164). */
      readonly to: readonly string[];
      /** SMS: number of parts; MMS: estimated encoded size in bytes. */
      readonly segments?: number;
      readonly estimatedSize?: number;
      readonly text: string;
      readonly parts: readonly PreviewPart[];
    }
  | { readonly ok: false; readonly code: string; readonly field: string; readonly reason: string };
