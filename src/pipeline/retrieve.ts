import { readFile, rm } from 'node:fs/promises';
import { decodeMms, type MmsPdu, type MmsStatus } from '../codec/mms/index.js';
import type { AttemptRecord, RetrieveOptions, RetrieveResult } from '../mmsc/index.js';
import { normalizeAddress, type NewPart } from '../store/index.js';
import { errorMessage } from '../util/errors.js';
import { JOB, type PipelineContext } from './context.js';
import { PermanentJobError } from './errors.js';
import { expireInbound } from './inbound-expiry.js';

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
 */
export async function retrieveMms(ctx: PipelineContext, deps: RetrieveDeps, msgId: number, signal: AbortSignal): Promise<void> {
  const { store } = ctx;
  const msg = store.messages.get(msgId);
  if (!msg) throw new PermanentJobError('PIPELINE_MISSING', `message ${msgId} is gone`);
  const txid = msg.transactionId ?? '';
  if (msg.state === 'notified' || msg.state === 'retrieving') {
    if (msg.expiry !== null && msg.expiry < ctx.now()) {
      expireInbound(ctx, msg, `X-Mms-Expiry ${new Date(msg.expiry).toISOString()} passed`);
      throw new PermanentJobError('MM1_EXPIRED', `MMS ${txid} expired at ${new Date(msg.expiry).toISOString()} before it could be fetched`);
    }
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
    await deps.mm1.use(() => fetchAndStore(ctx, deps, msgId, msg.contentLocation as string, txid, msg.size ?? undefined, signal));
  }
  const now = store.messages.get(msgId);
  if (now?.state !== 'retrieved') return;
  const acknowledged = store.events.ofMessage(msgId).some((e) => e.kind === 'acknowledged');
  if (!acknowledged) {
    const attempts = await deps.mm1.use(() => deps.mm1.notifyResp(txid, 'retrieved', deps.reportAllowed));
    store.events.add(msgId, 'acknowledged', { status: 'retrieved', attempts }, ctx.now());
  }
  ctx.enqueue({ kind: JOB.relay, key: `relay:${msgId}`, payload: { msgId } });
}

async function fetchAndStore(
  ctx: PipelineContext,
  deps: RetrieveDeps,
  msgId: number,
  location: string,
  txid: string,
  size: number | undefined,
  signal: AbortSignal,
): Promise<void> {
  const { store } = ctx;
  store.messages.setState(msgId, 'retrieving', ctx.now());
  let result: RetrieveResult;
  try {
    result = await deps.mm1.retrieve(location, { destDir: deps.tmpDir, transactionId: txid, messageSize: size, maxSize: deps.maxSize, signal });
  } catch (e) {
    const attempts = (e as { attempts?: AttemptRecord[] }).attempts;
    store.events.add(msgId, 'fetch-attempt', { ok: false, error: errorMessage(e), attempts: attempts ?? null }, ctx.now());
    if ((e as { code?: unknown }).code === 'MM1_GONE') {
      const msg = store.messages.get(msgId);
      if (msg) expireInbound(ctx, msg, errorMessage(e));
      throw new PermanentJobError('MM1_EXPIRED', `MMS ${txid} expired at the MMSC: ${errorMessage(e)}`, { cause: e });
    }
    throw e;
  }
  try {
    // The client decoded the body once to check it; decode our own read of the file so the
    // raw bytes and the part views share one buffer.
    const bytes = await readFile(result.file);
    const decoded = decodeMms(bytes);
    if (!decoded.ok) throw new PermanentJobError('MM1_DECODE', `m-retrieve-conf stopped decoding: ${decoded.error.message}`);
    const pdu = decoded.value;
    const raw = await store.saveRawPdu({ kind: 'mms-retrieve-conf', body: bytes, msgId, receivedAt: ctx.now(), source: 'mmsc' });
    const parts = await store.content.prepareBodies(pdu.parts.map(toNewPart));
    store.tx(() => {
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
  } finally {
    await rm(result.file, { force: true });
  }
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
