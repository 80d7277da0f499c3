import { classifyDeliver, decodeSmsPdu, reassemble, type AssembledMessage, type StoredSegment } from '../codec/sms/index.js';
import type { SegmentInfo } from '../store/index.js';
import { MmsgwError } from '../util/errors.js';
import { JOB, type PipelineContext } from './context.js';
import { commitNow, type LastWrites } from './last-writes.js';
import { handlePush } from './push.js';
import { receivedBy, recordReceivedBy } from './received-by.js';

export interface AssembleOptions {
  /** How long a concatenated SMS waits for missing parts before it is relayed flagged incomplete. */
  readonly concatTimeoutMs: number;
}

interface AssemblePayload {
  readonly rawPduId: number;
  readonly segment?: SegmentInfo;
}

/**
 * Job `sms-assemble` / `sms-expire`: puts a received SMS together (3GPP 23.040 §9.2.3.24.1/.8)
 * from the stored segments, then turns it into a message: text → an SMS to relay; WAP Push →
 * the push handler (MMS notifications, delivery/read reports); other pushes → kept and
 * reported unsupported. A group still missing parts schedules its own timeout job, so an
 * incomplete message is released flagged, never waited on forever, never looped.
 */
export async function assembleSms(ctx: PipelineContext, payload: AssemblePayload, opts: AssembleOptions, last: LastWrites = commitNow(ctx.store)): Promise<void> {
  const now = new Date(ctx.now());
  if (!payload.segment) {
    const raw = ctx.store.content.rawPdu(payload.rawPduId);
    if (!raw) throw new MmsgwError('PIPELINE_MISSING', `raw PDU ${payload.rawPduId} is gone`);
    if (raw.msgId !== null) return; // already turned into a message (re-run after a crash)
    const hex = Buffer.from(await ctx.store.content.rawPduBody(raw)).toString('hex');
    const d = decodeSmsPdu(hex);
    if (!d.ok || d.value.type !== 'deliver') throw new MmsgwError('PIPELINE_UNDECODABLE', `raw PDU ${raw.id} no longer decodes as SMS-DELIVER`);
    const deliver = d.value;
    const [single] = reassemble([{ id: `raw:${raw.id}`, deliver, receivedAt: new Date(raw.receivedAt) }], { now, timeoutMs: 0 }).messages;
    if (single) await deliverAssembled(ctx, single, { rawPduIds: [raw.id], segmentIds: [] }, last);
    return;
  }
  const { originator, ref, total } = payload.segment;
  const rows = ctx.store.intake.openSegments(originator, ref, total);
  if (rows.length === 0) return; // the group was completed by an earlier job
  const segments: StoredSegment[] = [];
  const rawBySegment = new Map<string, { segmentId: number; rawPduId: number }>();
  for (const row of rows) {
    const d = decodeSmsPdu(ctx.store.intake.segmentPdu(row));
    if (!d.ok || d.value.type !== 'deliver') continue; // recorded segments decoded once already
    const id = String(row.id);
    segments.push({ id, deliver: d.value, receivedAt: new Date(row.receivedAt) });
    rawBySegment.set(id, { segmentId: row.id, rawPduId: row.rawPduId });
  }
  // 3GPP 23.040 §9.2.3.24.1: an 8-bit reference wraps every 256 messages; segments are told
  // apart by arrival within the concatenation timeout (see reassemble).
  const result = reassemble(segments, { now, timeoutMs: opts.concatTimeoutMs, windowMs: opts.concatTimeoutMs });
  for (const m of result.messages) {
    const used = [...m.segmentIds, ...m.duplicateIds].map((id) => rawBySegment.get(id)).filter((x) => x !== undefined);
    await deliverAssembled(ctx, m, { rawPduIds: used.map((u) => u.rawPduId), segmentIds: used.map((u) => u.segmentId) }, last);
  }
  for (const w of result.waiting) {
    last(() =>
      ctx.enqueue({
        kind: JOB.smsExpire,
        key: `sms-expire:${originator}:${ref}:${total}:${w.segmentIds[0] ?? ''}`,
        payload,
        runAt: w.expiresAt.getTime() + 1,
      }),
    );
  }
}

interface Sources {
  readonly rawPduIds: readonly number[];
  readonly segmentIds: readonly number[];
}

async function deliverAssembled(ctx: PipelineContext, m: AssembledMessage, src: Sources, last: LastWrites): Promise<void> {
  const c = classifyDeliver(m);
  const from = m.originator.number;
  const date = m.scts.date.getTime();
  if (c.kind === 'wap-push' || c.kind === 'unsupported-push') {
    await handlePush(ctx, c.payload, { from, date, rawPduIds: src.rawPduIds, segmentIds: src.segmentIds, incomplete: m.incomplete, ...(m.warnings ? { warnings: m.warnings } : {}) }, last);
    return;
  }
  const text = c.kind === 'text' ? c.text : undefined;
  const body = text !== undefined ? Buffer.from(text, 'utf8') : Buffer.from(c.kind === 'binary' ? c.payload : new Uint8Array());
  const by = receivedBy(ctx, src.rawPduIds);
  // No exchange with the outside world follows: these are the job's last writes. Another job
  // for the same segments (one runs per segment) may have read them too: the first to commit
  // makes the message, the others find them claimed.
  last(() => {
    if (!ctx.store.intake.unclaimed(src.segmentIds, src.rawPduIds)) return;
    const msg = ctx.store.messages.insert({
      direction: 'in',
      kind: 'sms',
      state: 'received',
      from,
      to: by.box ? [by.box] : [],
      date,
      incomplete: m.incomplete,
      box: by.box ?? null,
      at: ctx.now(),
    });
    recordReceivedBy(ctx, msg.id, by);
    ctx.store.content.replaceParts(msg.id, [
      text !== undefined
        ? { contentType: 'text/plain', params: { charset: 'utf-8' }, charset: 'utf-8', body }
        : { contentType: 'application/octet-stream', filename: 'sms-data.bin', body },
    ]);
    ctx.store.messages.addWarnings(msg.id, m.warnings);
    if (src.segmentIds.length > 0) ctx.store.intake.consumeSegments(src.segmentIds, msg.id);
    for (const id of src.rawPduIds) ctx.store.content.linkRawPdu(id, msg.id);
    ctx.store.events.add(msg.id, 'sms-received', { parts: m.total, missing: m.missing, alphabet: m.dcs.alphabet }, ctx.now());
    ctx.enqueue({ kind: JOB.relay, key: `relay:${msg.id}`, payload: { msgId: msg.id } });
  });
}
