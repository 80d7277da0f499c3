import type { AtCommand, AtResponse } from '../at/index.js';
import type { AtRunner } from '../bearer/index.js';

/**
 * Reads SIM elementary files with +CRSM (3GPP 27.007 §8.18, READ BINARY = 176). Only what
 * setup needs to recognise an MVNO: EF_SPN (6F46, 3GPP 31.102 §4.2.12).
 */
const EF_SPN = 0x6f46;

export interface CrsmAnswer {
  readonly sw1: number;
  readonly sw2: number;
  readonly data: string;
}

export function parseCrsm(line: string): CrsmAnswer | undefined {
  const m = /^\+CRSM:\s*(\d+)\s*,\s*(\d+)\s*(?:,\s*"?([0-9A-Fa-f]*)"?)?\s*$/.exec(line.trim());
  if (!m) return undefined;
  return { sw1: Number(m[1]), sw2: Number(m[2]), data: (m[3] ?? '').toUpperCase() };
}

/**
 * The name in EF_SPN: byte 1 is the display condition, bytes 2–17 the name, in the SMS
 * default alphabet unpacked (3GPP 23.038 §6.2.1) padded with FF, or UCS2 when the first name
 * byte is 80 (ETSI TS 102 221 Annex A).
 */
export function decodeSpn(hex: string): string | undefined {
  if (!/^([0-9A-F]{2})+$/i.test(hex) || hex.length < 4) return undefined;
  const bytes = Buffer.from(hex.slice(2), 'hex');
  let name: string;
  if (bytes[0] === 0x80) {
    const body = bytes.subarray(1);
    let end = body.length - (body.length % 2);
    for (let i = 0; i + 1 < body.length; i += 2) {
      if (body[i] === 0xff && body[i + 1] === 0xff) {
        end = i;
        break;
      }
    }
    name = Buffer.from(body.subarray(0, end)).swap16().toString('utf16le');
  } else {
    const end = bytes.indexOf(0xff);
    // The printable letters, digits and punctuation of the default alphabet share ASCII's codes.
    name = [...bytes.subarray(0, end < 0 ? bytes.length : end)].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : b === 0x00 ? '@' : '?')).join('');
  }
  const t = name.trim();
  return t === '' ? undefined : t;
}

const readBinary = (fileId: number, length: number): AtCommand<CrsmAnswer | undefined> => ({
  text: `AT+CRSM=176,${fileId},0,0,${length}`,
  prefixes: ['+CRSM:'],
  timeoutMs: 5000,
  parse: (r: AtResponse) => {
    const line = r.lines.find((l) => l.startsWith('+CRSM:'));
    return line === undefined ? undefined : parseCrsm(line);
  },
});

/** The SIM's service provider name, or undefined (no EF_SPN, no +CRSM, an error). */
export async function readSpn(at: AtRunner): Promise<string | undefined> {
  try {
    const a = await at.run(readBinary(EF_SPN, 17));
    if (!a || a.sw1 !== 0x90) return undefined;
    return decodeSpn(a.data);
  } catch {
    return undefined;
  }
}
