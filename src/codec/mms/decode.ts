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

export function decodeMms(bytes: Uint8Array): Result<MmsPdu, DecodeError> {
  return guard('mms', () => readMms(new Cursor(bytes)));
}

export function readMms(c: Cursor): MmsPdu {
  if (c.remaining === 0) c.fail('X-Mms-Message-Type', 'empty input', c.pos, 'CODEC_TRUNCATED');
  if (c.peek('X-Mms-Message-Type') !== 0x8c) {
    // OMA-TS-MMS_ENC §7.1: X-Mms-Message-Type is the first header of every PDU.
    c.fail('X-Mms-Message-Type', 'a PDU starts with X-Mms-Message-Type (0x8C)');
  }
  const block = readMmsHeaders(c);
  const v = block.values;
  if (v.messageType === undefined) c.fail('X-Mms-Message-Type', 'unrecognised message type', 1);
  let parts: MmsPart[] = [];
  let singleBody = false;
  let multipart: unknown;
  if (block.contentType) {
    if (isMultipart(block.contentType.mediaType)) {
      const body = readMultipart(c, 'body');
      parts = body.entries.map(entryToPart);
      if (body.trailing.length > 0) multipart = { trailing: body.trailing };
    } else {
      singleBody = true;
      const ct = block.contentType;
      parts = [{ contentType: ct.mediaType, params: { ...ct.params }, body: c.take(c.remaining, 'body'), ...(ct.params.charset ? { charset: ct.params.charset } : {}) }];
    }
  }
  const wire: MmsWire = { order: block.order, forms: block.forms, ...(singleBody ? { singleBody } : {}), ...(multipart ? { multipart } : {}) };
  const pdu = {
    to: [],
    cc: [],
    bcc: [],
    previouslySentBy: [],
    previouslySentDate: [],
    attributes: [],
    ...v,
    ...(block.contentType ? { contentType: block.contentType } : {}),
    parts,
    unknownHeaders: block.unknown,
    wire,
  } as unknown as MmsPdu;
  if ((v.from as unknown) === 'insert') {
    delete pdu.from;
    pdu.fromInsertAddress = true;
  }
  return pdu;
}
