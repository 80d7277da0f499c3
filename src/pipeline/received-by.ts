import type { PipelineContext } from './context.js';

/** The modem that received a message and its own number (the message's `box`). */
export interface ReceivedBy {
  readonly modem?: string;
  readonly box?: string;
}

/**
 * Which modem and own number received the message made of these raw PDUs: the modem recorded
 * with the first PDU that has one (sms-intake), its number from the box's modems; without a
 * modem (one-modem boxes before schema 9, tests) the box's own number.
 */
export function receivedBy(ctx: PipelineContext, rawPduIds: readonly number[]): ReceivedBy {
  let modem: string | undefined;
  for (const id of rawPduIds) {
    modem = ctx.store.modemLinks.rawPduModem(id);
    if (modem !== undefined) break;
  }
  const box = (modem !== undefined ? ctx.modems?.numberOf(modem) : undefined) ?? ctx.ownNumber;
  return { ...(modem !== undefined ? { modem } : {}), ...(box !== undefined ? { box } : {}) };
}

/** Records the receiving modem on a message inserted just before (same transaction). */
export function recordReceivedBy(ctx: PipelineContext, msgId: number, by: ReceivedBy): void {
  if (by.modem !== undefined) ctx.store.modemLinks.setMessageModem(msgId, by.modem, undefined);
}
