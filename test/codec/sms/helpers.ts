import { mulberry32 as rng } from '../../../src/util/prng.js';
import assert from 'node:assert/strict';
import { decodeSmsPdu } from '../../../src/codec/sms/index.js';
import type { EncodedPdu, SmsDeliver, SmsSubmit, StoredSegment } from '../../../src/codec/sms/index.js';
import { userDataText } from '../../../src/codec/sms/userdata.js';

/** Decodes an encoder's output, checking the PDU-mode framing (hex length, tpduLength). */
export function decodeEncoded<T extends SmsSubmit | SmsDeliver>(p: EncodedPdu, type: T['type']): T {
  assert.equal(p.hex.length % 2, 0, 'even number of hex digits');
  const smscOctets = parseInt(p.hex.slice(0, 2), 16) + 1;
  assert.equal(p.hex.length / 2 - smscOctets, p.tpduLength, 'tpduLength is the TPDU without the SMSC');
  assert.ok(p.tpduLength <= 164, 'a TPDU fits 164 octets');
  const r = decodeSmsPdu(p.hex);
  if (!r.ok) throw r.error;
  assert.equal(r.value.type, type);
  return r.value as T;
}

/** Text of the parts of one SUBMIT/DELIVER series, joining raw user data first. */
export function joinedText(parts: ReadonlyArray<SmsSubmit | SmsDeliver>): string {
  const head = parts[0];
  assert.ok(head);
  const arrays = parts.map((p) => p.userData.data);
  const total = arrays.reduce((n, a) => n + a.length, 0);
  const data = new Uint8Array(total);
  let at = 0;
  for (const a of arrays) {
    data.set(a, at);
    at += a.length;
  }
  const text = userDataText({ unit: head.userData.unit, data } as SmsSubmit['userData'], head.dcs, head.udh);
  assert.notEqual(text, undefined);
  return text as string;
}

export function segments(hexes: readonly EncodedPdu[], idPrefix = 's', at = 0): StoredSegment[] {
  return hexes.map((p, i) => ({ id: `${idPrefix}${String(i).padStart(3, '0')}`, deliver: decodeEncoded<SmsDeliver>(p, 'deliver'), receivedAt: new Date(at + i) }));
}

/** Deterministic PRNG (mulberry32) so failures reproduce. */
export { rng };

export const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
export const GSM_EXT = '\f^{}\\[~]|€';
