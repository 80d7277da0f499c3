import { MmsgwError } from '../../util/errors.js';
import { REL6, SOAP_ENV_NS, faultCodeFor, releaseByNs, statusText, STATUS, type Mm7Release } from './ns.js';
import { buildXml, child, el, opt, parseXml, type XElement, type XNode } from './xml.js';

/**
 * The SOAP 1.1 envelope of MM7 (3GPP TS 23.140 §8): the transaction id in the header
 * (`mm7:TransactionID`, mustUnderstand), one MM7 element in the body, qualified by the
 * release's namespace. Errors become a SOAP Fault whose detail carries an MM7 status
 * (RSErrorRsp, §8.7) — never an HTTP error page or a stack trace.
 */

/** A refusal carrying the MM7 StatusCode to answer with. */
export class Mm7Fault extends MmsgwError {
  constructor(
    readonly status: number,
    message: string,
    readonly httpStatus = 500,
  ) {
    super(`MM7_${status}`, message, { specCode: status });
  }
}

export interface Envelope {
  readonly release: Mm7Release;
  readonly transactionId: string;
  /** The MM7 element inside the SOAP Body (SubmitReq, DeliverRsp, …). */
  readonly op: XElement;
}

/** What is known of a request before it turned out bad: used to answer in its namespace. */
export interface FaultContext {
  release?: Mm7Release;
  transactionId?: string;
}

/**
 * Largest SOAP envelope parsed. MM7 envelopes are a few kilobytes (the content travels as
 * attachments); the bound keeps the XML parser's time per request small (bench/mm7.ts: about
 * 1 MB/s on the development machine) whatever `mm7.maxRequestBytes` allows for attachments.
 */
export const MAX_ENVELOPE_BYTES = 64 * 1024;

/** Parses a SOAP envelope carrying one MM7 operation; throws Mm7Fault with the status to answer. */
export function parseEnvelope(xml: string, into: FaultContext = {}): Envelope {
  if (xml.length > MAX_ENVELOPE_BYTES) throw new Mm7Fault(STATUS.validationError, `the SOAP envelope is larger than ${MAX_ENVELOPE_BYTES} bytes (content belongs in attachments)`);
  let root: XElement;
  try {
    root = parseXml(xml);
  } catch (e) {
    throw new Mm7Fault(STATUS.messageFormatCorrupt, (e as Error).message);
  }
  if (root.local !== 'Envelope' || root.ns !== SOAP_ENV_NS) {
    throw new Mm7Fault(STATUS.messageFormatCorrupt, `expected a SOAP 1.1 Envelope (${SOAP_ENV_NS}), got <${root.local}>${root.ns ? ` in ${root.ns}` : ''}`);
  }
  const body = root.children.find((c) => c.local === 'Body' && c.ns === SOAP_ENV_NS);
  if (!body) throw new Mm7Fault(STATUS.messageFormatCorrupt, 'the SOAP Envelope has no Body');
  if (body.children.length !== 1) throw new Mm7Fault(STATUS.validationError, `the SOAP Body holds ${body.children.length} elements, expected one MM7 request`);
  const op = body.children[0]!;
  const release = releaseByNs(op.ns);
  const header = root.children.find((c) => c.local === 'Header' && c.ns === SOAP_ENV_NS);
  const txElement = header?.children.find((c) => c.local === 'TransactionID');
  if (txElement?.text) into.transactionId = txElement.text;
  if (!release) {
    throw new Mm7Fault(STATUS.unsupportedVersion, `unsupported MM7 namespace '${op.ns ?? '(none)'}' on <${op.local}>; supported: REL-5-MM7-1-2, REL-6-MM7-1-4`);
  }
  into.release = release;
  if (!txElement || !txElement.text) throw new Mm7Fault(STATUS.validationError, 'the SOAP Header lacks the mm7:TransactionID');
  if (txElement.ns !== release.ns) throw new Mm7Fault(STATUS.validationError, `mm7:TransactionID is in namespace '${txElement.ns ?? '(none)'}', the body in '${release.ns}'`);
  if (txElement.text.length > 200) throw new Mm7Fault(STATUS.validationError, 'mm7:TransactionID longer than 200 characters');
  for (const c of header?.children ?? []) {
    // SOAP 1.1 §4.2.3: a mandatory header entry we do not know must fail the message.
    if (c !== txElement && (c.attrs.mustUnderstand === '1' || c.attrs.mustUnderstand === 'true')) {
      throw new Mm7Fault(STATUS.validationError, `header entry <${c.local}> must be understood and is not`);
    }
  }
  const version = child(op, 'MM7Version')?.text;
  if (version === undefined) throw new Mm7Fault(STATUS.validationError, `<${op.local}> lacks MM7Version`);
  if (!/^\d+\.\d+\.\d+$/.test(version) || version.split('.')[0] !== release.version.split('.')[0]) {
    throw new Mm7Fault(STATUS.unsupportedVersion, `MM7Version '${version}' does not belong to ${release.name} (${release.version})`);
  }
  return { release, transactionId: txElement.text, op };
}

