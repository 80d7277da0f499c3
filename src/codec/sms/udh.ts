/**
 * User data header, 3GPP 23.040 §9.2.3.24. Own code rather than node-pdu's Header: node-pdu
 * keeps application port elements (IEI 0x04/0x05) private, knows no language shift elements,
 * and reads past the end of the header without noticing.
 */
import { languageById, LANGUAGE_IDS } from './gsm7.js';
import type { Reader } from './reader.js';
import type { ConcatInfo, NationalLanguage, PortPair, UdhElement } from './types.js';

export const IEI_CONCAT_8 = 0x00;
export const IEI_PORT_8 = 0x04;
export const IEI_PORT_16 = 0x05;
export const IEI_CONCAT_16 = 0x08;
export const IEI_SINGLE_SHIFT = 0x24;
export const IEI_LOCKING_SHIFT = 0x25;

function element(iei: number, d: Uint8Array): UdhElement {
  const raw: UdhElement = { kind: 'raw', iei, data: d.slice() };
  switch (iei) {
    case IEI_CONCAT_8:
    case IEI_CONCAT_16: {
      // §9.2.3.24.1 / §9.2.3.24.8: a zero total, a zero sequence number or one beyond the
      // total makes the receiver ignore the element; it is kept raw so nothing joins on it.
      const wide = iei === IEI_CONCAT_16;
      if (d.length !== (wide ? 4 : 3)) return raw;
      const ref = wide ? ((d[0] as number) << 8) | (d[1] as number) : (d[0] as number);
      const total = d[wide ? 2 : 1] as number;
      const seq = d[wide ? 3 : 2] as number;
      if (total === 0 || seq === 0 || seq > total) return raw;
      return { kind: 'concat', iei, refBits: wide ? 16 : 8, ref, total, seq };
    }
    case IEI_PORT_8:
      // §9.2.3.24.3: 8-bit destination then source port.
      if (d.length !== 2) return raw;
      return { kind: 'port', iei, portBits: 8, dst: d[0] as number, src: d[1] as number };
    case IEI_PORT_16:
      // §9.2.3.24.4: 16-bit destination then source port.
      if (d.length !== 4) return raw;
      return { kind: 'port', iei, portBits: 16, dst: ((d[0] as number) << 8) | (d[1] as number), src: ((d[2] as number) << 8) | (d[3] as number) };
    case IEI_SINGLE_SHIFT:
    case IEI_LOCKING_SHIFT: {
      // §9.2.3.24.15 / .16: one octet, the national language identifier of 23.038 §6.2.1.2.4.
      if (d.length !== 1) return raw;
      const language = languageById(d[0] as number);
      return {
        kind: 'language',
        iei,
        shift: iei === IEI_SINGLE_SHIFT ? 'single' : 'locking',
        languageId: d[0] as number,
        ...(language ? { language } : {}),
      };
    }
    default:
      return raw;
  }
}

/**
 * Reads UDHL and the elements. The cursor is on UDHL; `available` is the number of octets of
 * TP-UD left in the PDU. Returns the elements and the header's total size (UDHL octet included).
 */
export function readUdh(r: Reader, available: number): { readonly elements: UdhElement[]; readonly size: number } {
  const start = r.pos;
  const udhl = r.u8('TP-UDHL');
  if (udhl + 1 > available) r.fail('TP-UDHL', `header of ${udhl} octets does not fit the ${available} octets of user data`, start);
  const end = r.pos + udhl;
  const elements: UdhElement[] = [];
  while (r.pos < end) {
    const at = r.pos;
    const iei = r.u8('UDH IEI');
    if (r.pos >= end) r.fail('UDH IEDL', 'element length runs past the header', at + 1);
    const len = r.u8('UDH IEDL');
    if (r.pos + len > end) r.fail('UDH IED', `element 0x${iei.toString(16)} of ${len} octets runs past the header`, at);
    elements.push(element(iei, r.take(len, 'UDH IED')));
  }
  return { elements, size: udhl + 1 };
}

/** §9.2.3.24: a repeated non-repeatable element counts by its last occurrence. */
export function concatOf(elements: readonly UdhElement[]): ConcatInfo | undefined {
  let found: ConcatInfo | undefined;
  for (const e of elements) if (e.kind === 'concat') found = { ref: e.ref, refBits: e.refBits, total: e.total, seq: e.seq };
  return found;
}

export function portsOf(elements: readonly UdhElement[]): PortPair | undefined {
  let found: PortPair | undefined;
  for (const e of elements) if (e.kind === 'port') found = { dst: e.dst, src: e.src };
  return found;
}

export function languagesOf(elements: readonly UdhElement[]): { locking?: NationalLanguage; single?: NationalLanguage } {
  const out: { locking?: NationalLanguage; single?: NationalLanguage } = {};
  for (const e of elements) {
    if (e.kind !== 'language' || !e.language) continue;
    if (e.shift === 'locking') out.locking = e.language;
    else out.single = e.language;
  }
  return out;
}

/** Header element octets for an outgoing part (IEI, IEDL, IED). */
export interface HeaderSpec {
  readonly concat?: { readonly ref: number; readonly refBits: 8 | 16; readonly total: number; readonly seq: number };
  readonly port?: { readonly dst: number; readonly src: number };
  readonly locking?: NationalLanguage;
  readonly single?: NationalLanguage;
}

/** The UDH octets (UDHL included), or an empty array when nothing is needed. */
export function buildUdh(spec: HeaderSpec): number[] {
  const ie: number[] = [];
  if (spec.concat) {
    const c = spec.concat;
    if (c.refBits === 16) ie.push(IEI_CONCAT_16, 4, (c.ref >> 8) & 0xff, c.ref & 0xff, c.total, c.seq);
    else ie.push(IEI_CONCAT_8, 3, c.ref & 0xff, c.total, c.seq);
  }
  if (spec.port) {
    const { dst, src } = spec.port;
    if (dst < 256 && src < 256) ie.push(IEI_PORT_8, 2, dst, src);
    else ie.push(IEI_PORT_16, 4, dst >> 8, dst & 0xff, src >> 8, src & 0xff);
  }
  if (spec.single) ie.push(IEI_SINGLE_SHIFT, 1, LANGUAGE_IDS[spec.single]);
  if (spec.locking) ie.push(IEI_LOCKING_SHIFT, 1, LANGUAGE_IDS[spec.locking]);
  return ie.length === 0 ? [] : [ie.length, ...ie];
}

/** Size in octets of the UDH `buildUdh` would produce, without building it. */
export function udhSize(spec: HeaderSpec): number {
  return buildUdh(spec).length;
}
