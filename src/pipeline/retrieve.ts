import { readFile, rm } from 'node:fs/promises';
import { decodeMms, type MmsPdu, type MmsStatus } from '../codec/mms/index.js';
import type { AttemptRecord, RetrieveOptions, RetrieveResult } from '../mmsc/index.js';
import { retrievalDecision } from '../mmsc/policy.js';
import { normalizeAddress, type BlobRef, type MessageRow, type NewPart } from '../store/index.js';
import { crashPoint } from '../util/crash-point.js';
import { errorMessage, type DecodeError } from '../util/errors.js';
import { JOB, type PipelineContext } from './context.js';
import { PermanentJobError } from './errors.js';
import { commitNow, type LastWrites } from './last-writes.js';
import { locationRefusedAtFetch } from './push.js';

/** The MM1 side as the retrieve step needs it (src/mmsc Mm1Client). */
export interface Retriever {
  retrieve(contentLocation: string, o: RetrieveOptions): Promise<RetrieveResult>;
  notifyResp(transactionId: string, status: MmsStatus, reportAllowed?: boolean): Promise<AttemptRecord[]>;
  use<T>(fn: () => Promise<T>): Promise<T>;
}

export interface RetrieveDeps {
  readonly mm1: Retriever;
  /** Where bodies are streamed while they download (same file system as the state dir). */
  readonly tmpDir: string;
  readonly maxSize: number;
  /** `immediate`: fetch now; `deferred`: tell the MMSC Deferred and leave it there; `reject`: Rejected. */
  readonly retrieval: 'immediate' | 'deferred' | 'reject';
  /** Whether the MMSC may send the sender a delivery report (X-Mms-Report-Allowed). */
  readonly reportAllowed: boolean;
}

/**
 * Job `mms-retrieve` (OMA-TS-MMS_CTR §8.1): fetch the message announced by an
 * m-notification-ind, store it raw and decoded, and only then confirm with m-notifyresp-ind
 * (status Retrieved). Each stage leaves a durable mark, so a re-run after a crash resumes:
 * a message already `retrieved` is not fetched again, only confirmed; one already confirmed
 * goes straight to its relay.
 *
 * Whatever cannot be delivered still reaches the owner: a notification over the size limit
 * (src/mmsc/policy.ts) or a body that turns out too large is answered Rejected; a body that is
 * not a decodable m-retrieve-conf is kept raw, quarantined with the decoder's error and answered
 * Unrecognised (OMA-TS-MMS_ENC §7.3.54); a download that fails for good (`onRetrieveDead`) or a
 * message that expired before it could be fetched is marked so. Each time the mailboxes the MMS
 * would have gone to get a notice with what is known (job `notify-owner`).
 */
