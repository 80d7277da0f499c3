/**
 * TP-UDL / TP-UD with its header, 3GPP 23.040 §9.2.3.16 and §9.2.3.24. Own code rather than
 * node-pdu's Data: node-pdu accepts a TP-UDL larger than the PDU (a truncated PDU parses
 * without error) and decodes through its 7-bit tables that turn '§' and form feed into '`'.
 */
import { septetsToText, tables, unpackSeptets } from './gsm7.js';
import type { Reader } from './reader.js';
import { concatOf, languagesOf, portsOf, readUdh } from './udh.js';
import type { ConcatInfo, DataCodingScheme, PortPair, RawUserData, UdhElement } from './types.js';

/** §9.2.3.16: at most 140 octets of user data, i.e. 160 septets. */
export const MAX_UD_OCTETS = 140;
export const MAX_UD_SEPTETS = 160;

export interface DecodedUserData {
  readonly udh: UdhElement[];
  readonly userData: RawUserData;
  readonly concat?: ConcatInfo;
  readonly ports?: PortPair;
  readonly text?: string;
  /** What was accepted although the PDU is not as 23.040 says (see `excessWarning`). */
  readonly warnings?: readonly string[];
}

/**
 * Octets after TP-UDL's worth of user data. 23.040 §9.2.3.16 says TP-UDL gives the length, so
 * what follows is not part of the message: real carriers send a few octets more than TP-UDL
 * counts, and SIM records (3GPP 31.102 §4.2.25, EF_SMS: 176 octets) are padded with 0xFF after
 * the TPDU, which some modems print with it. Both decode TP-UDL's worth with a warning.
 */
function excessWarning(extra: Uint8Array): string {
  const padding = extra.every((b) => b === 0xff);
  return padding
    ? `TP-UD: ${extra.length} octet(s) of 0xFF padding after TP-UDL ignored (3GPP 31.102 §4.2.25)`
    : `TP-UD: ${extra.length} octet(s) beyond TP-UDL ignored (3GPP 23.040 §9.2.3.16)`;
}

/** UTF-16BE code units → string; lone surrogates are kept so parts can be joined later. */
export function ucs2ToText(octets: Uint8Array): string {
  let out = '';
  for (let i = 0; i + 1 < octets.length; i += 2) out += String.fromCharCode(((octets[i] as number) << 8) | (octets[i + 1] as number));
  if (octets.length % 2 === 1) out += '\ufffd';
  return out;
}

/** Text of raw user data under the given header (language tables) and DCS. */
export function userDataText(ud: RawUserData, dcs: DataCodingScheme, udh: readonly UdhElement[]): string | undefined {
  if (dcs.compressed) return undefined;
  if (ud.unit === 'septets') {
    const lang = languagesOf(udh);
    return septetsToText(ud.data, tables(lang.locking, lang.single));
  }
  if (dcs.alphabet === 'ucs2') return ucs2ToText(ud.data);
  return undefined;
}

/** Reads TP-UDL and TP-UD at the cursor; `udhi` is the TP-UDHI bit of the first octet. */
export function readUserData(r: Reader, dcs: DataCodingScheme, udhi: boolean): DecodedUserData {
  const udlAt = r.pos;
  const udl = r.u8('TP-UDL');
  // Compressed user data is counted in octets whatever the alphabet (§9.2.3.16).
  const septetCounted = dcs.alphabet === 'gsm7' && !dcs.compressed;
  if (septetCounted && udl > MAX_UD_SEPTETS) r.fail('TP-UDL', `${udl} septets exceed the ${MAX_UD_SEPTETS} allowed`, udlAt);
  if (!septetCounted && udl > MAX_UD_OCTETS) r.fail('TP-UDL', `${udl} octets exceed the ${MAX_UD_OCTETS} allowed`, udlAt);
  const udOctets = septetCounted ? Math.ceil((udl * 7) / 8) : udl;
  r.need(udOctets, 'TP-UD');
  const warnings: string[] = [];
  if (r.remaining > udOctets) warnings.push(excessWarning(r.bytes.subarray(r.pos + udOctets)));
  const udStart = r.pos;
  let udh: UdhElement[] = [];
  let headerSize = 0;
  if (udhi) {
    if (udl === 0) r.fail('TP-UDHL', 'TP-UDHI is set but TP-UDL is 0', udlAt);
    // The header is read within TP-UDL's worth only, not into octets beyond it.
    const h = readUdh(r, udOctets);
    udh = h.elements;
    headerSize = h.size;
  }
  const body = r.bytes.subarray(udStart + headerSize, udStart + udOctets);
  r.pos = udStart + udOctets;
  let userData: RawUserData;
  if (septetCounted) {
    // §9.2.3.24: the header is followed by fill bits up to a septet boundary, and TP-UDL
    // counts the header's septets (header octets × 8 / 7, rounded up) too.
    const headerSeptets = Math.ceil((headerSize * 8) / 7);
    const fill = headerSeptets * 7 - headerSize * 8;
    const count = udl - headerSeptets;
    if (count < 0) r.fail('TP-UDL', `${udl} septets cannot hold a ${headerSize}-octet header`, udlAt);
    userData = { unit: 'septets', data: unpackSeptets(body, count, fill) };
  } else {
    userData = { unit: 'octets', data: body.slice() };
  }
  const concat = concatOf(udh);
  const ports = portsOf(udh);
  const single = concat === undefined || concat.total === 1;
  const text = single ? userDataText(userData, dcs, udh) : undefined;
  return {
    udh,
    userData,
    ...(concat ? { concat } : {}),
    ...(ports ? { ports } : {}),
    ...(text !== undefined ? { text } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}
