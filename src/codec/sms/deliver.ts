/**
 * SMS-DELIVER (3GPP 23.040 §9.2.2.1) and SMS-STATUS-REPORT (§9.2.2.3) encoders, as an SMSC
 * would send them; used by the modem and MMSC simulators. Own code rather than node-pdu's
 * Deliver/Report: node-pdu shares the splitting defects of its Submit (see segment.ts) and has
 * no encoder for status reports.
 */
import { MmsgwError } from '../../util/errors.js';
import { smscBytes, tpAddressBytes } from './address.js';
import { WAP_PUSH_PORT, WAP_PUSH_SOURCE_PORT } from './classify.js';
import { userDataParts } from './outgoing.js';
import { SMS_ENCODE, bytesToHex } from './reader.js';
import { encodeTimestamp } from './scts.js';
import type { DeliverOptions, DeliverPdu, EncodedPdu, StatusReportOptions } from './types.js';

export function encodeDeliver(opts: DeliverOptions): DeliverPdu[] {
  const smsc = smscBytes(opts.smsc);
  const oa = tpAddressBytes(opts.from, 'from', true);
  const scts = encodeTimestamp(opts.scts ?? new Date(), opts.sctsOffsetMinutes ?? 0);
  const parts = userDataParts(opts);
  return parts.map((p) => {
    // §9.2.2.1 first octet: TP-MTI=00, TP-MMS=1 (no more messages), TP-SRI (bit 5), TP-UDHI (bit 6).
    const fo = 0x04 | (opts.statusReportIndication ? 0x20 : 0) | (p.udhi ? 0x40 : 0);
    const tpdu = [fo, ...oa, (opts.pid ?? 0) & 0xff, p.dcs, ...scts, p.udl, ...p.ud];
    return { hex: bytesToHex(Uint8Array.from([...smsc, ...tpdu])), tpduLength: tpdu.length };
  });
}

/**
 * A WAP Push (a connectionless WSP push PDU, WAP-230-WSP §8.2.4.1) as carriers send it:
 * 8-bit data to port 2948 from port 9200 (WAP-259-WDP), split with a concatenation header.
 */
export function encodeWapPushDeliver(
  from: string,
  wsp: Uint8Array,
  opts: { readonly reference?: number; readonly referenceBits?: 8 | 16; readonly smsc?: string; readonly scts?: Date } = {},
): DeliverPdu[] {
  return encodeDeliver({ ...opts, from, data: wsp, port: { dst: WAP_PUSH_PORT, src: WAP_PUSH_SOURCE_PORT } });
}

export function encodeStatusReport(opts: StatusReportOptions): EncodedPdu {
  if (!Number.isInteger(opts.status) || opts.status < 0 || opts.status > 0xff) throw new MmsgwError(SMS_ENCODE, `TP-ST ${opts.status} is not an octet`);
  const smsc = smscBytes(opts.smsc);
  const ra = tpAddressBytes(opts.recipient, 'recipient');
  const off = opts.offsetMinutes ?? 0;
  // §9.2.2.3 first octet: TP-MTI=10, TP-MMS=1; TP-SRQ=0 (the report answers an SMS-SUBMIT).
  const tpdu = [0x06, opts.messageReference & 0xff, ...ra, ...encodeTimestamp(opts.scts, off), ...encodeTimestamp(opts.dischargeTime, off), opts.status];
  return { hex: bytesToHex(Uint8Array.from([...smsc, ...tpdu])), tpduLength: tpdu.length };
}
