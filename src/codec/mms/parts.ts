/**
 * MMS body parts: the mapping between WSP multipart entries (WAP-230-WSP §8.5.3) and MmsPart,
 * text decoding by charset, and the SMIL start part of multipart/related (OMA-TS-MMS_ENC §7.1,
 * RFC 2387 `start` / `type` parameters).
 */
import { decodeText } from '../wsp/charset.js';
import { dispositionFilename, makeHeader } from '../wsp/headers.js';
import type { MultipartEntry, WspHeader } from '../wsp/types.js';
import { FIELD } from '../wsp/well-known.js';
import type { MmsPart, MmsPdu } from './types.js';

export function isMultipart(mediaType: string): boolean {
  const m = mediaType.toLowerCase();
  return m.startsWith('application/vnd.wap.multipart.') || m.startsWith('multipart/');
}

export function entryToPart(e: MultipartEntry): MmsPart {
  const params = { ...e.contentType.params };
  const part: MmsPart = { contentType: e.contentType.mediaType, params, body: e.body, headers: e.headers };
  if (e.contentType.form) part.contentTypeForm = e.contentType.form;
  if (params.name !== undefined) part.name = params.name;
  if (params.charset !== undefined) part.charset = params.charset;
  let filename = params.filename;
  for (const h of e.headers) {
    if (h.code === FIELD.contentId && part.contentId === undefined) part.contentId = h.value;
    else if (h.code === FIELD.contentLocation && part.contentLocation === undefined) part.contentLocation = h.value;
    else filename ??= dispositionFilename(h);
  }
  if (filename !== undefined) part.filename = filename;
  return part;
}

export function partToEntry(p: MmsPart): MultipartEntry {
  const params: Record<string, string> = { ...p.params };
  if (p.charset !== undefined) params.charset = p.charset;
  if (p.name !== undefined) params.name = p.name;
  if (p.filename !== undefined && params.filename === undefined && !hasDispositionFilename(p)) params.filename = p.filename;
  let headers = [...(p.headers ?? [])];
  headers = reconcile(headers, FIELD.contentId, 'Content-ID', p.contentId);
  headers = reconcile(headers, FIELD.contentLocation, 'Content-Location', p.contentLocation);
  return {
    contentType: { mediaType: p.contentType, params, ...(p.contentTypeForm ? { form: p.contentTypeForm } : {}) },
    headers,
    body: p.body,
  };
}

function hasDispositionFilename(p: MmsPart): boolean {
  return (p.headers ?? []).some((h) => dispositionFilename(h) === p.filename);
}

/** Keeps the first header of `code` in step with `value`: unchanged, replaced, removed or appended. */
function reconcile(headers: WspHeader[], code: number, name: string, value: string | undefined): WspHeader[] {
  const i = headers.findIndex((h) => h.code === code);
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
