/**
 * encodeSubmit: SMS-SUBMIT TPDUs (3GPP 23.040 §9.2.2.2) in PDU mode for AT+CMGS (27.005 §3.5.1).
 *
 * Own encoder rather than node-pdu's Submit: besides the splitting defects listed in
 * segment.ts, node-pdu writes TP-VPF into the first octet only while producing the TP-VP field,
 * which comes after the first octet in its output, so the first PDU of a Submit carries a wrong
 * first octet.
 */
import { MmsgwError } from '../../util/errors.js';
import { smscBytes, tpAddressBytes } from './address.js';
import { SMS_ENCODE, bytesToHex } from './reader.js';
import { encodeTimestamp } from './scts.js';
import { userDataParts } from './outgoing.js';
import type { SubmitOptions, SubmitPdu } from './types.js';

/** §9.2.3.12.1: seconds → relative TP-VP, rounded up so the message lives at least as long as asked. */
export function relativeValidityOctet(seconds: number): number {
  if (!(seconds > 0)) throw new MmsgwError(SMS_ENCODE, `validity ${seconds} s must be positive`);
  const minutes = seconds / 60;
  if (minutes <= 12 * 60) return Math.max(0, Math.ceil(minutes / 5) - 1);
  if (minutes <= 24 * 60) return 143 + Math.ceil((minutes - 720) / 30);
  const days = minutes / 1440;
  if (days <= 30) return 166 + Math.ceil(days);
  return Math.min(255, 192 + Math.ceil(days / 7));
}

function validityField(v: SubmitOptions['validity']): { vpf: number; octets: number[] } {
  if (v === undefined) return { vpf: 0, octets: [] };
  if (typeof v === 'number') return { vpf: 2, octets: [relativeValidityOctet(v)] };
  return { vpf: 3, octets: encodeTimestamp(v.until, v.offsetMinutes ?? 0) };
}

export function encodeSubmit(opts: SubmitOptions): SubmitPdu[] {
  const smsc = smscBytes(opts.smsc);
  const da = tpAddressBytes(opts.to, 'to');
  const vp = validityField(opts.validity);
  const pid = opts.pid ?? 0;
  const mr0 = opts.messageReference ?? 0;
  const parts = userDataParts(opts);
  return parts.map((p, i) => {
    // §9.2.2.2 first octet: TP-MTI=01, TP-RD (bit 2), TP-VPF (bits 4-3), TP-SRR (bit 5), TP-UDHI (bit 6).
    const fo = 0x01 | (opts.rejectDuplicates ? 0x04 : 0) | (vp.vpf << 3) | (opts.statusReport ? 0x20 : 0) | (p.udhi ? 0x40 : 0);
    const tpdu = [fo, (mr0 + i) & 0xff, ...da, pid & 0xff, p.dcs, ...vp.octets, p.udl, ...p.ud];
    return { hex: bytesToHex(Uint8Array.from([...smsc, ...tpdu])), tpduLength: tpdu.length };
  });
}
