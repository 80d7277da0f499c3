import type { MailOutErrorCode, RelayMessage, RelayOutcome, RelayPart, RoutingConfig } from '../mail/out/types.js';
import { routeMessage } from '../mail/out/routing.js';
import type { EventRow, MessageRow } from '../store/index.js';
import { crashPoint } from '../util/crash-point.js';
import { relayPartBody, relayRawBody } from './body-files.js';
import { MmsgwError } from '../util/errors.js';
import type { PipelineContext } from './context.js';
import { PermanentJobError } from './errors.js';
import { commitNow, type LastWrites } from './last-writes.js';

/** The mail side as the relay step needs it (src/mail/out MailRelay). */
export interface Mailer {
  /** Which mailboxes get a message (src/mail/out routing rules). */
  readonly routing: RoutingConfig;
  relay(msg: RelayMessage, mailbox: string): Promise<RelayOutcome>;
  /** The Message-ID `relay` will give this message (fixed per message, see src/mail/out). */
  messageIdFor(msg: RelayMessage): string;
}

export interface RelayDeps {
  readonly mailer: Mailer;
  /** Distinguishes this installation's store ids from another's in Message-IDs. */
  readonly instanceId: string;
  readonly attachRawMms: boolean;
}

/** Retry later: some mailbox answered 4xx or could not be reached. */
export class TransientRelayError extends MmsgwError {
  readonly transient = true;
  constructor(code: MailOutErrorCode, message: string) {
    super(code, message);
  }
}

/**
 * Job `relay`: sends a received message to every mailbox its routes name. The email's
 * Message-ID is fixed by the message (`messageIdFor`: instance, row id, relay revision), so a
 * mail sent again after a crash is the same mail to the mailbox. Each (message, mailbox) pair
 * gets a relay row, written with the SMTP answer in one commit; a mailbox that accepted is
 * never sent to again, so a retry after a crash or a 4xx only sends what is still missing. The
 * message is `relayed` once no relay is left pending.
 */
export async function relayMessage(ctx: PipelineContext, deps: RelayDeps, msgId: number, last: LastWrites = commitNow(ctx.store)): Promise<void> {
  const { store } = ctx;
  const row = store.messages.get(msgId);
  if (!row) throw new PermanentJobError('PIPELINE_MISSING', `message ${msgId} is gone`);
  if (row.state === 'relayed') return;
  const msg = await relayMessageOf(ctx, deps, row);
  const mailboxes = routeMessage(msg, deps.mailer.routing);
  if (mailboxes.length === 0) {
    store.tx(() => {
      store.messages.setState(msgId, 'failed', ctx.now());
      store.events.add(msgId, 'relay-unrouted', { from: msg.from }, ctx.now());
    });
    throw new PermanentJobError('PIPELINE_NO_ROUTE', `no mailbox is configured for message ${msgId} from ${msg.from} (set mail.out.defaultMailbox)`);
  }
  const emailMessageId = deps.mailer.messageIdFor(msg);
  const transient: string[] = [];
  let sent = 0;
  for (const mailbox of mailboxes) {
    const known = store.relays.find(msgId, mailbox);
    if (known?.state === 'sent') {
      sent++;
      continue;
    }
    if (known?.state === 'dead') continue;
    // Nothing is written before the mail goes out: its Message-ID is the message's own (fixed
    // by its row, not by a relay row), so a crash between the 250 and the commit below sends
    // the same mail again, which the mailbox drops as a duplicate. The message it carries is on
    // disk first (a no-op under synchronous = FULL).
    await store.durable();
    crashPoint('smtp-before');
    const outcome = await deps.mailer.relay(msg, mailbox);
    if (outcome.kind === 'accepted') crashPoint('smtp-after-250');
    store.tx(() => {
      const { relay } = store.relays.ensure(msgId, mailbox, emailMessageId, ctx.now());
      if (outcome.kind === 'accepted') {
        store.relays.markSent(relay.id, outcome.response, ctx.now());
        store.events.add(msgId, 'relayed', { mailbox, response: outcome.response, messageId: outcome.messageId }, ctx.now());
      } else if (outcome.kind === 'permanent') {
        store.relays.markDead(relay.id, outcome.message, outcome.response ?? null, ctx.now());
        store.events.add(msgId, 'relay-rejected', { mailbox, code: outcome.code, response: outcome.response ?? null, error: outcome.message }, ctx.now());
      } else {
        store.relays.markFailed(relay.id, outcome.message, outcome.response ?? null, ctx.now());
        store.events.add(msgId, 'relay-deferred', { mailbox, code: outcome.code, error: outcome.message }, ctx.now());
      }
    });
    if (outcome.kind === 'accepted') sent++;
    else if (outcome.kind === 'transient') transient.push(`${mailbox}: ${outcome.message}`);
  }
  if (transient.length > 0) throw new TransientRelayError('MAIL_DEFERRED', transient.join('; '));
  if (sent === 0) {
    store.messages.setState(msgId, 'failed', ctx.now());
    throw new PermanentJobError('MAIL_REJECTED', `every mailbox refused message ${msgId}`);
  }
  last(() => store.messages.setState(msgId, 'relayed', ctx.now()));
}

