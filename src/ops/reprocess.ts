import { decodeMms } from '../codec/mms/index.js';
import { classifyDeliver, decodeSmsPdu, reassemble, type StoredSegment } from '../codec/sms/index.js';
import type { MessagePatch, MessageRow, NewPart, PartRow, RawPduRow, Store } from '../store/index.js';
import { MmsgwError } from '../util/errors.js';
import { assertRelayRevisions, pipelineRelayId, type RelayIdProbe } from './relay-probe.js';
import { toNewPart } from '../pipeline/retrieve.js';

/** The pipeline's job kind and key for relaying a message (src/pipeline/context.ts JOB.relay). */
const RELAY_JOB = 'relay';

export interface ReprocessOptions {
  /** Queue a fresh relay of the re-decoded message (a new relay revision). */
  readonly relay: boolean;
  readonly now?: number;
  /** How to learn the id the relay step gives a revision (default: ask src/pipeline/relay.ts). */
  readonly relayIdProbe?: RelayIdProbe;
}

export interface PartBrief {
  readonly seq: number;
  readonly contentType: string;
  readonly size: number;
  readonly sha256: string;
}

export interface ReprocessResult {
  readonly msgId: number;
  readonly kind: MessageRow['kind'];
  readonly rawPduIds: readonly number[];
  readonly partsBefore: readonly PartBrief[];
  readonly partsAfter: readonly PartBrief[];
  /** Set with `relay`: the revision the new relay carries, and its job key. */
  readonly relayRevision?: number;
  readonly relayJob?: string;
}

interface Decoded {
  readonly rawPduIds: readonly number[];
  readonly parts: readonly NewPart[];
  readonly patch: MessagePatch;
  /** State the message returns to when it is relayed again. */
  readonly relayFrom: MessageRow['state'];
  readonly note: Record<string, unknown>;
  /** Decoder warnings (docs/CODEC.md), added to the message's. */
  readonly warnings?: readonly string[];
}

/**
 * Re-decodes a received message from the raw bytes kept beside it, after a decoder fix: an
 * MMS from its m-retrieve-conf PDU, an SMS from its SMS-DELIVER PDUs (reassembled and
 * classified again). The parts are replaced, and an event `reprocessed` records what was
 * there before (type, size, sha256 of each part) and what is there now. The old parts'
 * files are left to the blob garbage collector; the raw PDU stays, so nothing is lost.
 *
 * With `relay`, the message is relayed again as relay revision N (1, 2, …; the first relay
 * is revision 0): the previous relay rows are recorded in the event and removed, the message
 * goes back to the state the relay step starts from, and job `relay:<id>:r<N>` is queued.
 * The relay step derives the email Message-ID from the message id and the revision, so the
 * receiver sees a new message rather than a duplicate of the first relay.
 *
 * Refused while a job for the message is queued or running (the gateway is working on it),
 * and `relay` is refused when the relay step would not give the revision its own id.
 * Decoding happens outside any transaction; the change itself is one short transaction.
 */
export async function reprocessMessage(store: Store, msgId: number, opts: ReprocessOptions): Promise<ReprocessResult> {
  const now = opts.now ?? Date.now();
  const msg = store.messages.get(msgId);
  if (!msg) throw new MmsgwError('OPS_NOT_FOUND', `no such message ${msgId}`, { details: { id: msgId } });
  if (msg.direction !== 'in') throw new MmsgwError('OPS_NOT_REPROCESSABLE', `message ${msgId} is outbound; reprocess re-decodes received messages`);
  assertIdle(store, msgId);
  const raws = store.content.rawPdusOf(msgId);
  const decoded = msg.kind === 'mms' ? await redecodeMms(store, msg, raws) : await redecodeSms(store, msg, raws, now);
  const revision = lastRelayRevision(store, msgId) + 1;
  if (opts.relay) await assertRelayRevisions(opts.relayIdProbe ?? pipelineRelayId, store, msg, revision);
  const parts = await store.content.prepareBodies(decoded.parts);
  return store.tx((): ReprocessResult => {
    assertIdle(store, msgId);
    if (opts.relay && lastRelayRevision(store, msgId) + 1 !== revision) {
      throw new MmsgwError('OPS_BUSY', `message ${msgId} was reprocessed by someone else meanwhile; run the command again`);
    }
    const partsBefore = store.content.parts(msgId).map(brief);
    const partsAfter = store.content.replaceParts(msgId, parts).map(brief);
    store.messages.update(msgId, decoded.patch, now);
    store.messages.addWarnings(msgId, decoded.warnings);
    const detail: Record<string, unknown> = { rawPduIds: decoded.rawPduIds, partsBefore, partsAfter, ...decoded.note };
    let relay: { relayRevision: number; relayJob: string } | undefined;
    if (opts.relay) {
      detail.relayRevision = revision;
      detail.previousRelays = store.relays.ofMessage(msgId).map((r) => ({
        mailbox: r.mailbox,
        emailMessageId: r.emailMessageId,
        state: r.state,
        attempts: r.attempts,
        smtpResponse: r.smtpResponse,
        lastError: r.lastError,
        updatedAt: r.updatedAt,
      }));
      store.db.prepare('DELETE FROM relays WHERE msg_id = ?').run(msgId);
      store.messages.setState(msgId, decoded.relayFrom, now);
      const key = `${RELAY_JOB}:${msgId}:r${revision}`;
      store.jobs.enqueue({ kind: RELAY_JOB, key, payload: { msgId, revision } }, now);
      relay = { relayRevision: revision, relayJob: key };
    }
    store.events.add(msgId, 'reprocessed', detail, now);
    return { msgId, kind: msg.kind, rawPduIds: decoded.rawPduIds, partsBefore, partsAfter, ...relay };
  });
}

