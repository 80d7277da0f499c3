/**
 * `mmsgw decode FILE [--json] [--no-smsc]`: decodes a raw MMS PDU, a connectionless WAP Push PDU,
 * or SMS PDUs in hex (one per line, as printed by AT+CMGR/+CMT; concatenated parts are joined).
 * A push that carries an MMS shows both layers. Bad input exits 1 with the field and offset.
 */
import { readFileSync } from 'node:fs';
import type { DecodeError } from '../../util/errors.js';
import type { Result } from '../../util/result.js';
import { decodeMms } from '../../codec/mms/index.js';
import { describeMms, describePush, viewToText, type JsonValue } from '../../codec/mms/view.js';
import { decodePush, isMmsPush } from '../../codec/wsp/index.js';
import { classifyDeliver, decodeSmsPdu, reassemble } from '../../codec/sms/index.js';
import type { SmsDeliver, StoredSegment } from '../../codec/sms/index.js';
import type { CliCommand } from '../registry.js';

type View = { [k: string]: JsonValue };

const USAGE = `usage: mmsgw decode FILE [--json] [--no-smsc]

FILE holds one of:
  a raw MMS PDU (binary, starts with 0x8C)
  a connectionless WAP Push PDU (binary: TID, 0x06/0x07, headers, body)
  an MMS or WAP Push PDU written out as hex (spaces and line breaks allowed)
  SMS PDUs in hex, one per line (with the SMSC prefix unless --no-smsc)

What was decoded although the input is not as the specifications say is listed
under "warnings" (per layer, and all of them at the top level with --json).

--json     print JSON instead of text
--no-smsc  the hex PDUs have no SMSC address prefix`;

/** Text that is not hex where hex was expected: where, for the user to find it. */
class HexSyntax extends Error {}

class Failure extends Error {
  constructor(readonly error: DecodeError, readonly layer: string) {
    super(error.message);
  }
}

function must<T>(r: Result<T, DecodeError>, layer: string): T {
  if (r.ok) return r.value;
  throw new Failure(r.error, layer);
}

/**
 * Printable ASCII and line breaks only: a hex file (perhaps with a typo), never a binary PDU,
 * whose first octets (0x8C, or a push's TID and 0x06/0x07 type) are not all printable text.
 */
function isText(b: Uint8Array): boolean {
  if (b.length === 0) return false;
  for (const x of b) if (!(x === 0x09 || x === 0x0a || x === 0x0d || (x >= 0x20 && x <= 0x7e))) return false;
  return true;
}

/** Throws HexSyntax naming the line and column (1-based) of the first character that is not hex or blank. */
function checkHex(text: string): void {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const col = (lines[i] as string).search(/[^0-9a-fA-F \t\r]/);
    if (col >= 0) {
      const ch = (lines[i] as string)[col] as string;
      throw new HexSyntax(`line ${i + 1}, column ${col + 1}: ${JSON.stringify(ch)} is not a hex digit`);
    }
  }
  if (!/[0-9a-fA-F]/.test(text)) throw new HexSyntax('no hex digits');
}

/** Decodes an MMS PDU, or a push (with its MMS when it carries one). */
function decodeBinary(bytes: Uint8Array): View {
  // A push has its PDU type in the second octet (WAP-230-WSP §8.2.4.1); anything else is read as MMS.
  if (bytes[0] !== 0x8c && (bytes[1] === 0x06 || bytes[1] === 0x07)) return decodePushView(bytes);
  return { format: 'mms', ...describeMms(must(decodeMms(bytes), 'MMS'), bytes) };
}

function decodePushView(bytes: Uint8Array): View {
  const push = must(decodePush(bytes), 'WAP Push');
  const out: View = { format: 'wap-push', push: describePush(push) };
  if (isMmsPush(push) && push.body.length > 0) out.mms = describeMms(must(decodeMms(push.body), 'MMS in WAP Push'), push.body);
  return out;
}

/** Every layer's warnings, prefixed by the layer, for the top level of the view. */
function allWarnings(view: View): string[] {
  const out: string[] = [];
  const from = (prefix: string, v: JsonValue | undefined): void => {
    const w = v !== null && typeof v === 'object' && !Array.isArray(v) ? v.warnings : undefined;
    if (Array.isArray(w)) for (const x of w) out.push(`${prefix}: ${String(x)}`);
  };
  if (view.format === 'mms') from('MMS', view);
  from('WAP Push', view.push);
  from('MMS', view.mms);
  for (const m of (view.messages as View[] | undefined) ?? []) {
    from('SMS', m);
    from('WAP Push', m.push);
    from('MMS', m.mms);
  }
  return out;
}

