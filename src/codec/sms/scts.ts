/**
 * TP-SCTS / TP-DT / absolute TP-VP: seven swapped semi-octet octets, 3GPP 23.040 §9.2.3.11.
 * The instant itself is read by node-pdu (decode.ts); this module validates the digits (node-pdu
 * turns a non-decimal semi-octet into 0 without complaint), reads the time zone (node-pdu
 * replaces a zero offset with the local zone of the machine), and encodes.
 */
import { MmsgwError } from '../../util/errors.js';
import { SMS_ENCODE, type Reader } from './reader.js';
import type { SmsTimestamp } from './types.js';

function swappedBcd(b: number): number {
  return (b & 0x0f) * 10 + (b >> 4);
}

/** Validates the 7 octets at the cursor and returns the sender's offset in minutes. */
export function readTimestampFields(r: Reader, field: string): { readonly octets: Uint8Array; readonly offsetMinutes: number; readonly date: Date } {
  const start = r.pos;
  const o = r.take(7, field);
  const limits = [99, 12, 31, 23, 59, 59];
  const values: number[] = [];
  for (let i = 0; i < 6; i++) {
    const b = o[i] as number;
    if ((b & 0x0f) > 9 || b >> 4 > 9) r.fail(field, `semi-octet 0x${b.toString(16)} is not a decimal digit`, start + i);
    const v = swappedBcd(b);
    if (v > (limits[i] as number) || ((i === 1 || i === 2) && v === 0)) r.fail(field, `value ${v} out of range`, start + i);
    values.push(v);
  }
  const tz = o[6] as number;
  if ((tz & 0x07) > 9 || tz >> 4 > 9) r.fail(field, 'time zone is not decimal', start + 6);
  const quarters = (tz & 0x07) * 10 + (tz >> 4);
  const offsetMinutes = quarters === 0 ? 0 : (tz & 0x08 ? -1 : 1) * quarters * 15;
  const [yy, mo, dd, hh, mi, ss] = values as [number, number, number, number, number, number];
  const year = yy > 70 ? 1900 + yy : 2000 + yy;
  const date = new Date(Date.UTC(year, mo - 1, dd, hh, mi, ss) - offsetMinutes * 60_000);
  return { octets: o, offsetMinutes, date };
}

export function timestamp(date: Date, offsetMinutes: number): SmsTimestamp {
  return { date, offsetMinutes };
}

function bcdSwapped(v: number): number {
  return ((v % 10) << 4) | Math.floor(v / 10) % 10;
}

/** Encodes an instant as seen in the given zone (offset a multiple of 15 minutes). */
export function encodeTimestamp(date: Date, offsetMinutes = 0): number[] {
  if (!Number.isInteger(offsetMinutes) || offsetMinutes % 15 !== 0 || Math.abs(offsetMinutes) > 79 * 15) {
    throw new MmsgwError(SMS_ENCODE, `time zone offset ${offsetMinutes} min is not a multiple of 15 within ±19:45`);
  }
  if (!Number.isFinite(date.getTime())) throw new MmsgwError(SMS_ENCODE, 'invalid date');
  const local = new Date(date.getTime() + offsetMinutes * 60_000);
  const fields = [local.getUTCFullYear() % 100, local.getUTCMonth() + 1, local.getUTCDate(), local.getUTCHours(), local.getUTCMinutes(), local.getUTCSeconds()];
  const q = Math.abs(offsetMinutes) / 15;
  const tz = bcdSwapped(q) | (offsetMinutes < 0 ? 0x08 : 0);
  return [...fields.map(bcdSwapped), tz];
}
