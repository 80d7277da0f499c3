/**
 * decodeMms: any MMS PDU (OMA-TS-MMS_ENC §6) — headers, then for PDUs with a body the body
 * after Content-Type: a WSP multipart (WAP-230-WSP §8.5) or a single body. Returns a value or a
 * DecodeError naming the field and the offset; never throws.
 */
import type { DecodeError } from '../../util/errors.js';
import type { Result } from '../../util/result.js';
import { Cursor } from '../wsp/cursor.js';
import { guard } from '../wsp/guard.js';
import { readMultipart } from '../wsp/multipart.js';
import { readMmsHeaders } from './header-decode.js';
import { entryToPart, isMultipart } from './parts.js';
import type { MmsPdu, MmsPart, MmsWire } from './types.js';

/** Message types whose Content-Type and body are mandatory (OMA-TS-MMS_ENC §6.1.1, §6.3). */
const BODY_REQUIRED: ReadonlySet<string> = new Set(['m-send-req', 'm-retrieve-conf']);

export function decodeMms(bytes: Uint8Array): Result<MmsPdu, DecodeError> {
  return guard('mms', () => readMms(new Cursor(bytes)));
}

export function readMms(c: Cursor): MmsPdu {
  if (c.remaining === 0) c.fail('X-Mms-Message-Type', 'empty input', c.pos, 'CODEC_TRUNCATED');
  if (c.peek('X-Mms-Message-Type') !== 0x8c) {
    // OMA-TS-MMS_ENC §7.1: X-Mms-Message-Type is the first header of every PDU.
    c.fail('X-Mms-Message-Type', 'a PDU starts with X-Mms-Message-Type (0x8C)');
  }
  const block = readMmsHeaders(c, true);
  const v = block.values;
  if (v.messageType === undefined) c.fail('X-Mms-Message-Type', 'unrecognised message type', 1);
  const warnings: string[] = [];
  let trailing: Uint8Array | undefined;
  if (block.stopped) {
    // Robustness (OMA-TS-MMS_ENC §7.1, 3GPP 23.140 §8.7: a receiver ignores what it does not
    // understand): stray octets after the last complete header — a 0x0A left by a hex-dump round
    // trip, a cut-off last header — leave the headers before them standing. A PDU whose body
    // is mandatory (m-send-req, m-retrieve-conf: Content-Type, §6.1.1, §6.3) cannot do without
    // what is lost, so there the fault stands.
    if (BODY_REQUIRED.has(v.messageType as string)) throw block.stopped.fault;
    trailing = c.take(c.remaining, 'header');
    const f = block.stopped.fault;
    warnings.push(`${trailing.length} octet(s) after the last complete header at offset ${c.offset(block.stopped.at)} ignored (${f.field}: ${f.message})`);
  }
  let parts: MmsPart[] = [];
  let singleBody = false;
  let multipart: unknown;
  if (block.contentType) {
    if (isMultipart(block.contentType.mediaType)) {
      const body = readMultipart(c, 'body');
      parts = body.entries.map((e, i) => entryToPart(e, i, warnings));
      if (body.trailing.length > 0) multipart = { trailing: body.trailing };
    } else {
      singleBody = true;
      const ct = block.contentType;
      parts = [{ contentType: ct.mediaType, params: { ...ct.params }, body: c.take(c.remaining, 'body'), ...(ct.params.charset ? { charset: ct.params.charset } : {}) }];
    }
  }
  // Built by assignment, not object spreads: the same keys in the same order, without a
  // spread's generic copy per PDU.
  const wire: { -readonly [K in keyof MmsWire]: MmsWire[K] } = { order: block.order, forms: block.forms };
  if (singleBody) wire.singleBody = singleBody;
  if (multipart) wire.multipart = multipart;
  if (trailing) wire.trailing = trailing;
  const out: Record<string, unknown> = { to: [], cc: [], bcc: [], previouslySentBy: [], previouslySentDate: [], attributes: [] };
  for (const k in v) out[k] = v[k];
  if (block.contentType) out.contentType = block.contentType;
  out.parts = parts;
  out.unknownHeaders = block.unknown;
  if (warnings.length > 0) out.warnings = warnings;
  out.wire = wire;
  const pdu = out as unknown as MmsPdu;
  if ((v.from as unknown) === 'insert') {
    delete pdu.from;
    pdu.fromInsertAddress = true;
  }
  return pdu;
}
