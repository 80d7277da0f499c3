import { DecodeError } from '../../util/errors.js';

/** Codes of DecodeErrors raised by the SMS codec. */
export const SMS_TRUNCATED = 'CODEC_SMS_TRUNCATED';
export const SMS_INVALID = 'CODEC_SMS_INVALID';
/** Code of the MmsgwError the encoders raise for input they cannot encode. */
export const SMS_ENCODE = 'CODEC_SMS_ENCODE';

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/**
 * Longest PDU-mode line: 12 octets of SMSC address (27.005 §3.1, 24.011 §8.2.5.1) and a TPDU of
 * at most 164 octets (SMS-SUBMIT with a 7-octet TP-VP, 23.040 §9.2.2.2).
 */
export const MAX_PDU_OCTETS = 12 + 164;

/**
 * Length of `hex` without the 0xFF octets that pad it beyond MAX_PDU_OCTETS (a whole SIM record,
 * 3GPP 31.102 §4.2.25, printed by some modems). Only padding past the longest possible PDU is
 * cut here; padding inside it is left for TP-UDL to tell apart (userdata.ts).
 */
export function withoutRecordPadding(hex: string): string {
  if (hex.length <= MAX_PDU_OCTETS * 2 || hex.length % 2 !== 0) return hex;
  for (let i = MAX_PDU_OCTETS * 2; i < hex.length; i++) if (hex[i] !== 'F' && hex[i] !== 'f') return hex;
  return hex.slice(0, MAX_PDU_OCTETS * 2);
}

/** Hex → bytes; refuses odd length, non-hex characters and oversize input with an offset in octets. */
export function hexToBytes(hex: string): Uint8Array | DecodeError {
  if (hex.length > MAX_PDU_OCTETS * 2) {
    return new DecodeError(SMS_INVALID, 'PDU length', MAX_PDU_OCTETS, `${Math.ceil(hex.length / 2)} octets exceed the ${MAX_PDU_OCTETS} a PDU can have`);
  }
  if (!HEX.test(hex)) {
    const bad = hex.search(/[^0-9a-fA-F]/);
    const at = bad >= 0 ? Math.floor(bad / 2) : Math.floor(hex.length / 2);
    return new DecodeError(SMS_INVALID, 'PDU hex', at, bad >= 0 ? `non-hex character ${JSON.stringify(hex[bad])}` : 'odd number of hex digits');
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s.toUpperCase();
}

/**
 * Cursor over a PDU. Every read checks the remaining length and throws a DecodeError naming the
 * field and the octet offset; decodeSmsPdu catches it at the public boundary.
 */
export class Reader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  need(n: number, field: string): void {
    if (n > this.remaining) {
      throw new DecodeError(SMS_TRUNCATED, field, this.pos, `needs ${n} octet(s), ${this.remaining} left`);
    }
  }

  u8(field: string): number {
    this.need(1, field);
    return this.bytes[this.pos++] as number;
  }

  take(n: number, field: string): Uint8Array {
    this.need(n, field);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  fail(field: string, message: string, at = this.pos): never {
    throw new DecodeError(SMS_INVALID, field, at, message);
  }
}