/** The highest relay revision recorded for a message; 0 (the first relay) when none. */
export function lastRelayRevision(store: Store, msgId: number): number {
  let max = 0;
  for (const e of store.events.ofMessage(msgId)) {
    if (e.kind !== 'reprocessed') continue;
    const r = (e.detail as { relayRevision?: unknown } | null)?.relayRevision;
    if (typeof r === 'number' && Number.isInteger(r) && r > max) max = r;
  }
  return max;
}

function assertIdle(store: Store, msgId: number): void {
  const busy = store.db
    .prepare(`SELECT key, state FROM jobs WHERE state IN ('queued', 'running') AND (json_extract(payload, '$.msgId') = @id
              OR json_extract(payload, '$.rawPduId') IN (SELECT id FROM raw_pdus WHERE msg_id = @id)) ORDER BY id LIMIT 1`)
    .get({ id: msgId }) as { key: string; state: string } | undefined;
  if (busy) {
    throw new MmsgwError('OPS_BUSY', `message ${msgId} has a ${busy.state} job (${busy.key}); try again when the gateway has finished it`, {
      details: { id: msgId, job: busy.key },
    });
  }
}

function brief(p: PartRow): PartBrief {
  return { seq: p.seq, contentType: p.contentType, size: p.size, sha256: p.sha256 };
}

async function redecodeMms(store: Store, msg: MessageRow, raws: readonly RawPduRow[]): Promise<Decoded> {
  const raw = raws.filter((r) => r.kind === 'mms-retrieve-conf').pop();
  if (!raw) {
    throw new MmsgwError('OPS_NO_RAW', `message ${msg.id} has no kept m-retrieve-conf PDU (it is ${msg.state}: nothing was fetched to re-decode)`);
  }
  const bytes = await store.content.rawPduBody(raw);
  const d = decodeMms(bytes);
  if (!d.ok) throw new MmsgwError('OPS_DECODE', `message ${msg.id}: raw PDU ${raw.id} (m-retrieve-conf) does not decode: ${d.error.message}`);
  const pdu = d.value;
  if (pdu.messageType !== 'm-retrieve-conf') {
    throw new MmsgwError('OPS_DECODE', `message ${msg.id}: raw PDU ${raw.id} decodes as ${pdu.messageType}, not m-retrieve-conf`);
  }
  return {
    rawPduIds: [raw.id],
    parts: pdu.parts.map(toNewPart),
    patch: { subject: pdu.subject ?? null, date: pdu.date?.getTime() ?? msg.date, ...(pdu.from ? { from: pdu.from.value } : {}) },
    relayFrom: 'retrieved',
    note: { messageType: pdu.messageType },
    ...(pdu.warnings ? { warnings: pdu.warnings } : {}),
  };
}

async function redecodeSms(store: Store, msg: MessageRow, raws: readonly RawPduRow[], now: number): Promise<Decoded> {
  if (raws.some((r) => r.kind === 'wap-push')) {
    throw new MmsgwError('OPS_NOT_REPROCESSABLE', `message ${msg.id} records a WAP Push, not a text; inspect its raw PDUs with \`mmsgw decode\``);
  }
  const pdus = raws.filter((r) => r.kind === 'sms-deliver');
  if (pdus.length === 0) throw new MmsgwError('OPS_NO_RAW', `message ${msg.id} has no kept SMS-DELIVER PDU to re-decode`);
  const segments: StoredSegment[] = [];
  for (const raw of pdus) {
    const hex = Buffer.from(await store.content.rawPduBody(raw)).toString('hex');
    const d = decodeSmsPdu(hex);
    if (!d.ok) throw new MmsgwError('OPS_DECODE', `message ${msg.id}: raw PDU ${raw.id} (SMS-DELIVER) does not decode: ${d.error.message}`);
    if (d.value.type !== 'deliver') throw new MmsgwError('OPS_DECODE', `message ${msg.id}: raw PDU ${raw.id} decodes as ${d.value.type}, not SMS-DELIVER`);
    segments.push({ id: String(raw.id), deliver: d.value, receivedAt: new Date(raw.receivedAt) });
  }
  // timeoutMs 0: a group that was relayed with parts missing is released flagged again.
  const { messages } = reassemble(segments, { now: new Date(now), timeoutMs: 0 });
  const [m, ...extra] = messages;
  if (!m || extra.length > 0) {
    throw new MmsgwError('OPS_DECODE', `message ${msg.id}: its ${pdus.length} SMS PDUs reassemble into ${messages.length} messages, not one`);
  }
  const c = classifyDeliver(m);
  if (c.kind === 'wap-push' || c.kind === 'unsupported-push' || c.kind === 'status-report') {
    throw new MmsgwError('OPS_NOT_REPROCESSABLE', `message ${msg.id} now classifies as ${c.kind}; inspect its raw PDUs with \`mmsgw decode\``);
  }
  const part: NewPart =
    c.kind === 'text'
      ? { contentType: 'text/plain', params: { charset: 'utf-8' }, charset: 'utf-8', body: Buffer.from(c.text, 'utf8') }
      : { contentType: 'application/octet-stream', filename: 'sms-data.bin', body: Buffer.from(c.payload) };
  return {
    rawPduIds: pdus.map((r) => r.id),
    parts: [part],
    patch: { date: m.scts.date.getTime(), incomplete: m.incomplete },
    relayFrom: 'received',
    note: { parts: m.total, missing: m.missing, alphabet: m.dcs.alphabet },
    ...(m.warnings ? { warnings: m.warnings } : {}),
  };
}
