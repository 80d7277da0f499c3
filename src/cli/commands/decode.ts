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
  SMS PDUs in hex, one per line (with the SMSC prefix unless --no-smsc)

--json     print JSON instead of text
--no-smsc  the hex PDUs have no SMSC address prefix`;

class Failure extends Error {
  constructor(readonly error: DecodeError, readonly layer: string) {
    super(error.message);
  }
}

function must<T>(r: Result<T, DecodeError>, layer: string): T {
  if (r.ok) return r.value;
  throw new Failure(r.error, layer);
}

function isHexText(b: Uint8Array): boolean {
  if (b.length === 0) return false;
  const s = Buffer.from(b).toString('latin1');
  return /^[\s0-9a-fA-F]+$/.test(s) && /[0-9a-fA-F]/.test(s);
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

function decodeSms(text: string, smscPresent: boolean): View {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  const segments: StoredSegment[] = [];
  const others: View[] = [];
  lines.forEach((hex, i) => {
    const r = decodeSmsPdu(hex, { smscPresent });
    const tpdu = must(r, `SMS line ${i + 1}`);
    if (tpdu.type === 'deliver') segments.push({ id: String(i + 1), deliver: tpdu as SmsDeliver, receivedAt: new Date(0) });
    else others.push({ line: i + 1, type: tpdu.type, ...(tpdu.type === 'status-report' ? { status: tpdu.status.description, recipient: tpdu.recipient.number } : {}) });
  });
  const { messages, waiting } = reassemble(segments, { now: new Date(0), timeoutMs: Number.MAX_SAFE_INTEGER });
  const out: View = { format: 'sms', messages: [] };
  const list = out.messages as JsonValue[];
  for (const m of messages) {
    const c = classifyDeliver(m);
    const v: View = { from: m.originator.number, segments: m.segmentIds.length, total: m.total, kind: c.kind };
    if (m.incomplete) v.missing = [...m.missing];
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
      const view = isHexText(bytes) ? decodeHex(bytes, smscPresent) : decodeBinary(bytes);
      console.log(json ? JSON.stringify(view, null, 2) : render(view));
      return 0;
    } catch (e) {
      if (!(e instanceof Failure)) throw e;
      const { field, offset, code } = e.error;
      if (json) console.error(JSON.stringify({ error: code, layer: e.layer, field, offset, message: e.error.message }));
      else console.error(`mmsgw decode: ${e.layer}: ${code}: ${e.error.message}`);
      return 1;
    }
  },
};

/** Hex text: SMS PDUs, unless the hex is one MMS or push PDU written out as hex. */
function decodeHex(bytes: Uint8Array, smscPresent: boolean): View {
  const text = Buffer.from(bytes).toString('latin1');
  const compact = text.replace(/\s+/g, '');
  if (compact.toLowerCase().startsWith('8c') && !/\n\s*\S/.test(text.trim())) {
    return decodeBinary(new Uint8Array(Buffer.from(compact, 'hex')));
  }
  return decodeSms(text, smscPresent);
}
