/**
 * JSON-ready views of decoded PDUs, for the `decode` command, logs and the store: every header
 * with readable values, part bodies replaced by their size and offset.
 */
import { formatContentType } from '../wsp/content-type.js';
import { applicationIdName } from '../wsp/well-known.js';
import type { WapPush } from '../wsp/types.js';
import type { MmsAddress, MmsPart, MmsPdu, MmsTime } from './types.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

function time(t: MmsTime): JsonValue {
  return t.kind === 'absolute' ? { absolute: t.date.toISOString() } : { relativeSeconds: t.seconds };
}

function addr(a: MmsAddress): string {
  return a.raw;
}

export function describePart(p: MmsPart, base?: Uint8Array): { [k: string]: JsonValue } {
  const out: { [k: string]: JsonValue } = { contentType: p.contentType };
  if (Object.keys(p.params).length > 0) out.params = { ...p.params };
  for (const k of ['name', 'filename', 'contentId', 'contentLocation', 'charset', 'transferEncoding'] as const) {
    const v = p[k];
    if (v !== undefined) out[k] = v;
  }
  out.size = p.body.length;
  if (base && p.body.buffer === base.buffer) out.offset = p.body.byteOffset - base.byteOffset;
  return out;
}

/** Every field of the PDU, readable; `base` (the decoded buffer) adds part offsets. */
export function describeMms(pdu: MmsPdu, base?: Uint8Array): { [k: string]: JsonValue } {
  const out: { [k: string]: JsonValue } = {};
  const keys = Object.keys(pdu).sort((a, b) => rank(a) - rank(b));
  for (const k of keys) {
    const v = (pdu as unknown as Record<string, unknown>)[k];
    if (v === undefined || k === 'wire' || k === 'parts' || k === 'unknownHeaders' || k === 'warnings') continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = valueView(k, v);
  }
  if (pdu.contentType) out.contentType = formatContentType(pdu.contentType);
  out.parts = pdu.parts.map((p) => describePart(p, base));
  if (pdu.unknownHeaders.length > 0) {
    out.unknownHeaders = pdu.unknownHeaders.map((h) => ({ name: h.name, value: h.value, reason: h.reason }));
  }
  if (pdu.warnings && pdu.warnings.length > 0) out.warnings = [...pdu.warnings];
  return out;
}

const FIRST = [
  'messageType', 'transactionId', 'mmsVersion', 'messageId', 'date', 'from', 'fromInsertAddress', 'to', 'cc', 'bcc',
  'subject', 'contentLocation', 'messageSize', 'expiry', 'responseStatus', 'responseText', 'status', 'retrieveStatus',
];

function rank(key: string): number {
  const i = FIRST.indexOf(key);
  return i < 0 ? FIRST.length : i;
}

function valueView(key: string, v: unknown): JsonValue {
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map((x) => valueView(key, x));
  if (typeof v === 'object' && v !== null) {
    if ('raw' in v && 'type' in v) return addr(v as MmsAddress);
    if ('kind' in v && (v.kind === 'absolute' || v.kind === 'relative')) return time(v as MmsTime);
    const o: { [k: string]: JsonValue } = {};
    for (const [k, x] of Object.entries(v)) o[k] = valueView(k, x);
    return o;
  }
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return null;
}

export function describePush(p: WapPush): { [k: string]: JsonValue } {
  const out: { [k: string]: JsonValue } = {
    transactionId: p.transactionId,
    pduType: p.pduType === 0x06 ? 'Push' : p.pduType === 0x07 ? 'ConfirmedPush' : p.pduType,
    contentType: formatContentType(p.contentType),
  };
  if (p.applicationId !== undefined) {
    out.applicationId = typeof p.applicationId === 'number' ? (applicationIdName(p.applicationId) ?? p.applicationId) : p.applicationId;
  }
  out.headers = p.headers.map((h) => ({ name: h.name, value: h.value }));
  out.bodySize = p.body.length;
  if (p.warnings && p.warnings.length > 0) out.warnings = [...p.warnings];
  return out;
}

/** Indented `key: value` lines of a view, for terminals. */
export function viewToText(view: { [k: string]: JsonValue }, indent = '  '): string[] {
  const lines: string[] = [];
  for (const [k, v] of Object.entries(view)) {
    if (Array.isArray(v) && v.length === 0) continue;
    if (k === 'warnings' && Array.isArray(v)) {
      lines.push(`${indent}warnings:`, ...v.map((x) => `${indent}  - ${inline(x)}`));
    } else if (Array.isArray(v) && v.some((x) => typeof x === 'object' && x !== null)) {
      lines.push(`${indent}${k}:`);
      v.forEach((x, i) => {
        if (typeof x === 'object' && x !== null && !Array.isArray(x)) {
          lines.push(`${indent}  [${i}] ${Object.entries(x).map(([a, b]) => `${a}=${inline(b)}`).join('  ')}`);
        } else lines.push(`${indent}  [${i}] ${inline(x)}`);
      });
    } else lines.push(`${indent}${k}: ${inline(v)}`);
  }
  return lines;
}

function inline(v: JsonValue): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(inline).join(', ');
  if (typeof v === 'object' && v !== null) return Object.entries(v).map(([a, b]) => `${a}=${inline(b)}`).join(' ');
  return String(v);
}
