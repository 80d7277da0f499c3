/**
 * encodeMms: writes an MmsPdu (OMA-TS-MMS_ENC §6, §7). A decoded PDU carries `wire`: the header
 * sequence and each value's form, which the encoder follows — so an unchanged decoded PDU comes
 * out byte for byte as it went in. Fields added since decoding, and every field of a PDU built
 * from scratch, are written in canonical form and order; Content-Type and the body come last.
 * Throws MmsgwError CODEC_ENCODE_INVALID for values that cannot be encoded.
 */
import { writeContentType } from '../wsp/content-type.js';
import { writeMultipart } from '../wsp/multipart.js';
import { encodeError, writeShortInteger, writeTokenText } from '../wsp/primitives.js';
import { Writer } from '../wsp/writer.js';
import { CANONICAL_ORDER, CONTENT_TYPE_CODE, FIELDS, FIELD_BY_KEY, type FieldDef, type FieldKey } from './fields.js';
import { isMultipart, partToEntry } from './parts.js';
import type { MmsPdu, MmsUnknownHeader } from './types.js';

const ORDER: readonly FieldKey[] = [...CANONICAL_ORDER, ...FIELDS.map((f) => f.key).filter((k) => !CANONICAL_ORDER.includes(k))];

/** The occurrences of a field in the PDU (an array for multi fields; `from` folds in the insert token). */
function occurrences(pdu: MmsPdu, f: FieldDef): unknown[] {
  if (f.key === 'from') {
    if (pdu.fromInsertAddress) return ['insert'];
    return pdu.from ? [pdu.from] : [];
  }
  const v = (pdu as unknown as Record<string, unknown>)[f.key];
  if (v === undefined) return [];
  if (f.multi) return Array.isArray(v) ? v : [];
  return [v];
}

export function encodeMms(pdu: MmsPdu): Uint8Array {
  const w = new Writer();
  const used = new Map<string, number>();
  let unknownAt = 0;
  const writeField = (f: FieldDef, value: unknown, form: unknown): void => {
    writeShortInteger(w, f.code, f.name);
    (f.codec as { write(w: Writer, v: unknown, form: unknown, field: string): void }).write(w, value, form, f.name);
  };
  const writeUnknown = (h: MmsUnknownHeader): void => {
    if (h.code !== undefined) writeShortInteger(w, h.code, h.name);
    else writeTokenText(w, h.name, h.name);
    w.bytes(h.raw);
  };

  if (pdu.wire) {
    for (const key of pdu.wire.order) {
      if (key === 'unknown') {
        const h = pdu.unknownHeaders[unknownAt++];
        if (h) writeUnknown(h);
        continue;
      }
      const f = FIELD_BY_KEY.get(key);
      if (!f) continue;
      const i = used.get(key) ?? 0;
      const value = occurrences(pdu, f)[i];
      if (value === undefined) continue;
      used.set(key, i + 1);
      writeField(f, value, pdu.wire.forms[key]?.[i]);
    }
  }
  for (const key of ORDER) {
    const f = FIELD_BY_KEY.get(key) as FieldDef;
    const all = occurrences(pdu, f);
    for (let i = used.get(key) ?? 0; i < all.length; i++) writeField(f, all[i], undefined);
  }
  for (; unknownAt < pdu.unknownHeaders.length; unknownAt++) writeUnknown(pdu.unknownHeaders[unknownAt] as MmsUnknownHeader);
  if (pdu.messageType === undefined) throw encodeError('X-Mms-Message-Type', 'missing');

  const ct = pdu.contentType ?? (pdu.parts.length > 0 ? { mediaType: 'application/vnd.wap.multipart.mixed', params: {} } : undefined);
  if (ct) {
    writeShortInteger(w, CONTENT_TYPE_CODE, 'Content-Type');
    writeContentType(w, ct);
    if (isMultipart(ct.mediaType)) {
      const trailing = (pdu.wire?.multipart as { trailing?: Uint8Array } | undefined)?.trailing;
      writeMultipart(w, pdu.parts.map(partToEntry), trailing);
    } else {
      if (pdu.parts.length > 1) throw encodeError('Content-Type', `${ct.mediaType} is not a multipart but the PDU has ${pdu.parts.length} parts`);
      const body = pdu.parts[0]?.body;
      if (body) w.bytes(body);
    }
  } else if (pdu.wire?.trailing) {
    // Stray octets after the last header of a decoded PDU go back out as they came.
    w.bytes(pdu.wire.trailing);
  }
  return w.finish();
}
