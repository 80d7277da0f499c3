import { routeMessage } from '../mail/out/index.js';
import type { MessageRow } from '../store/index.js';
import { JOB, type PipelineContext } from './context.js';
import type { Notifier } from './notify.js';
import { relayMessageOf, type RelayDeps } from './relay.js';

/**
 * A received MMS that expired before it could be fetched: past its X-Mms-Expiry
 * (OMA-TS-MMS_ENC §7.3.20) by our clock, or the MMSC no longer holds it (404 at the
 * Content-Location, or error-permanent-message-not-found, §7.3.50). The message becomes
 * `expired` and the owner — the mailboxes it would have been relayed to — is told by the
 * `notify-sender` job (payload `about: 'expired'`), in one transaction.
 */
export function expireInbound(ctx: PipelineContext, msg: MessageRow, reason: string): void {
  const { store } = ctx;
  store.tx(() => {
    store.messages.setState(msg.id, 'expired', ctx.now());
    store.events.add(msg.id, 'expired', { expiry: msg.expiry, reason }, ctx.now());
    ctx.enqueue({ kind: JOB.notifySender, key: `notify-expired-in:${msg.id}`, payload: { msgId: msg.id, about: 'expired', reason } });
  });
}

/**
 * The notice to the owner of an expired received MMS, sent once per mailbox (an
 * `owner-notified` event per mailbox, so a retry mails only those still missing).
 */
export async function noticeExpiredToOwner(ctx: PipelineContext, relay: RelayDeps, notifier: Notifier, from: string, row: MessageRow, reason: string | undefined): Promise<void> {
  const { store } = ctx;
  const mailboxes = routeMessage(await relayMessageOf(ctx, relay, row), relay.mailer.routing);
  const told = new Set(store.events.ofMessage(row.id).filter((e) => e.kind === 'owner-notified').map((e) => (e.detail as { mailbox?: string } | null)?.mailbox));
  const sender = row.from ?? 'an unknown sender';
  const text = [
    `An MMS${row.subject ? ` "${row.subject}"` : ''} from ${sender} expired at the carrier before it could be fetched, so it cannot be delivered.`,
    '',
    `From:        ${sender}`,
    `Subject:     ${row.subject ?? '(none)'}`,
    `Announced:   ${new Date(row.createdAt).toISOString()}`,
    ...(row.expiry !== null ? [`Expiry:      ${new Date(row.expiry).toISOString()}`] : []),
    ...(reason ? [`Why:         ${reason}`] : []),
    `Message:     #${row.id} (transaction ${row.transactionId ?? '?'})`,
    '',
    'Ask the sender to send it again.',
    '',
  ].join('\n');
  for (const mailbox of mailboxes) {
    if (told.has(mailbox)) continue;
    await notifier.send({
      envelope: { from: '', to: mailbox },
      from,
      to: mailbox,
      subject: `Expired MMS from ${sender}${row.subject ? ` "${row.subject}"` : ''}`,
      text,
      headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
    });
    store.events.add(row.id, 'owner-notified', { mailbox, why: 'expired' }, ctx.now());
  }
}
