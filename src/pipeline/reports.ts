import { decodeSmsPdu, type SmsStatusReport } from '../codec/sms/index.js';
import { normalizeAddress } from '../store/index.js';
import { JOB, type PipelineContext } from './context.js';
import { PermanentJobError } from './errors.js';

/** How far back a status report is matched against sent SMS (TP-MR wraps at 256). */
const MATCH_WINDOW = 200;

/**
 * Job `sms-report`: an SMS-STATUS-REPORT (3GPP 23.040 §9.2.2.3) is matched to the sent SMS
 * part with the same TP-MR and recipient, most recent first. Once every part to every
 * recipient is delivered the message becomes `delivered` and the sender is told; a permanent
 * failure is reported at once.
 */
export async function handleStatusReport(ctx: PipelineContext, rawPduId: number): Promise<void> {
  const { store } = ctx;
  const raw = store.content.rawPdu(rawPduId);
  if (!raw) throw new PermanentJobError('PIPELINE_MISSING', `raw PDU ${rawPduId} is gone`);
  const d = decodeSmsPdu(Buffer.from(await store.content.rawPduBody(raw)).toString('hex'));
  if (!d.ok || d.value.type !== 'status-report') throw new PermanentJobError('PIPELINE_UNDECODABLE', `raw PDU ${rawPduId} is not a status report`);
  const report: SmsStatusReport = d.value;
  const recipient = normalizeAddress(report.recipient.number);
  const candidates = store.messages.list({ direction: 'out', kind: 'sms', state: ['sent', 'submitting', 'held', 'delivered'], limit: MATCH_WINDOW });
  for (const msg of candidates) {
    const parts = store.events.ofMessage(msg.id).filter((e) => e.kind === 'sms-part-sent').map((e) => e.detail as { recipient: string; seq: number; of: number; mr: number });
    const part = parts.find((p) => p.mr === report.messageReference && normalizeAddress(p.recipient) === recipient);
    if (!part) continue;
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