export async function retrieveMms(ctx: PipelineContext, deps: RetrieveDeps, msgId: number, signal: AbortSignal, last: LastWrites = commitNow(ctx.store)): Promise<void> {
  const { store } = ctx;
  const msg = store.messages.get(msgId);
  if (!msg) throw new PermanentJobError('PIPELINE_MISSING', `message ${msgId} is gone`);
  const txid = msg.transactionId ?? '';
  if (msg.state === 'notified' || msg.state === 'retrieving') {
    const decision = retrievalDecision(notificationOf(msg), { maxSize: deps.maxSize }, new Date(msg.createdAt), new Date(ctx.now()));
    if (decision.action === 'expired') {
      failed(ctx, msg, 'expired', 'expired', `it expired (${decision.reason}) before it could be fetched`);
      throw new PermanentJobError('MM1_EXPIRED', `MMS ${txid} ${decision.reason} before it could be fetched`);
    }
    if (decision.action === 'reject') return refuse(ctx, deps, msg, 'rejected', decision.reason);
    if (deps.retrieval !== 'immediate') {
      const status = deps.retrieval === 'deferred' ? 'deferred' : 'rejected';
      await deps.mm1.use(() => deps.mm1.notifyResp(txid, status, deps.reportAllowed));
      store.tx(() => {
        store.messages.setState(msgId, status, ctx.now());
        store.events.add(msgId, 'acknowledged', { status }, ctx.now());
      });
      return;
    }
    if (!msg.contentLocation) throw new PermanentJobError('MM1_NO_LOCATION', `notification ${txid} carries no X-Mms-Content-Location`);
    const outcome = await deps.mm1.use(() => fetchAndStore(ctx, deps, msgId, msg.contentLocation as string, txid, msg.size ?? undefined, signal));
    if (outcome.kind === 'too-large') return refuse(ctx, deps, msg, 'rejected', outcome.reason);
    if (outcome.kind === 'gone') {
      failed(ctx, msg, 'expired', 'expired', `it expired at the carrier before it could be fetched (${outcome.reason})`);
      throw new PermanentJobError('MM1_EXPIRED', `MMS ${txid} expired at the MMSC: ${outcome.reason}`);
    }
    if (outcome.kind === 'undecodable') return unrecognised(ctx, deps, msg, outcome);
  }
  const now = store.messages.get(msgId);
  if (now?.state !== 'retrieved') return;
  crashPoint('mms-stored');
  const acknowledged = store.events.ofMessage(msgId).some((e) => e.kind === 'acknowledged');
  let attempts: Awaited<ReturnType<RetrieveDeps['mm1']['notifyResp']>> | undefined;
  if (!acknowledged) {
    // The carrier forgets the message once told Retrieved: what was stored is on disk first.
    await store.durable();
    attempts = await deps.mm1.use(() => deps.mm1.notifyResp(txid, 'retrieved', deps.reportAllowed));
    crashPoint('mms-acked');
  }
  // The acknowledgement and the relay job, in one commit.
  last(() => {
    if (attempts !== undefined) store.events.add(msgId, 'acknowledged', { status: 'retrieved', attempts }, ctx.now());
    ctx.enqueue({ kind: JOB.relay, key: `relay:${msgId}`, payload: { msgId } });
  });
}

/**
 * The retrieve job is dead (retries exhausted, or a permanent answer such as 404 or
 * error-permanent-message-not-found): the message is `failed` and the owner told. The MMSC
 * is not answered: it either said it no longer has the message or could not be reached.
 * A re-sent notification for it retries the download (push.ts).
 */
export function onRetrieveDead(ctx: PipelineContext, msgId: number, reason: string): void {
  const msg = ctx.store.messages.get(msgId);
  if (!msg || (msg.state !== 'notified' && msg.state !== 'retrieving')) return;
  failed(ctx, msg, 'failed', 'download-failed', `the download failed for good: ${reason}`);
}

/** The notification's fields as stored, for the retrieval policy (src/mmsc/policy.ts). */
function notificationOf(msg: MessageRow): MmsPdu {
  return {
    messageType: 'm-notification-ind',
    to: [], cc: [], bcc: [], previouslySentBy: [], previouslySentDate: [], attributes: [], parts: [], unknownHeaders: [],
    ...(msg.size !== null ? { messageSize: msg.size } : {}),
    ...(msg.expiry !== null ? { expiry: { kind: 'absolute' as const, date: new Date(msg.expiry) } } : {}),
  };
}

type FetchOutcome =
  | { readonly kind: 'stored' }
  | { readonly kind: 'too-large'; readonly reason: string }
  | { readonly kind: 'gone'; readonly reason: string }
  | { readonly kind: 'undecodable'; readonly bytes: Uint8Array; readonly rawPduId: number; readonly error: DecodeError | undefined; readonly reason: string };

