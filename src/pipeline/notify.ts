import type { ReplyMail } from '../mail/in/reply.js';
import type { MessageRow, ReportRow } from '../store/index.js';
import { PermanentJobError } from './errors.js';
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
}

export type NotifyPayload =
  | { readonly reply: ReplyMail }
  | { readonly reportId: number; readonly msgId: number }
  | { readonly msgId: number; readonly about: 'expired' | 'failed' | 'held' | 'resent'; readonly reason?: string };

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
  const sender = msg.from;
  if (!sender || !sender.includes('@')) return; // not written by mail: nobody to tell
  if ('reportId' in payload) {
    const report = ctx.store.reports.ofMessage(msg.id).find((r) => r.id === payload.reportId);
    if (!report) return;
    if (!deps.reports && report.status !== 'permanent-failure' && report.status !== 'rejected') return;
    return deps.notifier.send(notice(deps, msg, sender, reportSubject(report, msg), reportText(report, msg) + uncertainNote(ctx, msg)));
  }
  if (payload.about === 'held') {
    const text = [
      `Your message ${describe(msg)} may or may not have been sent.`,
      '',
      'The gateway restarted while it was handing it to the network, and the network cannot be',
      'asked whether it arrived. To avoid a duplicate it was NOT sent again:',
      ...uncertainParts(ctx, msg),
      '',
      'If the recipient did not get it, ask the operator of the gateway to send it again',
      `(\`mmsgw retry\` on the send job of message #${msg.id}; \`mmsgw jobs --uncertain\` lists it).`,
      '',
    ].join('\n');
    return deps.notifier.send(notice(deps, msg, sender, `Maybe not sent: ${describe(msg)}`, text));
  }
  if (payload.about === 'resent') {
    return deps.notifier.send(notice(deps, msg, sender, `Sent, possibly twice: ${describe(msg)}`, `Your message ${describe(msg)} was sent.\n${uncertainNote(ctx, msg)}`));
  }
  const what = payload.about === 'expired'
    ? `could not be sent before it expired (${msg.expiry !== null ? new Date(msg.expiry).toISOString() : 'time-to-live'}), so it was not sent at all`
    : `could not be sent: ${payload.reason ?? 'the network refused it'}`;
  return deps.notifier.send(notice(deps, msg, sender, `Not sent: ${describe(msg)}`, `Your message ${describe(msg)} ${what}.\n`));
}

/** The sends a crash left uncertain, one line each. */
function uncertainParts(ctx: PipelineContext, msg: MessageRow): string[] {
  return ctx.store.submissions
    .ofMessage(msg.id)
    .filter((r) => r.uncertain > 0)
    .map((r) => `  - ${r.recipient ? `part ${r.seq} of ${r.total} to ${r.recipient}` : 'the MMS'}: ${r.resolution === 'held' ? 'held, not sent again' : 'sent again'}`);
}

/** A paragraph for notices about a message with parts resent after a crash ('' when none). */
function uncertainNote(ctx: PipelineContext, msg: MessageRow): string {
  const lines = uncertainParts(ctx, msg).filter((l) => l.endsWith('sent again') && !l.endsWith('not sent again'));
  if (lines.length === 0) return '';
  return ['', 'Note: the gateway restarted while sending, and could not tell whether these went out; they', 'were sent again, so the recipient may have received them twice:', ...lines, ''].join('\n');
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
  // The source mail's identity starts with its Message-ID (mail-in `emailIdentity`).
  const ref = /^<[^<>\s]+>/.exec(msg.emailMessageId ?? '')?.[0];
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
