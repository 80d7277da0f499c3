/**
 * MMS body parts: the mapping between WSP multipart entries (WAP-230-WSP §8.5.3) and MmsPart,
 * text decoding by charset, and the SMIL start part of multipart/related (OMA-TS-MMS_ENC §7.1,
 * RFC 2387 `start` / `type` parameters).
 */
import { decodeText } from '../wsp/charset.js';
import { dispositionFilename, makeHeader } from '../wsp/headers.js';
import type { MultipartEntry, WspHeader } from '../wsp/types.js';
import { FIELD } from '../wsp/well-known.js';
import { decodeTransfer, transferEncodingOf } from './transfer-encoding.js';
import type { MmsPart, MmsPdu } from './types.js';

export function isMultipart(mediaType: string): boolean {
  const m = mediaType.toLowerCase();
  return m.startsWith('application/vnd.wap.multipart.') || m.startsWith('multipart/');
}

/** Textual (application) header names that mean a well-known field, compared without case. */
function textualIs(h: WspHeader, name: string): boolean {
  return h.code === undefined && h.name.toLowerCase() === name;
}

/**
 * A multipart entry as an MmsPart. Content-ID and Content-Location count whether sent as
 * well-known fields (WSP Table 39) or as textual headers, which some handsets use; a textual
 * Content-Transfer-Encoding is undone (transfer-encoding.ts), and what was accepted that the
 * specification does not foresee is added to `warnings` with the part's index.
 */
export function entryToPart(e: MultipartEntry, index = 0, warnings?: string[]): MmsPart {
  const params = { ...e.contentType.params };
  const part: MmsPart = { contentType: e.contentType.mediaType, params, body: e.body, headers: e.headers };
  if (e.contentType.form) part.contentTypeForm = e.contentType.form;
  if (params.name !== undefined) part.name = params.name;
  if (params.charset !== undefined) part.charset = params.charset;
  let filename = params.filename;
  for (const h of e.headers) {
    if ((h.code === FIELD.contentId || textualIs(h, 'content-id')) && part.contentId === undefined) part.contentId = h.value;
    else if ((h.code === FIELD.contentLocation || textualIs(h, 'content-location')) && part.contentLocation === undefined) part.contentLocation = h.value;
    else filename ??= dispositionFilename(h);
  }
  if (filename !== undefined) part.filename = filename;
  const cte = transferEncodingOf(e.headers);
  if (cte !== undefined) {
    const d = decodeTransfer(cte, e.body);
    part.transferEncoding = d.encoding;
    if (d.body !== e.body) {
      part.body = d.body;
      part.transfer = { wireBody: e.body, decoded: d.body };
    }
    const what = d.warning ?? (d.body === e.body ? 'is an identity encoding: body as sent' : `decoded, ${e.body.length} → ${part.body.length} octets`);
    warnings?.push(`body[${index}] (${part.contentType}): textual Content-Transfer-Encoding ${JSON.stringify(cte)} ${what} (OMA-TS-MMS_ENC §7.1 carries parts as binary)`);
  }
  return part;
}

export function partToEntry(p: MmsPart): MultipartEntry {
  const params: Record<string, string> = { ...p.params };
  if (p.charset !== undefined) params.charset = p.charset;
  if (p.name !== undefined) params.name = p.name;
  if (p.filename !== undefined && params.filename === undefined && !hasDispositionFilename(p)) params.filename = p.filename;
  let headers = [...(p.headers ?? [])];
  headers = reconcile(headers, FIELD.contentId, 'Content-ID', p.contentId, 'content-id');
  headers = reconcile(headers, FIELD.contentLocation, 'Content-Location', p.contentLocation, 'content-location');
  // A transfer-encoded body goes out as it came while unchanged; a replaced body is binary, so
  // the textual Content-Transfer-Encoding that no longer describes it is dropped.
  let body = p.body;
  if (p.transfer && p.transfer.decoded === p.body) body = p.transfer.wireBody;
  else if (p.transfer) headers = headers.filter((h) => !textualIs(h, 'content-transfer-encoding'));
  return {
    contentType: { mediaType: p.contentType, params, ...(p.contentTypeForm ? { form: p.contentTypeForm } : {}) },
    headers,
    body,
  };
}

function hasDispositionFilename(p: MmsPart): boolean {
  return (p.headers ?? []).some((h) => dispositionFilename(h) === p.filename);
}

/** Keeps the first header of `code` (or its textual form) in step with `value`: unchanged, replaced, removed or appended. */
function reconcile(headers: WspHeader[], code: number, name: string, value: string | undefined, textual: string): WspHeader[] {
  const i = headers.findIndex((h) => h.code === code || textualIs(h, textual));
  if (value === undefined) return i < 0 ? headers : headers.filter((_, j) => j !== i);
  if (i >= 0 && headers[i]?.value === value) return headers;
  const h = makeHeader(name, value);
  if (i < 0) return [...headers, h];
  headers[i] = h;
  return headers;
}

/** A part's text, decoded by its charset (UTF-8 when none is given; a BOM is dropped). */
export function partText(part: MmsPart): string {
  return decodeText(part.body, part.charset ?? part.params.charset);
}

function stripAngles(id: string): string {
  return id.replace(/^<|>$/g, '');
}

/**
 * The start part of a multipart/related body: the part whose Content-ID matches the `start`
 * parameter (with or without angle brackets), else the first part.
 */
export function startPart(pdu: Pick<MmsPdu, 'contentType' | 'parts'>): MmsPart | undefined {
  const start = pdu.contentType?.params.start;
  if (start !== undefined) {
    const want = stripAngles(start);
    const hit = pdu.parts.find((p) => p.contentId !== undefined && stripAngles(p.contentId) === want);
    if (hit) return hit;
  }
  return pdu.parts[0];
}

/**
 * The SMIL presentation part: in multipart/related the part named by `start`, if it is SMIL;
 * otherwise the first application/smil part.
 */
export function smilPart(pdu: Pick<MmsPdu, 'contentType' | 'parts'>): MmsPart | undefined {
  if (pdu.contentType?.mediaType === 'application/vnd.wap.multipart.related' || pdu.contentType?.mediaType === 'multipart/related') {
    const s = startPart(pdu);
    if (s && s.contentType === 'application/smil' && pdu.contentType.params.start !== undefined) return s;
  }
  return pdu.parts.find((p) => p.contentType === 'application/smil');
}
