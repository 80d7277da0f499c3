import type { MmsPdu } from '../codec/mms/index.js';

/**
 * Reports about sent messages arrive later by WAP Push: m-delivery-ind (OMA-TS-MMS_ENC §6.7)
 * and m-read-orig-ind (§6.7.2). Both carry the Message-ID the MMSC gave in m-send-conf; these
 * helpers reduce a report to what the pipeline stores and match it to the sent message.
 */
export interface MmsReport {
  kind: 'delivery' | 'read';
  messageId: string;
  /** The recipient the report is about. */
  recipient?: string;
  /** X-Mms-Status (delivery) or X-Mms-Read-Status (read). */
  status: string;
  date?: Date;
}

/** Message-IDs compare without surrounding angle brackets and whitespace (MMSCs differ). */
export function normalizeMessageId(id: string): string {
  return id.trim().replace(/^<(.*)>$/, '$1').trim();
}

/** The report carried by a PDU, or undefined if it is not a report. */
export function reportOf(pdu: MmsPdu): MmsReport | undefined {
  if (!pdu.messageId) return undefined;
  const messageId = normalizeMessageId(pdu.messageId);
  if (pdu.messageType === 'm-delivery-ind') {
    return { kind: 'delivery', messageId, recipient: pdu.to[0]?.value, status: pdu.status ?? 'indeterminate', date: pdu.date };
  }
  if (pdu.messageType === 'm-read-orig-ind') {
    return { kind: 'read', messageId, recipient: pdu.from?.value, status: pdu.readStatus ?? 'read', date: pdu.date };
  }
  return undefined;
}

/** Finds the sent message a report belongs to, given the sent messages' Message-IDs. */
export function matchReport<T extends { messageId?: string }>(report: MmsReport, sent: Iterable<T>): T | undefined {
  for (const s of sent) if (s.messageId !== undefined && normalizeMessageId(s.messageId) === report.messageId) return s;
  return undefined;
}
