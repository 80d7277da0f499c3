import { routeMessage } from '../mail/out/routing.js';
import { PermanentJobError } from './errors.js';
import type { PipelineContext } from './context.js';
import type { Notifier } from './notify.js';
import { relayMessageOf, type RelayDeps } from './relay.js';

export interface OwnerNoticeDeps {
  readonly relay: RelayDeps;
  readonly notifier: Notifier;
  /** From address of notices, e.g. `mmsgw@box.example`. */
  readonly from: string;
}

export interface OwnerNoticePayload {
  readonly msgId: number;
  /** Short cause: `too-large`, `undecodable`, `download-failed`, `expired`. */
  readonly why: string;
  /** The sentence that says what happened. */
  readonly text: string;
}

/**
 * Job `notify-owner`: a received MMS that will not reach the mailbox (too large, undecodable,
 * download failed for good, expired) is announced to the mailboxes it would have been relayed
 * to, with what is known from the notification: sender, size, subject, when. Each mailbox is
 * told once (an `owner-notified` event per mailbox), so a retry after a crash or a 4xx only
 * mails the ones still missing.
 */
export async function notifyOwner(ctx: PipelineContext, deps: OwnerNoticeDeps, p: OwnerNoticePayload): Promise<void> {
  const { store } = ctx;
  const row = store.messages.get(p.msgId);
  if (!row) throw new PermanentJobError('PIPELINE_MISSING', `message ${p.msgId} is gone`);
  const msg = await relayMessageOf(ctx, deps.relay, row);
  const mailboxes = routeMessage(msg, deps.relay.mailer.routing);
  if (mailboxes.length === 0) throw new PermanentJobError('PIPELINE_NO_ROUTE', `no mailbox is configured for message ${row.id} (set mail.out.defaultMailbox)`);
  const told = new Set(
    store.events
      .ofMessage(row.id)
      .filter((e) => e.kind === 'owner-notified' && (e.detail as { why?: string } | null)?.why === p.why)
      .map((e) => (e.detail as { mailbox: string }).mailbox),
  );
  const sender = row.from ?? 'an unknown sender';
  const subject = row.subject ? ` "${row.subject}"` : '';
  const lines = [
    `An MMS${subject} from ${sender} to ${row.box ?? ctx.ownNumber ?? 'this box'} could not be delivered to you: ${p.text}.`,
    '',
    `From:        ${sender}`,
    `Subject:     ${row.subject ?? '(none)'}`,
    `Size:        ${row.size !== null ? `${row.size} bytes` : 'unknown'}`,
    `Announced:   ${new Date(row.createdAt).toISOString()}`,
    ...(row.expiry !== null ? [`Expires:     ${new Date(row.expiry).toISOString()}`] : []),
    `Message:     #${row.id} (transaction ${row.transactionId ?? '?'})`,
    '',
    'If the carrier sends the notification again, the gateway tries again by itself.',
    '',
  ];
  for (const mailbox of mailboxes) {
    if (told.has(mailbox)) continue;
    await deps.notifier.send({
      envelope: { from: '', to: mailbox },
      from: deps.from,
      to: mailbox,
      subject: `Undelivered MMS from ${sender}${subject}`,
      text: lines.join('\n'),
      headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
    });
    store.events.add(row.id, 'owner-notified', { mailbox, why: p.why }, ctx.now());
  }
}
