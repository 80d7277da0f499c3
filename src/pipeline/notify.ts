import type { ReplyMail } from '../mail/in/reply.js';
import type { MessageRow, ReportRow } from '../store/index.js';
import { PermanentJobError } from './errors.js';
import { noticeExpiredToOwner } from './inbound-expiry.js';
import type { RelayDeps } from './relay.js';
import type { PipelineContext } from './context.js';

/** Sends an automatic mail (src/app wires it to SMTP). */
export interface Notifier {
  send(mail: ReplyMail): Promise<void>;
}

export interface NotifyDeps {
  readonly notifier: Notifier;
  /** From address of notices, e.g. `mmsgw@box.example`. */
  readonly from: string;
  /** Tell senders about delivery/read reports (failures and expiry are always told). */
  readonly reports: boolean;
  /** Routing of received messages: who owns an inbound message that expired (inbound-expiry.ts). */
  readonly relay?: RelayDeps;
}

export type NotifyPayload =
  | { readonly reply: ReplyMail }
  | { readonly reportId: number; readonly msgId: number }
  /** `about: 'expired'` on a received message tells its owner (the mailboxes it would have reached). */
  | { readonly msgId: number; readonly about: 'expired' | 'failed'; readonly reason?: string };

/**
 * Job `notify-sender`: the answers the box gives by mail — a refusal prepared by mail-in,
 * a delivery or read report for a message the sender wrote, or the news that it expired or
 * failed. Notices are automatic mail (RFC 3834: Auto-Submitted: auto-replied, null
 * reverse-path) threaded to the sender's original mail.
 */
export async function notifySender(ctx: PipelineContext, deps: NotifyDeps, payload: NotifyPayload): Promise<void> {
  if ('reply' in payload) return deps.notifier.send(payload.reply);
  const msg = ctx.store.messages.get(payload.msgId);
  if (!msg) throw new PermanentJobError('PIPELINE_MISSING', `message ${payload.msgId} is gone`);
  if (msg.direction === 'in' && 'about' in payload && payload.about === 'expired') {
    if (!deps.relay) throw new PermanentJobError('PIPELINE_NO_ROUTE', `no routing to tell the owner of expired message ${msg.id}`);
    return noticeExpiredToOwner(ctx, deps.relay, deps.notifier, deps.from, msg, payload.reason);
  }
  const sender = msg.from;
  if (!sender || !sender.includes('@')) return; // not written by mail: nobody to tell
  if ('reportId' in payload) {
    const report = ctx.store.reports.ofMessage(msg.id).find((r) => r.id === payload.reportId);
    if (!report) return;
    if (!deps.reports && report.status !== 'permanent-failure' && report.status !== 'rejected') return;
    return deps.notifier.send(notice(deps, msg, sender, reportSubject(report, msg), reportText(report, msg)));
  }
  const what = payload.about === 'expired'
    ? `could not be sent before it expired (${msg.expiry !== null ? new Date(msg.expiry).toISOString() : 'time-to-live'}), so it was not sent at all`
    : `could not be sent: ${payload.reason ?? 'the network refused it'}`;
  return deps.notifier.send(notice(deps, msg, sender, `Not sent: ${describe(msg)}`, `Your message ${describe(msg)} ${what}.\n`));
}

function describe(msg: MessageRow): string {
  const kind = msg.kind.toUpperCase();
  return msg.subject ? `${kind} "${msg.subject}"` : `${kind} #${msg.id}`;
}

function reportSubject(r: ReportRow, msg: MessageRow): string {
  const verb = r.kind === 'read' ? 'Read' : r.status === 'delivered' || r.status === 'retrieved' ? 'Delivered' : 'Not delivered';
  return `${verb}: ${describe(msg)}${r.recipient ? ` to ${r.recipient}` : ''}`;
}

function reportText(r: ReportRow, msg: MessageRow): string {
  return [
    `Your ${describe(msg)} ${r.recipient ? `to ${r.recipient} ` : ''}has a ${r.kind} report: ${r.status}.`,
    `Reported at ${new Date(r.at).toISOString()}.`,
    '',
  ].join('\n');
}

function notice(deps: NotifyDeps, msg: MessageRow, to: string, subject: string, text: string): ReplyMail {
  const ref = msg.emailMessageId && /^<.+>$/.test(msg.emailMessageId) ? msg.emailMessageId : undefined;
  return {
    envelope: { from: '', to },
    from: deps.from,
    to,
    subject,
    text,
    ...(ref ? { inReplyTo: ref, references: [ref] } : {}),
    headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
  };
}