async function fetchAndStore(
  ctx: PipelineContext,
  deps: RetrieveDeps,
  msgId: number,
  location: string,
  txid: string,
  size: number | undefined,
  signal: AbortSignal,
): Promise<FetchOutcome> {
  const { store } = ctx;
  store.messages.setState(msgId, 'retrieving', ctx.now());
  let result: RetrieveResult;
  try {
    result = await deps.mm1.retrieve(location, { destDir: deps.tmpDir, transactionId: txid, messageSize: size, maxSize: deps.maxSize, signal, keepUndecodable: true });
    crashPoint('mms-fetched');
  } catch (e) {
    const attempts = (e as { attempts?: AttemptRecord[] }).attempts;
    store.events.add(msgId, 'fetch-attempt', { ok: false, error: errorMessage(e), attempts: attempts ?? null }, ctx.now());
    const code = (e as { code?: unknown }).code;
    if (code === 'MM1_LOCATION_REFUSED') locationRefusedAtFetch(ctx, msgId, errorMessage(e));
    if (code === 'MM1_TOO_LARGE' || code === 'BEARER_TOO_LARGE') return { kind: 'too-large', reason: errorMessage(e) };
    // OMA-TS-MMS_ENC §7.3.20: the MMSC holds a message until its X-Mms-Expiry; a 404 / 410 or
    // error-permanent-message-not-found at the Content-Location means it is gone (src/mmsc MM1_GONE).
    if (code === 'MM1_GONE') return { kind: 'gone', reason: errorMessage(e) };
    const file = (e as { file?: unknown }).file;
    if (typeof file === 'string') return keepUndecodable(ctx, msgId, file, undefined, errorMessage(e));
    throw e;
  }
  // The body was written to a file as it arrived; the client read it once and decoded it (the
  // part bodies are views into that one buffer), so it is neither read nor decoded again here.
  // The raw bytes and the parts are written to blob files together (one round of fsyncs), then
  // recorded with everything made of them in one commit.
  const bytes = result.body;
  const pdu = result.pdu;
  try {
    const [rawBody, ...parts] = (await store.content.prepareBodies<{ body: Uint8Array | BlobRef }>([{ body: bytes }, ...pdu.parts.map(toNewPart)])) as [{ body: Uint8Array | BlobRef }, ...NewPart[]];
    store.tx(() => {
      const raw = store.content.addRawPdu({ kind: 'mms-retrieve-conf', body: rawBody.body, msgId, receivedAt: ctx.now(), source: 'mmsc' });
      store.content.replaceParts(msgId, parts);
      const dup = pdu.messageId ? store.messages.getByMessageId(pdu.messageId, 'in') : undefined;
      store.messages.update(msgId, {
        state: 'retrieved',
        subject: pdu.subject ?? null,
        date: pdu.date?.getTime() ?? null,
        messageId: dup && dup.id !== msgId ? null : (pdu.messageId ?? null),
        from: pdu.from?.value ?? undefined,
        size: bytes.byteLength,
      }, ctx.now());
      addRecipients(ctx, msgId, pdu);
      store.messages.addWarnings(msgId, pdu.warnings);
      store.events.add(msgId, 'fetch-attempt', { ok: true, bytes: bytes.byteLength, attempts: result.attempts }, ctx.now());
      store.events.add(msgId, 'retrieved', { rawPduId: raw.id, parts: pdu.parts.length }, ctx.now());
      if (dup && dup.id !== msgId) store.events.add(msgId, 'duplicate-message-id', { of: dup.id, messageId: pdu.messageId }, ctx.now());
    });
    return { kind: 'stored' };
  } finally {
    await rm(result.file, { force: true });
  }
}

/** A body the client could not decode: its bytes are kept as the message's raw PDU. */
async function keepUndecodable(ctx: PipelineContext, msgId: number, file: string, error: DecodeError | undefined, reason: string): Promise<FetchOutcome> {
  try {
    const bytes = await readFile(file);
    const raw = await ctx.store.saveRawPdu({ kind: 'mms-retrieve-conf', body: bytes, msgId, receivedAt: ctx.now(), source: 'mmsc' });
    const d = error ?? (() => { const r = decodeMms(bytes); return r.ok ? undefined : r.error; })();
    return { kind: 'undecodable', bytes, rawPduId: raw.id, error: d, reason };
  } finally {
    await rm(file, { force: true });
  }
}

