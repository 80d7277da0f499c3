import type { BackoffPolicy } from '../../pipeline/backoff.js';
import type { JobHandler } from '../../pipeline/worker.js';
import type { PipelineContext } from '../../pipeline/context.js';
import { PermanentJobError } from '../../pipeline/errors.js';
import type { MessageRow, NewJob, ReportRow } from '../../store/index.js';
import { withDeadline } from '../../util/deadline.js';
import { MmsgwError } from '../../util/errors.js';
import { basicAuthHeader, type VaspAccount } from './auth.js';
import { buildMultipart, newBoundary, param, type OutPart } from './multipart.js';
import { isSuccess, releaseByNs, STATUS, type Mm7Release } from './ns.js';
import { Mm7Repo, type Mm7Submission } from './repo.js';
import { deliverReqChildren, deliveryReportChildren, readReplyChildren, type Mm7Address } from './requests.js';
import { envelope, readResponse } from './soap.js';

/**
 * The box towards the VASPs (3GPP TS 23.140 §8, Relay/Server-initiated operations): a message
 * the box received goes to every VASP that takes incoming messages as DeliverReq; delivery and
 * read reports about a message a VASP submitted go back to it as DeliveryReportReq /
 * ReadReplyReq. Each is a durable job with a unique key (one request per message and VASP,
 * one per report), retried with backoff across restarts until the VASP answers with a success
 * status — at least once, and never a second job for the same event.
 */

export const MM7_JOB = {
  /** Key `mm7-deliver:<vaspId>:<msgId>`. */
  deliver: 'mm7-deliver',
  /** Key `mm7-report:<msgId>:<kind>:<recipient>:<status>`. */
  report: 'mm7-report',
} as const;

export interface DeliverPayload {
  readonly vaspId: string;
  readonly msgId: number;
}

export interface ReportPayload {
  readonly vaspId: string;
  readonly msgId: number;
  readonly kind: 'delivery' | 'read';
  readonly recipient: string;
  /** MMStatus as the schema names it (Retrieved, Rejected, Expired, Read, Deleted, …). */
  readonly status: string;
  readonly statusText?: string;
  readonly at: number;
}

export interface Mm7OutboundOptions {
  readonly vasps: readonly VaspAccount[];
  /** MMSRelayServerID of the box. */
  readonly relayServerId: string;
  /** The box's own number: the recipient of what it delivers, the sender of what it sent. */
  readonly ownNumber: string | undefined;
  /** Deadline of one HTTP exchange with a VASP. */
  readonly timeoutMs?: number;
  readonly backoff?: BackoffPolicy;
}

/** MMS X-Mms-Status (OMA-TS-MMS_ENC §7.3.54) and SMS status categories → DeliveryReportReq MMStatus. */
const DELIVERY_STATUS: Readonly<Record<string, string>> = {
  retrieved: 'Retrieved',
  delivered: 'Retrieved',
  rejected: 'Rejected',
  'permanent-failure': 'Rejected',
  expired: 'Expired',
  forwarded: 'Forwarded',
};

/** X-Mms-Read-Status (OMA-TS-MMS_ENC §7.3.37) → ReadReplyReq MMStatus. */
const READ_STATUS: Readonly<Record<string, string>> = { read: 'Read', 'deleted-without-being-read': 'Deleted' };

/**
 * The MM7 jobs that follow a pipeline job: an inbound message's relay also delivers it to the
 * VASPs, and a sender notice about a VASP's message (report, failure, expiry) becomes an MM7
 * report. Called inside the transaction that enqueues `job`, so both commit together.
 */
export function mm7Followups(ctx: PipelineContext, vasps: readonly VaspAccount[], job: NewJob): NewJob[] {
  const payload = (job.payload ?? {}) as { msgId?: number; reportId?: number; about?: string; reason?: string };
  if (typeof payload.msgId !== 'number') return [];
  const msgId = payload.msgId;
  if (job.kind === 'relay') {
    const msg = ctx.store.messages.get(msgId);
    if (!msg || msg.direction !== 'in') return [];
    return vasps
      .filter((v) => v.url !== undefined && v.deliverIncoming)
      .map((v) => ({ kind: MM7_JOB.deliver, key: `${MM7_JOB.deliver}:${v.vaspId}:${msgId}`, payload: { vaspId: v.vaspId, msgId } satisfies DeliverPayload }));
  }
  if (job.kind !== 'notify-sender') return [];
  const sub = new Mm7Repo(ctx.store.db).byMsgId(msgId);
  if (!sub) return [];
  const reports: Omit<ReportPayload, 'vaspId' | 'msgId'>[] = [];
  if (typeof payload.reportId === 'number') {
    const r = ctx.store.reports.ofMessage(msgId).find((x) => x.id === payload.reportId);
    if (r && r.kind === 'delivery' && sub.deliveryReport) reports.push(fromReport(r, DELIVERY_STATUS));
    if (r && r.kind === 'read' && sub.readReply) reports.push(fromReport(r, READ_STATUS));
  } else if ((payload.about === 'failed' || payload.about === 'expired') && sub.deliveryReport) {
    for (const a of ctx.store.messages.addresses(msgId).filter((x) => x.role === 'to')) {
      reports.push({
        kind: 'delivery',
        recipient: a.normalized,
        status: payload.about === 'expired' ? 'Expired' : 'Rejected',
        ...(payload.reason !== undefined ? { statusText: payload.reason.slice(0, 200) } : {}),
        at: ctx.now(),
      });
    }
  }
  return reports.map((r) => ({
    kind: MM7_JOB.report,
    key: `${MM7_JOB.report}:${msgId}:${r.kind}:${r.recipient}:${r.status}`,
    payload: { ...r, vaspId: sub.vaspId, msgId } satisfies ReportPayload,
  }));
}