function decodeSms(text: string, smscPresent: boolean): View {
  // One PDU per line, blanks inside a line allowed (hex dumps); numbered as in the file.
  const lines = text.split(/\r?\n/).map((l, i) => ({ line: i + 1, hex: l.replace(/\s+/g, '') })).filter((l) => l.hex !== '');
  const segments: StoredSegment[] = [];
  const others: View[] = [];
  for (const { line, hex } of lines) {
    const r = decodeSmsPdu(hex, { smscPresent });
    const tpdu = must(r, `SMS line ${line}`);
    if (tpdu.type === 'deliver') segments.push({ id: String(line).padStart(6, '0'), deliver: tpdu as SmsDeliver, receivedAt: new Date(0) });
    else others.push({ line, type: tpdu.type, ...(tpdu.type === 'status-report' ? { status: tpdu.status.description, recipient: tpdu.recipient.number } : {}) });
  }
  const { messages, waiting } = reassemble(segments, { now: new Date(0), timeoutMs: Number.MAX_SAFE_INTEGER });
  const out: View = { format: 'sms', messages: [] };
  const list = out.messages as JsonValue[];
  for (const m of messages) {
    const c = classifyDeliver(m);
    const v: View = { from: m.originator.number, segments: m.segmentIds.length, total: m.total, kind: c.kind };
    if (m.incomplete) v.missing = [...m.missing];
    if (m.warnings && m.warnings.length > 0) v.warnings = [...m.warnings];
    if (c.kind === 'text') v.text = c.text;
    if (c.kind === 'wap-push' || c.kind === 'unsupported-push') {
      const p = decodePushView(c.payload);
      v.push = p.push as JsonValue;
      if (p.mms) v.mms = p.mms;
    }
    if (c.kind === 'binary') v.size = c.payload.length;
    list.push(v);
  }
  for (const w of waiting) list.push({ waiting: w.key, received: [...w.received], missing: [...w.missing] });
  if (others.length > 0) out.other = others;
  return out;
}

function render(view: View): string {
  const lines: string[] = [];
  const section = (title: string, v: JsonValue | undefined): void => {
    if (v === undefined || typeof v !== 'object' || v === null || Array.isArray(v)) return;
    lines.push(title, ...viewToText(v));
  };
  if (view.format === 'mms') {
    const { format: _f, ...rest } = view;
    section(`MMS ${String(view.messageType)}`, rest);
  } else if (view.format === 'wap-push') {
    section('WAP Push (WAP-230-WSP §8.2.4.1)', view.push);
    section(`MMS ${String((view.mms as View | undefined)?.messageType)}`, view.mms);
  } else {
    for (const m of (view.messages as View[] | undefined) ?? []) {
      const { push, mms, ...sms } = m;
      section('SMS', sms);
      section('WAP Push (WAP-230-WSP §8.2.4.1)', push);
      section(`MMS ${String((mms as View | undefined)?.messageType)}`, mms);
    }
    for (const o of (view.other as View[] | undefined) ?? []) section('SMS', o);
  }
  return lines.join('\n');
}

export const command: CliCommand = {
  summary: 'decode an MMS PDU, a WAP Push PDU, or SMS PDUs in hex',
  usage: USAGE,
  async run(argv) {
    const json = argv.includes('--json');
    const smscPresent = !argv.includes('--no-smsc');
    const files = argv.filter((a) => !a.startsWith('--'));
    if (files.length !== 1 || argv.some((a) => a.startsWith('--') && a !== '--json' && a !== '--no-smsc')) {
      console.error(USAGE);
      return 2;
    }
    const bytes = new Uint8Array(readFileSync(files[0] as string));
    try {
      const view = isText(bytes) ? decodeHex(bytes, smscPresent) : decodeBinary(bytes);
      const warnings = allWarnings(view);
      if (json) console.log(JSON.stringify({ ...view, warnings }, null, 2));
      else console.log(render(view) + (warnings.length > 0 ? `\n${warnings.length} warning(s): the input is not as the specifications say, decoded anyway` : ''));
      return 0;
    } catch (e) {
      if (e instanceof HexSyntax) {
        if (json) console.error(JSON.stringify({ error: 'DECODE_HEX_SYNTAX', layer: 'hex', message: e.message }));
        else console.error(`mmsgw decode: hex: ${e.message}`);
        return 1;
      }
      if (!(e instanceof Failure)) throw e;
      const { field, offset, code } = e.error;
      if (json) console.error(JSON.stringify({ error: code, layer: e.layer, field, offset, message: e.error.message }));
      else console.error(`mmsgw decode: ${e.layer}: ${code}: ${e.error.message}`);
      return 1;
    }
  },
};

/**
 * Hex text: one MMS PDU (first octet 0x8C) or one connectionless WAP Push (second octet 0x06 or
 * 0x07, WAP-230-WSP §8.2.4.1) written out as hex, with blanks and line breaks anywhere; else SMS
 * PDUs, one per line. When the text could be either (an SMS line without SMSC can have 0x06
 * second), the PDU reading is tried first and the SMS reading decides if it fails.
 */
function decodeHex(bytes: Uint8Array, smscPresent: boolean): View {
  const text = Buffer.from(bytes).toString('latin1');
  checkHex(text);
  const compact = text.replace(/\s+/g, '');
  const second = compact.slice(2, 4);
  const mms = compact.toLowerCase().startsWith('8c');
  const push = second === '06' || second === '07';
  if ((mms || push) && compact.length % 2 === 0) {
    try {
      return decodeBinary(new Uint8Array(Buffer.from(compact, 'hex')));
    } catch (e) {
      if (!(e instanceof Failure)) throw e;
      try {
        return decodeSms(text, smscPresent);
      } catch {
        throw e;
      }
    }
  }
  return decodeSms(text, smscPresent);
}
