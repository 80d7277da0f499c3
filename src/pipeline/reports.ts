import { decodeSmsPdu, type SmsStatusReport } from '../codec/sms/index.js';
import { normalizeAddress, type MessageState } from '../store/index.js';
import { JOB, type PipelineContext } from './context.js';
import { PermanentJobError } from './errors.js';
import { commitNow, type LastWrites } from './last-writes.js';

/** States of an outbound SMS a status report can still change. */
const MATCHABLE: ReadonlySet<MessageState> = new Set(['sent', 'submitting', 'held', 'delivered']);

/**
 * Job `sms-report`: an SMS-STATUS-REPORT (3GPP 23.040 §9.2.2.3) is matched to the sent SMS
 * part with the same TP-MR and recipient, through the modem it came from, most recent first
 * however many were sent since. Once every part to every
 * recipient is delivered the message becomes `delivered` and the sender is told; a permanent
 * failure is reported at once.
 */
export async function handleStatusReport(ctx: PipelineContext, rawPduId: number, last: LastWrites = commitNow(ctx.store)): Promise<void> {
  const { store } = ctx;
  const raw = store.content.rawPdu(rawPduId);
  if (!raw) throw new PermanentJobError('PIPELINE_MISSING', `raw PDU ${rawPduId} is gone`);
  const d = decodeSmsPdu(Buffer.from(await store.content.rawPduBody(raw)).toString('hex'));
  if (!d.ok || d.value.type !== 'status-report') throw new PermanentJobError('PIPELINE_UNDECODABLE', `raw PDU ${rawPduId} is not a status report`);
  const report: SmsStatusReport = d.value;
  const recipient = normalizeAddress(report.recipient.number);
  // Matched and recorded as the job's last writes (nothing follows them): against the state
  // the messages have when they are committed.
  last(() => record(ctx, rawPduId, report, recipient));
}

/**
 * The part it reports on: the most recently sent one with this TP-MR to this recipient,
 * through the modem the report came from (TP-MR counts per modem).
 */
function record(ctx: PipelineContext, rawPduId: number, report: SmsStatusReport, recipient: string): void {
  const { store } = ctx;
  const modem = store.modemLinks.rawPduModem(rawPduId);
  for (const part of store.submissions.sentWithReference(String(report.messageReference))) {
    if (normalizeAddress(part.recipient) !== recipient) continue;
    if (modem !== undefined && part.modem !== null && part.modem !== modem) continue;
    const msg = store.messages.get(part.msgId);
    if (!msg || msg.direction !== 'out' || msg.kind !== 'sms' || !MATCHABLE.has(msg.state)) continue;
    store.tx(() => {
      store.content.linkRawPdu(rawPduId, msg.id);
      const r = store.reports.add({ kind: 'delivery', msgId: msg.id, recipient, status: report.status.category, at: report.dischargeTime.date.getTime(), rawPduId });
      store.events.add(msg.id, 'status-report', { recipient, seq: part.seq, status: report.status.description, category: report.status.category }, ctx.now());
      const delivered = new Set(
        store.reports.ofMessage(msg.id).filter((x) => x.status === 'delivered').map((x) => x.recipient),
      );
      const recipients = store.messages.addresses(msg.id).filter((a) => a.role === 'to').map((a) => a.normalized);
      const final = report.status.category === 'delivered' || report.status.category === 'permanent-failure';
      if (recipients.every((n) => delivered.has(n)) && msg.state !== 'delivered') store.messages.setState(msg.id, 'delivered', ctx.now());
      if (final) ctx.enqueue({ kind: JOB.notifySender, key: `notify:${msg.id}:${recipient}:${report.status.category}`, payload: { reportId: r.id, msgId: msg.id } });
    });
    return;
  }
  ctx.log.info({ mr: report.messageReference, recipient }, 'status report matches no sent SMS');
}
