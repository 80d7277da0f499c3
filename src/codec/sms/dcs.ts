/**
 * TP-DCS, 3GPP 23.038 §4. Own code rather than node-pdu's DCS parser: node-pdu reads the
 * alphabet of the message-waiting groups from the indication bits (group 1110 is UCS2 by
 * definition, 1101 is GSM 7-bit) and has no notion of the reserved groups.
 */
import type { DataCodingScheme, SmsAlphabet } from './types.js';

const WAITING_TYPES = ['voicemail', 'fax', 'email', 'other'] as const;

function alphabetBits(bits: number): SmsAlphabet {
  // 3GPP 23.038 §4: "11" is reserved and, like every reserved coding, read as the default alphabet.
  return bits === 1 ? '8bit' : bits === 2 ? 'ucs2' : 'gsm7';
}

export function decodeDcs(raw: number): DataCodingScheme {
  const group = raw >> 4;
  if (group < 0x8) {
    // 00xx xxxx general data coding; 01xx xxxx the same, marked for automatic deletion.
    const hasClass = (raw & 0x10) !== 0;
    return {
      raw,
      alphabet: alphabetBits((raw >> 2) & 0x03),
      compressed: (raw & 0x20) !== 0,
      group: group < 0x4 ? 'general' : 'auto-delete',
      ...(hasClass ? { messageClass: (raw & 0x03) as 0 | 1 | 2 | 3 } : {}),
    };
  }
  if (group >= 0xc && group <= 0xe) {
    // Message waiting indication groups: 1100 discard (7-bit), 1101 store (7-bit), 1110 store (UCS2).
    return {
      raw,
      alphabet: group === 0xe ? 'ucs2' : 'gsm7',
      compressed: false,
      group: group === 0xc ? 'mwi-discard' : 'mwi-store',
      waiting: { active: (raw & 0x08) !== 0, type: WAITING_TYPES[raw & 0x03] ?? 'other' },
    };
  }
  if (group === 0xf) {
    // 1111: data coding / message class; bit 2 selects 8-bit data, bits 1-0 the class.
    return { raw, alphabet: raw & 0x04 ? '8bit' : 'gsm7', compressed: false, group: 'data-class', messageClass: (raw & 0x03) as 0 | 1 | 2 | 3 };
  }
  return { raw, alphabet: 'gsm7', compressed: false, group: 'reserved' };
}

/** A general-group DCS for an outgoing message (3GPP 23.038 §4, 00xx xxxx). */
export function encodeDcs(alphabet: SmsAlphabet, messageClass?: 0 | 1 | 2 | 3): number {
  const a = alphabet === 'gsm7' ? 0 : alphabet === '8bit' ? 0x04 : 0x08;
  return messageClass === undefined ? a : 0x10 | a | messageClass;
}
