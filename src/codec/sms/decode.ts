/**
 * decodeSmsPdu: a PDU-mode line (3GPP 27.005 §3.1: optional SMSC address, then the TPDU) →
 * SMS-DELIVER, SMS-SUBMIT or SMS-STATUS-REPORT (3GPP 23.040 §9.2.2).
 *
 * Our walker reads every field with bounds checks first, so a truncated or malformed PDU is a
 * DecodeError naming the field and the octet offset (node-pdu parses a truncated PDU without
 * error). node-pdu then parses the validated PDU and supplies the fields it gets right: the
 * instants of TP-SCTS and TP-DT, anchored by TP-PID (SMS-DELIVER) or TP-MR and TP-ST
 * (SMS-STATUS-REPORT) read identically by both parsers. node-pdu throws on the reserved
 * alphabet of TP-DCS, which 3GPP 23.038 §4 says to read as GSM 7-bit; for such a PDU, and
 * should the anchors ever disagree, our own reading of the validated octets stands, so a
 * well-formed message is never refused for node-pdu's sake. Addresses, TP-DCS, the user data
 * header and the user data are our own (see the comment at the top of each module for node-pdu's defect).
 */
import { createRequire } from 'node:module';
import type * as NodePdu from 'node-pdu';
import { DecodeError } from '../../util/errors.js';
import { err, ok, type Result } from '../../util/result.js';
import { readSmscAddress, readTpAddress } from './address.js';
import { decodeDcs } from './dcs.js';
import { Reader, SMS_INVALID, bytesToHex, hexToBytes, withoutRecordPadding } from './reader.js';
import { readTimestampFields, timestamp } from './scts.js';
import { deliveryStatus } from './status.js';
import { readUserData } from './userdata.js';
import type { DecodeOptions, SmsAddress, SmsDeliver, SmsStatusReport, SmsSubmit, SmsTpdu, ValidityPeriod } from './types.js';

/** What node-pdu is trusted for, read from its parse of an already validated PDU. */
interface NodePduFields {
  readonly pid?: number;
  readonly sctsMs?: number;
  readonly dischargeMs?: number;
  readonly reference?: number;
  readonly status?: number;
}

let nodePdu: typeof NodePdu | undefined;

function nodePduFields(hexWithSmsc: string): NodePduFields {
  // Loaded with the first SMS decoded, not when the gateway starts (its CommonJS build: one file).
  nodePdu ??= createRequire(import.meta.url)('node-pdu') as typeof NodePdu;
  const p = nodePdu.parse(hexWithSmsc);
  if ('serviceCenterTimeStamp' in p) {
    return { pid: p.protocolIdentifier.getValue(), sctsMs: p.serviceCenterTimeStamp.time * 1000 };
  }
  if ('discharge' in p) {
    return { sctsMs: p.dateTime.time * 1000, dischargeMs: p.discharge.time * 1000, reference: p.reference, status: p.status };
  }
  return {};
}

function readDeliver(r: Reader, fo: number, smsc: SmsAddress | undefined): SmsDeliver {
  const originator = readTpAddress(r, 'TP-OA');
  const pid = r.u8('TP-PID');
  const dcs = decodeDcs(r.u8('TP-DCS'));
  const scts = readTimestampFields(r, 'TP-SCTS');
  const ud = readUserData(r, dcs, (fo & 0x40) !== 0);
  return {
    type: 'deliver',
    ...(smsc ? { smsc } : {}),
    originator,
    pid,
    dcs,
    scts: timestamp(scts.date, scts.offsetMinutes),
    // §9.2.3.2 TP-MMS: 0 means more messages are waiting in the SC.
    moreMessagesToSend: (fo & 0x04) === 0,
    replyPath: (fo & 0x80) !== 0,
    statusReportIndication: (fo & 0x20) !== 0,
    ...ud,
  };
}

/** §9.2.3.12: relative TP-VP → seconds. */
export function relativeValiditySeconds(v: number): number {
  if (v <= 143) return (v + 1) * 5 * 60;
  if (v <= 167) return 12 * 3600 + (v - 143) * 30 * 60;
  if (v <= 196) return (v - 166) * 86400;
  return (v - 192) * 7 * 86400;
}