/** The Status element of every MM7 response (StatusCode, StatusText, Details?). */
export function statusNode(code: number, text?: string, details?: string): XNode {
  return el('Status', [el('StatusCode', String(code)), el('StatusText', text ?? statusText(code)), opt('Details', details)]);
}

/** A whole SOAP message: header with the transaction id, body with one MM7 element in the release's namespace. */
export function envelope(release: Mm7Release, transactionId: string, op: string, children: readonly (XNode | undefined)[]): string {
  return buildXml(
    el('env:Envelope', [
      el('env:Header', [el('mm7:TransactionID', transactionId, { 'xmlns:mm7': release.ns, 'env:mustUnderstand': '1' })]),
      el('env:Body', [el(op, children, { xmlns: release.ns })]),
    ], { 'xmlns:env': SOAP_ENV_NS }),
  );
}

/**
 * A SOAP Fault (SOAP 1.1 §4.4) whose detail is an RSErrorRsp with the MM7 status
 * (3GPP TS 23.140 §8.7). Answered in the request's namespace when it was recognised.
 */
export function faultEnvelope(ctx: FaultContext, code: number, text: string, errorElement: 'RSErrorRsp' | 'VASPErrorRsp' = 'RSErrorRsp'): string {
  const release = ctx.release ?? REL6;
  const header = ctx.transactionId
    ? el('env:Header', [el('mm7:TransactionID', ctx.transactionId, { 'xmlns:mm7': release.ns, 'env:mustUnderstand': '1' })])
    : undefined;
  return buildXml(
    el('env:Envelope', [
      header,
      el('env:Body', [
        el('env:Fault', [
          el('faultcode', `env:${faultCodeFor(code)}`),
          el('faultstring', statusText(code)),
          el('detail', [el(errorElement, [el('MM7Version', release.version), statusNode(code, statusText(code), text)], { xmlns: release.ns })]),
        ]),
      ]),
    ], { 'xmlns:env': SOAP_ENV_NS }),
  );
}

export interface ParsedStatus {
  readonly code: number;
  readonly text: string | undefined;
  readonly details: string | undefined;
}

/** Reads the Status of a response, or of a Fault's RSErrorRsp/VASPErrorRsp detail. */
export function readResponse(xml: string): { envelope?: Envelope; status: ParsedStatus; fault: boolean } {
  if (xml.length > MAX_ENVELOPE_BYTES) throw new Mm7Fault(STATUS.validationError, `the answer is larger than ${MAX_ENVELOPE_BYTES} bytes`);
  const root = parseXml(xml);
  const body = root.children.find((c) => c.local === 'Body');
  const first = body?.children[0];
  if (!body || !first) throw new Mm7Fault(STATUS.messageFormatCorrupt, 'the answer has no SOAP Body');
  if (first.local === 'Fault') {
    const detail = child(first, 'detail');
    const rsp = detail?.children[0];
    const st = rsp ? child(rsp, 'Status') : undefined;
    return { status: statusOf(st) ?? { code: STATUS.serverError, text: child(first, 'faultstring')?.text, details: undefined }, fault: true };
  }
  const env = parseEnvelope(xml);
  const st = statusOf(child(env.op, 'Status'));
  if (!st) throw new Mm7Fault(STATUS.validationError, `<${env.op.local}> has no Status`);
  return { envelope: env, status: st, fault: false };
}

function statusOf(st: XElement | undefined): ParsedStatus | undefined {
  if (!st) return undefined;
  const code = Number(child(st, 'StatusCode')?.text);
  if (!Number.isInteger(code)) return undefined;
  return { code, text: child(st, 'StatusText')?.text, details: child(st, 'Details')?.text };
}
