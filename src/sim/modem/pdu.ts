/**
 * The little PDU knowledge a modem itself needs: the length it prints in +CMT/+CMGR and checks
 * in AT+CMGS (the TPDU's octets, without the SMSC address; 27.005 §3.1 <length>), and the
 * message class from TP-DCS that decides +CNMI routing (3GPP 23.038 §4, 27.005 §3.4.1).
 */

/** Bytes of a PDU hex string, or undefined when it is not whole octets of hex. */
export function pduBytes(hex: string): Buffer | undefined {
  if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(hex)) return undefined;
  return Buffer.from(hex, 'hex');
}

/** TPDU length in octets: everything after the SMSC address field (27.005 §3.1 <length>). */
export function tpduLength(hex: string): number | undefined {
  const b = pduBytes(hex);
  if (b === undefined) return undefined;
  const smsc = b[0] ?? 0;
  const n = b.length - 1 - smsc;
  return n > 0 ? n : undefined;
}

/** Message class 0–3 of an SMS-DELIVER from its TP-DCS, or undefined when it has none. */
export function deliverClass(hex: string): number | undefined {
  const b = pduBytes(hex);
  if (b === undefined) return undefined;
  let p = 1 + (b[0] ?? 0);
  p += 1; // first octet (TP-MTI, TP-MMS, TP-UDHI, …)
  const oaDigits = b[p];
  if (oaDigits === undefined) return undefined;
  p += 2 + Math.ceil(oaDigits / 2); // length, type of address, semi-octets
  p += 1; // TP-PID
  const dcs = b[p];
  if (dcs === undefined) return undefined;
  const group = dcs >> 4;
  // 23.038 §4: general data coding (00xx, 01xx) has a class when bit 4 is set; 1111 always has one.
  if ((group & 0b1100) === 0b0000 || (group & 0b1100) === 0b0100) return dcs & 0x10 ? dcs & 0x03 : undefined;
  if (group === 0b1111) return dcs & 0x03;
  return undefined;
}