function readSubmit(r: Reader, fo: number, smsc: SmsAddress | undefined): SmsSubmit {
  const messageReference = r.u8('TP-MR');
  const destination = readTpAddress(r, 'TP-DA');
  const pid = r.u8('TP-PID');
  const dcs = decodeDcs(r.u8('TP-DCS'));
  let validity: ValidityPeriod | undefined;
  switch ((fo >> 3) & 0x03) {
    case 2:
      validity = { format: 'relative', seconds: relativeValiditySeconds(r.u8('TP-VP')) };
      break;
    case 3: {
      const t = readTimestampFields(r, 'TP-VP');
      validity = { format: 'absolute', date: t.date, offsetMinutes: t.offsetMinutes };
      break;
    }
    case 1:
      // §9.2.3.12.3 enhanced format: seven octets kept as they are.
      validity = { format: 'enhanced', raw: r.take(7, 'TP-VP').slice() };
      break;
    default:
      break;
  }
  const ud = readUserData(r, dcs, (fo & 0x40) !== 0);
  return {
    type: 'submit',
    ...(smsc ? { smsc } : {}),
    messageReference,
    destination,
    pid,
    dcs,
    ...(validity ? { validity } : {}),
    rejectDuplicates: (fo & 0x04) !== 0,
    statusReportRequest: (fo & 0x20) !== 0,
    replyPath: (fo & 0x80) !== 0,
    ...ud,
  };
}

function readStatusReport(r: Reader, fo: number, smsc: SmsAddress | undefined): SmsStatusReport {
  const messageReference = r.u8('TP-MR');
  const recipient = readTpAddress(r, 'TP-RA');
  const scts = readTimestampFields(r, 'TP-SCTS');
  const dt = readTimestampFields(r, 'TP-DT');
  const st = r.u8('TP-ST');
  // TP-PI and the optional TP-PID/TP-DCS/TP-UD after it (§9.2.2.3) carry nothing the gateway uses.
  return {
    type: 'status-report',
    ...(smsc ? { smsc } : {}),
    messageReference,
    recipient,
    scts: timestamp(scts.date, scts.offsetMinutes),
    dischargeTime: timestamp(dt.date, dt.offsetMinutes),
    status: deliveryStatus(st),
    forCommand: (fo & 0x20) !== 0,
  };
}

/** Takes node-pdu's instants when its reading is anchored to the same octets as ours. */
function withNodePdu(t: SmsDeliver | SmsStatusReport, np: NodePduFields): SmsTpdu {
  if (t.type === 'deliver') {
    if (np.pid !== t.pid || np.sctsMs === undefined) return t;
    return { ...t, scts: timestamp(new Date(np.sctsMs), t.scts.offsetMinutes) };
  }
  if (np.reference !== t.messageReference || np.status !== t.status.raw || np.sctsMs === undefined || np.dischargeMs === undefined) return t;
  return {
    ...t,
    scts: timestamp(new Date(np.sctsMs), t.scts.offsetMinutes),
    dischargeTime: timestamp(new Date(np.dischargeMs), t.dischargeTime.offsetMinutes),
  };
}

/** The TPDU, and how many octets of the input it used (TP-UDL's worth; the rest was warned about). */
function walk(bytes: Uint8Array, smscPresent: boolean): { tpdu: SmsTpdu; consumed: number } {
  const r = new Reader(bytes);
  const smsc = smscPresent ? readSmscAddress(r) : undefined;
  const foAt = r.pos;
  const fo = r.u8('TP-MTI');
  switch (fo & 0x03) {
    case 0:
      return { tpdu: readDeliver(r, fo, smsc), consumed: r.pos };
    case 1:
      return { tpdu: readSubmit(r, fo, smsc), consumed: r.pos };
    case 2:
      // The optional fields after TP-ST are not read: node-pdu sees the whole report.
      return { tpdu: readStatusReport(r, fo, smsc), consumed: bytes.length };
    default:
      return r.fail('TP-MTI', 'message type indicator 3 is reserved', foAt);
  }
}

/**
 * Decodes one PDU as printed by AT+CMGR / +CMT / +CMGL / +CDS in PDU mode. Offsets in errors are
 * octets from the start of the hex given (the SMSC octets included when present).
 */
export function decodeSmsPdu(hex: string, opts?: DecodeOptions): Result<SmsTpdu, DecodeError> {
  const smscPresent = opts?.smscPresent ?? true;
  try {
    const bytes = hexToBytes(withoutRecordPadding(hex.trim()));
    if (bytes instanceof DecodeError) return err(bytes);
    // Structure first, with our own bounds checks: node-pdu only ever sees a well-formed PDU.
    const { tpdu: mine, consumed } = walk(bytes, smscPresent);
    if (mine.type === 'submit') return ok(mine);
    let np: NodePduFields;
    try {
      // node-pdu sees the PDU without what lies beyond TP-UDL (a warning of ours).
      np = nodePduFields(bytesToHex(smscPresent ? bytes.subarray(0, consumed) : Uint8Array.from([0, ...bytes.subarray(0, consumed)])));
    } catch {
      // Reserved TP-DCS alphabet (see above): our own reading of the validated octets stands.
      return ok(mine);
    }
    return ok(withNodePdu(mine, np));
  } catch (e) {
    if (e instanceof DecodeError) return err(e);
    return err(new DecodeError(SMS_INVALID, 'PDU', 0, 'unexpected decoder failure', { cause: e }));
  }
}
