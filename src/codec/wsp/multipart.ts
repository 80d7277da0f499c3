/**
 * WSP multipart (WAP-230-WSP §8.5):
 *   Multipart  = nEntries(uintvar) *Entry
 *   Entry      = HeadersLen(uintvar) DataLen(uintvar) ContentType Headers Data
 * HeadersLen covers ContentType and Headers. Entry bodies are views into the input.
 */
import type { DecodeError } from '../../util/errors.js';
import type { Result } from '../../util/result.js';
import { readContentType, writeContentType } from './content-type.js';
import { Cursor } from './cursor.js';
import { readHeaders, writeHeaders } from './headers.js';
import { guard } from './guard.js';
import { MAX_PARTS } from './limits.js';
import type { MultipartEntry } from './types.js';
import { Writer } from './writer.js';

/** The smallest entry: HeadersLen, DataLen and a one-octet content type. */
const MIN_ENTRY = 3;

export interface MultipartBody {
  entries: MultipartEntry[];
  /** Octets after the last announced entry (kept for re-encoding; normally empty). */
  trailing: Uint8Array;
}

export function readMultipart(c: Cursor, field = 'multipart'): MultipartBody {
  const at = c.pos;
  const n = c.uintvar(`${field}.nEntries`);
  if (n * MIN_ENTRY > c.remaining) {
    c.fail(`${field}.nEntries`, `${n} entries cannot fit in ${c.remaining} byte(s)`, at, 'CODEC_LIMIT');
  }
  if (n > MAX_PARTS) c.fail(`${field}.nEntries`, `${n} entries exceed the limit of ${MAX_PARTS}`, at, 'CODEC_LIMIT');
  const entries: MultipartEntry[] = [];
  for (let i = 0; i < n; i++) {
    const f = `${field}[${i}]`;
    const headersLen = c.uintvar(`${f}.HeadersLen`);
    const dataLen = c.uintvar(`${f}.DataLen`);
    if (headersLen + dataLen > c.remaining) {
      c.fail(f, `entry of ${headersLen}+${dataLen} byte(s) exceeds the ${c.remaining} left`, c.pos, 'CODEC_TRUNCATED');
    }
    const h = c.sub(headersLen, `${f}.Headers`);
    const contentType = readContentType(h, `${f}.ContentType`);
    const headers = readHeaders(h, `${f}.Headers`);
    const body = c.take(dataLen, `${f}.Data`);
    entries.push({ contentType, headers, body });
  }
  return { entries, trailing: c.take(c.remaining, field) };
}

export function writeMultipart(w: Writer, entries: readonly MultipartEntry[], trailing?: Uint8Array): void {
  w.uintvar(entries.length);
  for (const e of entries) {
    const h = new Writer();
    writeContentType(h, e.contentType);
    writeHeaders(h, e.headers);
    const head = h.finish();
    w.uintvar(head.length).uintvar(e.body.length).bytes(head).bytes(e.body);
  }
  if (trailing && trailing.length > 0) w.bytes(trailing);
}

/** Decodes a whole buffer as a multipart. */
export function decodeMultipart(bytes: Uint8Array): Result<MultipartBody, DecodeError> {
  return guard('multipart', () => readMultipart(new Cursor(bytes)));
}

export function encodeMultipart(entries: readonly MultipartEntry[]): Uint8Array {
  const w = new Writer();
  writeMultipart(w, entries);
  return w.finish();
}