function fromReport(r: ReportRow, table: Readonly<Record<string, string>>): Omit<ReportPayload, 'vaspId' | 'msgId'> {
  return { kind: r.kind, recipient: r.recipient ?? '', status: table[r.status] ?? 'Indeterminate', statusText: r.status, at: r.at };
}

/** A number as an MM7 address (addressType Number: international digits with '+'). */
function numberAddress(n: string | null | undefined): Mm7Address | undefined {
  return n ? { kind: 'Number', value: n } : undefined;
}

/** A failed exchange with a VASP: retried unless `permanent`. */
export class VaspError extends MmsgwError {
  constructor(message: string, readonly permanent: boolean, status?: number) {
    super(permanent ? 'MM7_VASP_REFUSED' : 'MM7_VASP_UNAVAILABLE', message, status !== undefined ? { specCode: status } : undefined);
  }
}

const MAX_ANSWER_BYTES = 64 * 1024;

/** POSTs a SOAP message to the VASP and checks the answer's Status (§8.7: 1xxx success). */
export async function postToVasp(vasp: VaspAccount, body: Buffer, contentType: string, signal: AbortSignal, timeoutMs: number): Promise<number> {
  if (!vasp.url) throw new PermanentJobError('MM7_NO_URL', `VASP '${vasp.vaspId}' has no url`);
  let res: Response;
  let text: string;
  try {
    // The deadline covers the answer's body too: a VASP that sends its headers and stalls.
    ({ res, text } = await withDeadline(signal, timeoutMs, async (deadline) => {
      const r = await fetch(vasp.url as string, {
        method: 'POST',
        headers: {
          'Content-Type': contentType,
          SOAPAction: '""',
          ...(vasp.urlUser !== undefined ? { Authorization: basicAuthHeader(vasp.urlUser, vasp.urlPassword ?? '') } : {}),
        },
        body,
        signal: deadline,
        redirect: 'error',
      });
      return { res: r, text: await readLimited(r) };
    }));
  } catch (e) {
    if (e instanceof VaspError) throw e;
    throw new VaspError(`VASP '${vasp.vaspId}' unreachable: ${(e as Error).message}`, false);
  }
  if (res.status === 401 || res.status === 403) throw new VaspError(`VASP '${vasp.vaspId}' refused the box's credentials (HTTP ${res.status})`, true);
  let parsed;
  try {
    parsed = readResponse(text);
  } catch (e) {
    const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
    throw new VaspError(`VASP '${vasp.vaspId}' answered HTTP ${res.status} without a usable MM7 response: ${(e as Error).message}`, permanent);
  }
  const { code, text: st, details } = parsed.status;
  if (isSuccess(code)) return code;
  // Server-side trouble (3xxx, service unavailable) may pass; a refusal of the request will not.
  const transient = (code >= 3000 && code < 4000) || code === STATUS.serviceUnavailable || code === STATUS.serviceError;
  throw new VaspError(`VASP '${vasp.vaspId}' answered status ${code} (${st ?? ''}${details ? `: ${details}` : ''})`, !transient, code);
}