/** Maps a stored message onto the mail side's model. */
export async function relayMessageOf(ctx: PipelineContext, deps: RelayDeps, row: MessageRow): Promise<RelayMessage> {
  const { store } = ctx;
  const addresses = store.messages.addresses(row.id);
  const partRows = store.content.parts(row.id);
  const parts: RelayPart[] = [];
  for (const p of partRows) {
    parts.push({
      contentType: p.contentType,
      params: p.params,
      name: p.name ?? undefined,
      filename: p.filename,
      contentId: p.contentId?.replace(/^<|>$/g, '') ?? undefined,
      contentLocation: p.contentLocation ?? undefined,
      charset: p.charset ?? undefined,
      body: await relayPartBody(store, p),
    });
  }
  const smil = parts.findIndex((p) => p.contentType === 'application/smil');
  let rawMms: RelayMessage['rawMms'];
  if (deps.attachRawMms && row.kind === 'mms') {
    const raw = store.content.rawPdusOf(row.id).find((r) => r.kind === 'mms-retrieve-conf');
    if (raw) rawMms = await relayRawBody(store, raw);
  }
  const missing = row.incomplete ? missingSegments(ctx, row.id) : undefined;
  const box = row.box ?? ctx.ownNumber ?? '';
  // A message re-relayed after `mmsgw reprocess --relay` gets a new email identity (revision N),
  // so the mailbox does not drop it as a duplicate of the first relay; a retry within one
  // revision keeps its Message-ID.
  const revision = relayRevision(store.events.ofMessage(row.id));
  return {
    id: revision > 0 ? `${deps.instanceId}-${row.id}-r${revision}` : `${deps.instanceId}-${row.id}`,
    kind: row.kind,
    direction: row.direction === 'in' ? 'incoming' : 'outgoing',
    boxNumber: box,
    simId: row.simId ?? undefined,
    from: row.from ?? 'unknown',
    to: addresses.filter((a) => a.role === 'to').map((a) => a.normalized),
    cc: addresses.filter((a) => a.role === 'cc').map((a) => a.normalized),
    date: new Date(row.date ?? row.createdAt),
    subject: row.subject ?? undefined,
    parts,
    smilPartIndex: smil >= 0 ? smil : undefined,
    incomplete: missing,
    rawMms,
  };
}

/** The relay revision set by `mmsgw reprocess --relay` (0: the first relay). */
function relayRevision(events: readonly EventRow[]): number {
  let max = 0;
  for (const e of events) {
    const r = e.kind === 'reprocessed' ? (e.detail as { relayRevision?: unknown } | null)?.relayRevision : undefined;
    if (typeof r === 'number' && Number.isInteger(r) && r > max) max = r;
  }
  return max;
}

function missingSegments(ctx: PipelineContext, msgId: number): { missing: number[]; total?: number } {
  const ev = ctx.store.events.ofMessage(msgId).find((e) => e.kind === 'sms-received');
  const d = ev?.detail as { missing?: number[]; parts?: number } | undefined;
  return { missing: d?.missing ?? [], total: d?.parts };
}
