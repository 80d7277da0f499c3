/**
 * MMS addresses (OMA-TS-MMS_ENC §8 "Address Encoding"): `value/TYPE=PLMN|IPv4|IPv6|email|…`.
 * The decoder keeps the raw text; `number` is the PLMN number reduced to `+` and digits.
 */
import type { MmsAddress, MmsAddressType } from './types.js';

const SUFFIX = /\/TYPE=([A-Za-z0-9_-]+)$/i;

/** Reads an address as carried on the wire. Never throws. */
export function parseAddress(raw: string): MmsAddress {
  const m = SUFFIX.exec(raw);
  if (!m) {
    const type: MmsAddressType = raw.includes('@') ? 'email' : 'other';
    return { raw, value: raw, type };
  }
  const value = raw.slice(0, m.index);
  const name = m[1] as string;
  const upper = name.toUpperCase();
  let type: MmsAddressType;
  if (upper === 'PLMN') type = 'PLMN';
  else if (upper === 'IPV4') type = 'IPv4';
  else if (upper === 'IPV6') type = 'IPv6';
  else if (upper === 'EMAIL') type = 'email';
  else type = 'other';
  const out: MmsAddress = { raw, value, type };
  if (type === 'other') out.typeName = name;
  if (type === 'PLMN') out.number = normalizeNumber(value);
  return out;
}

/** A PLMN number with separators removed: optional leading `+`, then digits, `*` and `#`. */
export function normalizeNumber(value: string): string {
  const t = value.trim();
  return (t.startsWith('+') ? '+' : '') + t.replace(/[^0-9*#]/g, '');
}

/**
 * An address for a PDU built from scratch: a phone number gets `/TYPE=PLMN` (separators
 * removed), an email address stays bare (OMA-TS-MMS_ENC §8: RFC 2822 addresses carry no
 * suffix), an address that already has a suffix is kept as written.
 */
export function toAddress(input: string | MmsAddress): MmsAddress {
  if (typeof input !== 'string') return input;
  const s = input.trim();
  if (SUFFIX.test(s)) return parseAddress(s);
  if (s.includes('@')) return { raw: s, value: s, type: 'email' };
  if (/^\+?[0-9 ()\-.*#]+$/.test(s)) {
    const number = normalizeNumber(s);
    return { raw: `${number}/TYPE=PLMN`, value: number, type: 'PLMN', number };
  }
  return parseAddress(s);
}

/** The wire text of an address: its raw text while it still says the same, else composed anew. */
export function formatAddress(a: MmsAddress): string {
  const p = parseAddress(a.raw);
  if (p.value === a.value && p.type === a.type) return a.raw;
  if (a.type === 'email' && !SUFFIX.test(a.raw)) return a.value;
  const name = a.type === 'other' ? (a.typeName ?? 'other') : a.type;
  return `${a.value}/TYPE=${name}`;
}