async function readLimited(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.byteLength;
    if (n > MAX_ANSWER_BYTES) {
      await reader.cancel();
      throw new VaspError(`answer larger than ${MAX_ANSWER_BYTES} bytes`, false);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The SOAP message with the content as a `cid:` part: multipart/related (SOAP with attachments). */
export function soapWithContent(xml: string, content: OutPart | undefined): { body: Buffer; contentType: string } {
  if (!content) return { body: Buffer.from(xml, 'utf8'), contentType: 'text/xml; charset=utf-8' };
  const boundary = newBoundary();
  const body = buildMultipart([{ contentType: 'text/xml; charset=utf-8', contentId: 'mm7-soap', body: Buffer.from(xml, 'utf8') }, content], boundary);
  return { body, contentType: `multipart/related; boundary=${param(boundary)}; type="text/xml"; start="<mm7-soap>"` };
}

/** The message's stored parts as the content part: multipart/related with the SMIL as start, or mixed. */
async function contentOf(ctx: PipelineContext, msg: MessageRow): Promise<OutPart> {
  const rows = ctx.store.content.parts(msg.id);
  const parts: OutPart[] = [];
  let smilId: string | undefined;
  for (const p of rows) {
    const id = p.contentId?.replace(/^<|>$/g, '') ?? `part${p.seq}`;
    if (p.contentType === 'application/smil' && smilId === undefined) smilId = id;
    const params = Object.entries(p.params).map(([k, v]) => `; ${k}=${param(v)}`).join('');
    const name = p.params.name === undefined ? `; name=${param(p.filename)}` : '';
    parts.push({ contentType: `${p.contentType}${params}${name}`, contentId: id, contentLocation: p.contentLocation ?? p.filename, body: await ctx.store.content.partBody(p) });
  }
  const boundary = newBoundary();
  const type = smilId !== undefined
    ? `multipart/related; boundary=${param(boundary)}; type="application/smil"; start="<${smilId}>"`
    : `multipart/mixed; boundary=${param(boundary)}`;
  return { contentType: type, contentId: 'mm7-content', body: buildMultipart(parts, boundary) };
}

function senderOf(sub: Mm7Submission, o: Mm7OutboundOptions): Mm7Address {
  if (sub.sender) {
    const i = sub.sender.indexOf(':');
    const kind = sub.sender.slice(0, i);
    if (kind === 'Number' || kind === 'ShortCode' || kind === 'RFC2822Address') return { kind, value: sub.sender.slice(i + 1) };
  }
  return numberAddress(o.ownNumber) ?? { kind: 'ShortCode', value: sub.vaspId };
}

/** The job handlers of the MM7 outbound jobs, merged into the pipeline's by src/app. */
export function mm7Handlers(ctx: PipelineContext, o: Mm7OutboundOptions): Record<string, JobHandler> {
  const timeoutMs = o.timeoutMs ?? 30_000;
  const vaspOf = (id: string): VaspAccount => {
    const v = o.vasps.find((x) => x.vaspId === id);
    if (!v) throw new PermanentJobError('MM7_UNKNOWN_VASP', `VASP '${id}' is no longer configured`);
    return v;
  };
  // Like webhooks: retried for about a day, then dead-lettered (visible in `mmsgw jobs --dead`).
  const backoff = o.backoff ?? { baseMs: 5_000, maxMs: 30 * 60_000, maxAttempts: 60 };
  const repo = new Mm7Repo(ctx.store.db);
  return {
    [MM7_JOB.deliver]: {
      backoff,
      run: async (job, signal) => {
        const p = job.payload as DeliverPayload;
        const vasp = vaspOf(p.vaspId);
        const msg = ctx.store.messages.get(p.msgId);
        if (!msg) throw new PermanentJobError('PIPELINE_MISSING', `message ${p.msgId} is gone`);
        const release: Mm7Release = vasp.release;
        const content = await contentOf(ctx, msg);
        const xml = envelope(release, `mmsgw-d-${vasp.vaspId}-${p.msgId}`, 'DeliverReq', deliverReqChildren(release.version, release.rel6, {
          relayServerId: o.relayServerId,
          vaspId: vasp.vaspId,
          ...(vasp.vasId !== undefined ? { vasId: vasp.vasId } : {}),
          sender: numberAddress(msg.from) ?? { kind: 'ShortCode', value: 'unknown' },
          to: [numberAddress(msg.box ?? o.ownNumber)].filter((a): a is Mm7Address => a !== undefined),
          timeStamp: new Date(msg.date ?? msg.createdAt),
          ...(msg.subject !== null ? { subject: msg.subject } : {}),
          contentId: 'mm7-content',
        }));
        const { body, contentType } = soapWithContent(xml, content);
        const status = await postToVasp(vasp, body, contentType, signal, timeoutMs);
        // Committed with the job's outcome (JobFinal): no commit of its own.
        return () => void ctx.store.events.add(msg.id, 'mm7-delivered', { vaspId: vasp.vaspId, status }, ctx.now());
      },
    },
    [MM7_JOB.report]: {
      backoff,
      run: async (job, signal) => {
        const p = job.payload as ReportPayload;
        const vasp = vaspOf(p.vaspId);
        const sub = repo.byMsgId(p.msgId);
        if (!sub) throw new PermanentJobError('PIPELINE_MISSING', `message ${p.msgId} has no MM7 submission`);
        const release = releaseByNs(sub.namespace) ?? vasp.release;
        const input = {
          relayServerId: o.relayServerId,
          messageId: sub.mm7MessageId,
          recipient: numberAddress(p.recipient) ?? { kind: 'Number' as const, value: 'unknown' },
          sender: senderOf(sub, o),
          at: new Date(p.at),
          status: p.status,
          ...(p.statusText !== undefined ? { statusText: p.statusText } : {}),
        };
        const op = p.kind === 'read' ? 'ReadReplyReq' : 'DeliveryReportReq';
        const children = p.kind === 'read' ? readReplyChildren(release.version, input) : deliveryReportChildren(release.version, input);
        const { body, contentType } = soapWithContent(envelope(release, `mmsgw-r-${job.id}`, op, children), undefined);
        const status = await postToVasp(vasp, body, contentType, signal, timeoutMs);
        return () => void ctx.store.events.add(p.msgId, 'mm7-reported', { vaspId: vasp.vaspId, kind: p.kind, recipient: p.recipient, mmStatus: p.status, status }, ctx.now());
      },
    },
  };
}