/** Answers the MMSC `status` (Rejected) for a message not fetched, and tells the owner. */
async function refuse(ctx: PipelineContext, deps: RetrieveDeps, msg: MessageRow, status: 'rejected', reason: string): Promise<void> {
  // Answered first: if the MMSC cannot be reached the job retries, and when it dies for good
  // onRetrieveDead still tells the owner.
  await deps.mm1.use(() => deps.mm1.notifyResp(msg.transactionId ?? '', status, deps.reportAllowed));
  failed(ctx, msg, 'rejected', 'too-large', `it is larger than this box accepts (${reason}); the network was told it is rejected`, { notifyResp: status });
}

/** A body that is not a decodable m-retrieve-conf: quarantined with its bytes, answered Unrecognised, owner told. */
async function unrecognised(ctx: PipelineContext, deps: RetrieveDeps, msg: MessageRow, o: Extract<FetchOutcome, { kind: 'undecodable' }>): Promise<void> {
  const { store } = ctx;
  const q = store.tx(() => {
    const row = store.intake.quarantine({
      source: 'mms',
      bytes: o.bytes,
      errorCode: o.error?.code ?? 'MM1_DECODE',
      errorField: o.error?.field ?? null,
      errorOffset: o.error?.offset ?? null,
      message: o.reason,
      at: ctx.now(),
    });
    store.messages.update(msg.id, { size: o.bytes.byteLength }, ctx.now());
    store.events.add(msg.id, 'quarantined', { quarantineId: row.id, rawPduId: o.rawPduId, code: o.error?.code ?? null, field: o.error?.field ?? null, offset: o.error?.offset ?? null }, ctx.now());
    return row;
  });
  ctx.log.warn({ msgId: msg.id, quarantineId: q.id, err: o.reason }, 'undecodable m-retrieve-conf quarantined');
  // OMA-TS-MMS_ENC §7.3.54: X-Mms-Status Unrecognised — the client could not make sense of it.
  // The carrier may drop it then: the quarantined bytes are on disk first.
  await store.durable();
  await deps.mm1.use(() => deps.mm1.notifyResp(msg.transactionId ?? '', 'unrecognised', deps.reportAllowed));
  failed(ctx, msg, 'failed', 'undecodable', `what the network delivered is not a readable MMS (${o.reason}); its ${o.bytes.byteLength} bytes are kept as quarantine entry #${q.id}`, { quarantineId: q.id, notifyResp: 'unrecognised' });
}

/** Final state, an event, and a notice to the owner — one transaction. */
function failed(ctx: PipelineContext, msg: MessageRow, state: 'failed' | 'rejected' | 'expired', why: string, text: string, detail: Record<string, unknown> = {}): void {
  const { store } = ctx;
  store.tx(() => {
    store.messages.setState(msg.id, state, ctx.now());
    const ev = store.events.add(msg.id, 'retrieve-failed', { why, text, ...detail }, ctx.now());
    ctx.enqueue({ kind: JOB.notifyOwner, key: `notify-owner:${msg.id}:${ev.id}`, payload: { msgId: msg.id, why, text } });
  });
}

function addRecipients(ctx: PipelineContext, msgId: number, pdu: MmsPdu): void {
  const known = new Set(ctx.store.messages.addresses(msgId).map((a) => `${a.role}:${a.normalized}`));
  const add = (role: 'to' | 'cc', raw: string): void => {
    const key = `${role}:${normalizeAddress(raw)}`;
    if (known.has(key)) return;
    ctx.store.messages.addAddress(msgId, role, raw);
    known.add(key);
  };
  for (const a of pdu.to) add('to', a.value);
  for (const a of pdu.cc) add('cc', a.value);
}

/** A decoded MMS part as the store keeps it (also used by `mmsgw reprocess`). */
export function toNewPart(p: MmsPdu['parts'][number]): NewPart {
  return {
    contentType: p.contentType,
    params: p.params,
    name: p.name ?? null,
    filename: p.filename ?? p.name ?? null,
    contentId: p.contentId ?? null,
    contentLocation: p.contentLocation ?? null,
    charset: p.charset ?? null,
    body: p.body,
  };
}
