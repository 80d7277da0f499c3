import { decodeSmsPdu, type SmsTpdu } from '../codec/sms/index.js';
import { normalizeAddress } from '../store/index.js';
import { JOB, type PipelineContext } from './context.js';

/** An SMS as the modem hands it over (3GPP 27.005 PDU mode: hex, SMSC address included). */
export interface IncomingSmsPdu {
  readonly pdu: string;
  readonly receivedAt: Date;
  /** Storage it was read from (`SM`, `ME`, `MT`) and its index, when it came from storage. */
  readonly storage?: string;
  readonly index?: number;
  /** The modem (configured id) that received it, when the box has several. */
  readonly modem?: string;
}

export type IntakeOutcome =
  | { readonly kind: 'recorded'; readonly rawPduId: number; readonly duplicate: boolean }
  | { readonly kind: 'quarantined'; readonly quarantineId: number; readonly reason: string };

/**
 * First step of the receive path, run inside the modem's no-loss contract: the SMS is
 * committed to SQLite (raw PDU, segment row, follow-up job — one transaction) before this
 * returns, and only then may the modem delete it. A PDU that does not decode is kept in
 * quarantine with its bytes and the decoder's error (field, offset), and is deleted from the
 * modem too: it is safe in the store, and leaving it would block the storage forever.
 */
export function acceptSms(ctx: PipelineContext, sms: IncomingSmsPdu): IntakeOutcome {
  // Disk full: fail, so the SMS stays on the SIM (or is negatively acknowledged) until space returns.
  ctx.disk?.refuse();
  try {
    return intake(ctx, sms);
  } catch (e) {
    ctx.disk?.observe(e);
    throw e;
  }
}

function intake(ctx: PipelineContext, sms: IncomingSmsPdu): IntakeOutcome {
  const decoded = decodeSmsPdu(sms.pdu);
  if (!decoded.ok) {
    const e = decoded.error;
    const q = ctx.store.intake.quarantine({
      source: 'sms',
      bytes: Buffer.from(sms.pdu.replace(/[^0-9a-fA-F]/g, '').slice(0, 2 * 4096), 'hex'),
      errorCode: e.code,
      errorField: e.field,
      errorOffset: e.offset,
      message: e.message,
      at: sms.receivedAt.getTime(),
    });
    ctx.log.warn({ quarantineId: q.id, err: e.message }, 'undecodable SMS PDU quarantined');
    return { kind: 'quarantined', quarantineId: q.id, reason: e.message };
  }
  return record(ctx, sms, decoded.value);
}

function record(ctx: PipelineContext, sms: IncomingSmsPdu, tpdu: SmsTpdu): IntakeOutcome {
  const receivedAt = sms.receivedAt.getTime();
  const where = { storage: sms.storage, index: sms.index, ...(sms.modem !== undefined ? { modem: sms.modem } : {}) };
  return ctx.store.tx(() => {
    if (tpdu.type === 'status-report') {
      const r = ctx.store.intake.recordSms({ kind: 'sms-status-report', pdu: sms.pdu, receivedAt, ...where });
      if (!r.duplicate) ctx.enqueue({ kind: JOB.smsReport, key: `sms-report:${r.rawPduId}`, payload: { rawPduId: r.rawPduId } });
      return { kind: 'recorded', rawPduId: r.rawPduId, duplicate: r.duplicate };
    }
    // An SMS-SUBMIT in the inbox (some modems list sent messages with stat=ALL) is kept raw
    // but not relayed: it is not a message to the box.
    if (tpdu.type === 'submit') {
      const raw = ctx.store.content.addRawPdu({ kind: 'sms-submit', body: Buffer.from(sms.pdu, 'hex'), receivedAt, source: 'modem' });
      return { kind: 'recorded', rawPduId: raw.id, duplicate: false };
    }
    const c = tpdu.concat;
    // 3GPP 23.040 §9.2.3.24.1: a concatenation header with seq 0 or seq > total is ignored.
    const validConcat = c !== undefined && c.total > 1 && c.seq >= 1 && c.seq <= c.total;
    // Several modems: one sender's long SMS to two of the box's numbers (often with the same
    // reference) are two messages, so the concatenation group names the receiving modem.
    const group = normalizeAddress(tpdu.originator.number) + (sms.modem !== undefined && ctx.modems?.several ? `|${sms.modem}` : '');
    const segment = validConcat ? { originator: group, ref: c.ref, total: c.total, seq: c.seq } : undefined;
    const r = ctx.store.intake.recordSms({ kind: 'sms-deliver', pdu: sms.pdu, receivedAt, segment, ...where });
    if (!r.duplicate) ctx.enqueue({ kind: JOB.smsAssemble, key: `sms:${r.rawPduId}`, payload: { rawPduId: r.rawPduId, segment } });
    return { kind: 'recorded', rawPduId: r.rawPduId, duplicate: r.duplicate };
  });
}
