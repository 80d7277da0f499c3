/**
 * Reads the MMS header sequence (OMA-TS-MMS_ENC §7.1, §7.2): binary fields by the table in
 * fields.ts, application headers (Token-text Text-string, §7.1), and Content-Type, which ends
 * the headers of PDUs with a body. Every header's place in the sequence and its encoding form
 * are recorded for the encoder.
 */
import { readContentType } from '../wsp/content-type.js';
import { CodecFault, type Cursor } from '../wsp/cursor.js';
import { readWapValue, renderValue } from '../wsp/headers.js';
import { MAX_HEADERS } from '../wsp/limits.js';
import { octetsToText } from '../wsp/primitives.js';
import type { ContentType } from '../wsp/types.js';
import { CONTENT_TYPE_CODE, FIELD_BY_CODE, fieldName, type FieldDef } from './fields.js';
import type { MmsUnknownHeader } from './types.js';

export interface HeaderBlock {
  values: Record<string, unknown>;
  order: string[];
  forms: Record<string, unknown[]>;
  unknown: MmsUnknownHeader[];
  contentType?: ContentType;
  /** The header that could not be read, when the caller asked to tolerate a damaged tail. */
  stopped?: { at: number; fault: CodecFault };
}

/** Where the header loop is, so that one handler per PDU (not a try/catch per field) can recover. */
interface LoopState {
  /** Start of the header being read. */
  at: number;
  /** Lengths of block.order / block.unknown before it. */
  order: number;
  unknown: number;
  /** Set while a recognised field's value is being read by its codec, with the value's start. */
  known: FieldDef | undefined;
  valueAt: number;
}

/**
 * `tolerateTail`: a header that cannot be read ends the sequence instead of failing it; the
 * block records where and why (`stopped`), and the caller decides whether that is acceptable.
 * Limits are never tolerated.
 *
 * The loop runs inside one try; a fault is handled here and the loop re-entered, so the
 * common case (no fault) pays for no per-field handler.
 */
export function readMmsHeaders(c: Cursor, tolerateTail = false): HeaderBlock {
  const block: HeaderBlock = { values: {}, order: [], forms: {}, unknown: [] };
  const s: LoopState = { at: c.pos, order: 0, unknown: 0, known: undefined, valueAt: 0 };
  for (;;) {
    try {
      readLoop(c, block, s);
      return block;
    } catch (e) {
      if (!(e instanceof CodecFault)) throw e;
      const f = s.known;
      s.known = undefined;
      if (f) {
        // A recognised field with a value this codec does not define (OMA-TS-MMS_ENC §7.1: ignore,
        // do not reject): keep it raw when its extent is still well-formed, else report the error.
        c.pos = s.valueAt;
        if (tryKeepRaw(c, block, f)) continue;
      }
      if (!tolerateTail || e.code === 'CODEC_LIMIT') throw e;
      // Nothing of the damaged header stays: the sequence is as it was before it.
      block.order.length = s.order;
      block.unknown.length = s.unknown;
      c.pos = s.at;
      block.stopped = { at: s.at, fault: e };
      return block;
    }
  }
}

function tryKeepRaw(c: Cursor, block: HeaderBlock, f: FieldDef): boolean {
  try {
    keepRaw(c, block, f.code, f.name, 'unrecognised-value');
    return true;
  } catch {
    return false;
  }
}

function readLoop(c: Cursor, block: HeaderBlock, s: LoopState): void {
  while (c.remaining > 0) {
    const at = c.pos;
    s.at = at;
    s.order = block.order.length;
    s.unknown = block.unknown.length;
    if (block.order.length === MAX_HEADERS) c.fail('header', `more than ${MAX_HEADERS} header fields`, at, 'CODEC_LIMIT');
    if (readOne(c, block, s, at)) return;
  }
}

/** Reads one header; true when it was Content-Type, which ends the header sequence. */
function readOne(c: Cursor, block: HeaderBlock, s: LoopState, at: number): boolean {
  const b = c.peek('header');
  if (b >= 0x80) {
    c.pos++;
    const code = b & 0x7f;
    if (code === CONTENT_TYPE_CODE) {
      block.contentType = readContentType(c, 'Content-Type');
      block.order.push('contentType');
      return true;
    }
    const f = FIELD_BY_CODE.get(code);
    if (f) readKnown(c, f, block, s);
    else keepRaw(c, block, code, fieldName(code) ?? `X-Mms-Field-0x${code.toString(16).padStart(2, '0')}`, 'unknown-field');
  } else if (b >= 0x20 && b !== 0x7f) {
    const name = octetsToText(c.cstring('header')).text;
    keepRaw(c, block, undefined, name, 'application-header');
  } else {
    c.fail('header', `field name expected, got 0x${b.toString(16)}`, at);
  }
  return false;
}

function readKnown(c: Cursor, f: FieldDef, block: HeaderBlock, s: LoopState): void {
  const start = c.pos;
  s.known = f;
  s.valueAt = start;
  const r = f.codec.read(c, f.name);
  s.known = undefined;
  if (!f.multi && f.key in block.values) {
    // A second occurrence of a single-valued field: kept raw so that nothing is lost.
    c.pos = start;
    keepRaw(c, block, f.code, f.name, 'unrecognised-value');
    return;
  }
  if (f.multi) ((block.values[f.key] ??= []) as unknown[]).push(r.value);
  else block.values[f.key] = r.value;
  (block.forms[f.key] ??= []).push(r.form);
  block.order.push(f.key);
}

function keepRaw(c: Cursor, block: HeaderBlock, code: number | undefined, name: string, reason: MmsUnknownHeader['reason']): void {
  const valueAt = c.offset();
  const raw = readWapValue(c, name);
  block.unknown.push({ ...(code === undefined ? {} : { code }), name, raw, value: renderValue(undefined, raw, valueAt), reason });
  block.order.push('unknown');
}
