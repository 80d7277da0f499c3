/**
 * Address fields: TP-OA / TP-DA / TP-RA (3GPP 23.040 §9.1.2.5) and the RP-SC address that
 * 3GPP 27.005 §3.1 PDU mode puts in front of the TPDU (3GPP 24.011 §8.2.5.1).
 *
 * Own code rather than node-pdu's SCA: node-pdu drops the '+' of international numbers,
 * maps BCD 0xA/0xB ('*', '#') through a hex-string filter that breaks them, and cannot tell
 * a truncated address from a short one.
 */
import { MmsgwError } from '../../util/errors.js';
import { DEFAULT_TABLES, charToSeptets, packSeptets, septetsToText, unpackSeptets } from './gsm7.js';
import { SMS_ENCODE, type Reader } from './reader.js';
import type { SmsAddress } from './types.js';

/** 3GPP 23.040 §9.1.2.3: semi-octet values 0xA–0xE. */
const BCD_EXTRA = '*#abc';

const KINDS: ReadonlyArray<SmsAddress['kind']> = [
  'unknown', 'international', 'national', 'network-specific', 'subscriber', 'alphanumeric', 'abbreviated', 'unknown',
];

function bcdDigits(octets: Uint8Array, digits: number): string {
  let out = '';
  for (let i = 0; i < digits; i++) {
    const b = octets[i >> 1] as number;
    const nibble = i & 1 ? b >> 4 : b & 0x0f;
    if (nibble === 0x0f) break;
    out += nibble < 10 ? String(nibble) : BCD_EXTRA[nibble - 10];
  }
  return out;
}

function makeAddress(toa: number, digits: string): SmsAddress {
  const ton = (toa >> 4) & 0x07;
  const kind = KINDS[ton] ?? 'unknown';
  const number = kind === 'international' && digits.length > 0 && !digits.startsWith('+') ? `+${digits}` : digits;
  return { number, ton, npi: toa & 0x0f, kind };
}

/** TP-OA / TP-DA / TP-RA: length in semi-octets, then type of address, then the digits. */
export function readTpAddress(r: Reader, field: string): SmsAddress {
  const start = r.pos;
  const semi = r.u8(`${field} length`);
  if (semi > 20) r.fail(`${field} length`, `address of ${semi} semi-octets exceeds the 20 allowed`, start);
  const toa = r.u8(`${field} type`);
  const octets = r.take(Math.ceil(semi / 2), field);
  if (((toa >> 4) & 0x07) === 5) {
    // Alphanumeric, 3GPP 23.040 §9.1.2.5: GSM 7-bit default alphabet packed into the semi-octets.
    const septets = unpackSeptets(octets, Math.floor((semi * 4) / 7));
    return makeAddress(toa, septetsToText(septets));
  }
  return makeAddress(toa, bcdDigits(octets, semi));
}

/** SMSC address of PDU mode: length in octets (type of address included); 0 = none. */
export function readSmscAddress(r: Reader): SmsAddress | undefined {
  const start = r.pos;
  const len = r.u8('SMSC length');
  if (len === 0) return undefined;
  if (len > 11) r.fail('SMSC length', `SMSC address of ${len} octets exceeds the 11 allowed`, start);
  const toa = r.u8('SMSC type');
  const octets = r.take(len - 1, 'SMSC address');
  return makeAddress(toa, bcdDigits(octets, (len - 1) * 2));
}

interface EncodedAddress {
  readonly toa: number;
  readonly semiOctets: number;
  readonly octets: Uint8Array;
}

/** Digits, '*' and '#' (a leading '+' for international); spaces, dashes, dots and parentheses are ignored. */
const PHONE = /^\+?[0-9*#]{1,20}$/;
const SEPARATORS = /[\s\-.()]/g;

function encodeBcd(digits: string): Uint8Array {
  const out = new Uint8Array(Math.ceil(digits.length / 2)).fill(0xff);
  for (let i = 0; i < digits.length; i++) {
    const ch = digits[i] as string;
    const v = ch >= '0' && ch <= '9' ? ch.charCodeAt(0) - 48 : 10 + BCD_EXTRA.indexOf(ch);
    const b = out[i >> 1] as number;
    out[i >> 1] = i & 1 ? (b & 0x0f) | (v << 4) : (b & 0xf0) | v;
  }
  return out;
}

/**
 * Encodes a number ("+…" → international/ISDN 0x91, otherwise unknown/ISDN 0x81) or, when
 * `allowAlphanumeric`, a text sender (type 0xD0, 3GPP 23.040 §9.1.2.5).
 */
export function encodeAddress(value: string, field: string, allowAlphanumeric = false): EncodedAddress {
  const v = value.trim();
  const compact = v.replace(SEPARATORS, '');
  if (PHONE.test(compact)) {
    const international = compact.startsWith('+');
    const digits = international ? compact.slice(1) : compact;
    return { toa: international ? 0x91 : 0x81, semiOctets: digits.length, octets: encodeBcd(digits) };
  }
  if (allowAlphanumeric && v.length > 0 && v.length <= 11) {
    const septets: number[] = [];
    for (const ch of v) {
      const s = charToSeptets(ch, DEFAULT_TABLES);
      if (!s || s.length !== 1) throw new MmsgwError(SMS_ENCODE, `${field}: ${JSON.stringify(ch)} is not in the GSM 7-bit default alphabet`);
      septets.push(...s);
    }
    const octets = packSeptets(septets);
    return { toa: 0xd0, semiOctets: Math.ceil((septets.length * 7) / 4), octets };
  }
  throw new MmsgwError(SMS_ENCODE, `${field}: ${JSON.stringify(value)} is not a valid address`);
}

/** TP-DA / TP-OA / TP-RA octets. */
export function tpAddressBytes(value: string, field: string, allowAlphanumeric = false): number[] {
  const a = encodeAddress(value, field, allowAlphanumeric);
  return [a.semiOctets, a.toa, ...a.octets];
}

/** SMSC prefix of PDU mode: [0] for "use the stored SMSC". */
export function smscBytes(smsc: string | undefined): number[] {
  if (smsc === undefined || smsc === '') return [0];
  const a = encodeAddress(smsc, 'smsc');
  return [a.octets.length + 1, a.toa, ...a.octets];
}
