import { randomBytes } from 'node:crypto';
import { MmsgwError } from '../../util/errors.js';

/**
 * MIME for SOAP messages with attachments (W3C SOAP-attachments, RFC 2387 multipart/related,
 * RFC 2046 §5.1.1 boundaries; 3GPP TS 23.140 §8, MM7 over SOAP with attachments: the SOAP envelope is the root part and
 * the multimedia content a part referenced by `href="cid:..."`). Parsing walks the buffer once
 * (boundary search with Buffer.indexOf), with limits on parts and header sizes; bodies are
 * views into the input, decoded only for base64 and quoted-printable transfer encodings.
 */

export class MimeError extends MmsgwError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('MM7_BAD_MIME', message, { details });
  }
}

export interface ContentType {
  /** Lower-cased `type/subtype`. */
  readonly mediaType: string;
  /** Parameters with lower-cased names, values unquoted. */
  readonly params: Readonly<Record<string, string>>;
}

export interface MimePart {
  /** Header names lower-cased; the last occurrence wins. */
  readonly headers: Readonly<Record<string, string>>;
  readonly contentType: ContentType;
  /** Content-ID without angle brackets. */
  readonly contentId: string | undefined;
  readonly contentLocation: string | undefined;
  /** The body after transfer decoding. */
  readonly body: Buffer;
}

export interface MultipartLimits {
  readonly maxParts: number;
  readonly maxHeaderBytes: number;
}

export const DEFAULT_LIMITS: MultipartLimits = { maxParts: 100, maxHeaderBytes: 16 * 1024 };

const TSPECIALS = new Set([...'()<>@,;:\\"/[]?=']);

/** RFC 2045 §5.1 Content-Type: `type/subtype *(; attribute=value)`, values token or quoted-string. */
export function parseContentType(value: string | undefined): ContentType {
  if (!value) return { mediaType: 'text/plain', params: { charset: 'us-ascii' } };
  const s = value;
  let i = 0;
  const skipWs = (): void => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === '\r' || s[i] === '\n')) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < s.length && s.charCodeAt(i) > 32 && !TSPECIALS.has(s[i]!)) i++;
    return s.slice(start, i);
  };
  skipWs();
  const type = token();
  if (s[i] !== '/') throw new MimeError(`malformed Content-Type '${value.slice(0, 100)}'`);
  i++;
  const sub = token();
  if (!type || !sub) throw new MimeError(`malformed Content-Type '${value.slice(0, 100)}'`);
  const params: Record<string, string> = {};
  for (;;) {
    skipWs();
    if (i >= s.length) break;
    if (s[i] !== ';') throw new MimeError(`malformed Content-Type parameters in '${value.slice(0, 100)}'`);
    i++;
    skipWs();
    if (i >= s.length) break;
    const name = token().toLowerCase();
    skipWs();
    if (!name || s[i] !== '=') throw new MimeError(`malformed Content-Type parameter in '${value.slice(0, 100)}'`);
    i++;
    skipWs();
    let v = '';
    if (s[i] === '"') {
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < s.length) i++;
        v += s[i];
        i++;
      }
      if (s[i] !== '"') throw new MimeError(`unterminated quoted parameter in '${value.slice(0, 100)}'`);
      i++;
    } else {
      v = token();
    }
    params[name] = v;
  }
  return { mediaType: `${type}/${sub}`.toLowerCase(), params };
}

function stripAngle(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  return t.startsWith('<') && t.endsWith('>') ? t.slice(1, -1) : t;
}

/** RFC 5322 §2.2 header fields with folding; names lower-cased. */
function parseHeaders(block: string): Record<string, string> {
  const out: Record<string, string> = {};
  let last: string | undefined;
  for (const rawLine of block.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line === '') continue;
    if ((line[0] === ' ' || line[0] === '\t') && last !== undefined) {
      out[last] = `${out[last] ?? ''} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MimeError(`malformed MIME header line '${line.slice(0, 80)}'`);
    last = line.slice(0, colon).trim().toLowerCase();
    out[last] = line.slice(colon + 1).trim();
  }
  return out;
}

function decodeBody(body: Buffer, encoding: string | undefined): Buffer {
  const enc = (encoding ?? '').trim().toLowerCase();
  if (enc === '' || enc === '7bit' || enc === '8bit' || enc === 'binary') return body;
  if (enc === 'base64') return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (enc === 'quoted-printable') return decodeQuotedPrintable(body);
  throw new MimeError(`unsupported Content-Transfer-Encoding '${encoding ?? ''}'`);
}

/** RFC 2045 §6.7. */
function decodeQuotedPrintable(body: Buffer): Buffer {
  const out = Buffer.alloc(body.length);
  let o = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== 0x3d) {
      out[o++] = c;
      continue;
    }
    const a = body[i + 1];
    const b = body[i + 2];
    if (a === 0x0d && b === 0x0a) { i += 2; continue; }
    if (a === 0x0a) { i += 1; continue; }
    const hex = a !== undefined && b !== undefined ? Number.parseInt(String.fromCharCode(a, b), 16) : Number.NaN;
    if (Number.isNaN(hex)) { out[o++] = c; continue; }
    out[o++] = hex;
    i += 2;
  }
  return out.subarray(0, o);
}

/**
 * Splits a multipart body at `boundary` (RFC 2046 §5.1.1). The preamble and epilogue are
 * ignored; a missing close delimiter is an error (a truncated upload must not pass as complete).
 */
export function parseMultipart(body: Buffer, boundary: string, limits: MultipartLimits = DEFAULT_LIMITS): MimePart[] {
  if (!boundary || boundary.length > 70) throw new MimeError('multipart boundary missing or longer than 70 characters (RFC 2046 §5.1.1)');
  const dash = Buffer.from(`--${boundary}`, 'latin1');
  const parts: MimePart[] = [];
  // The first delimiter may start the body; every later one follows a line break.
  let pos = body.subarray(0, dash.length).equals(dash) ? 0 : findDelimiter(body, dash, 0);
  if (pos < 0) throw new MimeError(`the multipart boundary '${boundary}' never occurs in the body`);
  for (;;) {
    let after = pos + dash.length;
    if (body[after] === 0x2d && body[after + 1] === 0x2d) return parts; // close delimiter
    // transport padding, then the line break that ends the delimiter line
    while (body[after] === 0x20 || body[after] === 0x09) after++;
    if (body[after] === 0x0d) after++;
    if (body[after] !== 0x0a) throw new MimeError('malformed multipart delimiter line');
    after++;
    const next = findDelimiter(body, dash, after);
    if (next < 0) throw new MimeError('the multipart body ends without its close delimiter (truncated?)');
    // the line break before the next delimiter belongs to it
    let end = next;
    if (body[end - 1] === 0x0a) end--;
    if (body[end - 1] === 0x0d) end--;
    if (parts.length >= limits.maxParts) throw new MimeError(`more than ${limits.maxParts} MIME parts`);
    parts.push(partOf(body.subarray(after, Math.max(after, end)), limits));
    pos = next;
  }
}

/** Index of the next `--boundary` that starts a line, at or after `from`; -1 if none. */
function findDelimiter(body: Buffer, dash: Buffer, from: number): number {
  let i = from;
  for (;;) {
    const at = body.indexOf(dash, i);
    if (at < 0) return -1;
    if (at === 0 || body[at - 1] === 0x0a) return at;
    i = at + 1;
  }
}

function partOf(raw: Buffer, limits: MultipartLimits): MimePart {
  let sep = raw.indexOf('\r\n\r\n');
  let skip = 4;
  const lf = raw.indexOf('\n\n');
  if (lf >= 0 && (sep < 0 || lf < sep)) {
    sep = lf;
    skip = 2;
  }
  if (raw.length > 0 && (raw[0] === 0x0a || (raw[0] === 0x0d && raw[1] === 0x0a))) {
    sep = 0; // no headers at all
    skip = raw[0] === 0x0a ? 1 : 2;
  }
  if (sep < 0) throw new MimeError('a MIME part has no empty line after its headers');
  if (sep > limits.maxHeaderBytes) throw new MimeError(`MIME part headers longer than ${limits.maxHeaderBytes} bytes`);
  const headers = parseHeaders(raw.subarray(0, sep).toString('utf8'));
  const body = decodeBody(raw.subarray(sep + skip), headers['content-transfer-encoding']);
  return {
    headers,
    contentType: parseContentType(headers['content-type']),
    contentId: stripAngle(headers['content-id']),
    contentLocation: headers['content-location'],
    body,
  };
}

export interface OutPart {
  readonly contentType: string;
  readonly contentId?: string;
  readonly contentLocation?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

export function newBoundary(): string {
  return `mmsgw-${randomBytes(12).toString('hex')}`;
}

/** Builds a multipart body (binary transfer encoding) from parts; the caller names the boundary. */
export function buildMultipart(parts: readonly OutPart[], boundary: string): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const lines = [`--${boundary}`, `Content-Type: ${p.contentType}`];
    if (p.contentId !== undefined) lines.push(`Content-ID: <${p.contentId}>`);
    if (p.contentLocation !== undefined) lines.push(`Content-Location: ${p.contentLocation}`);
    lines.push('Content-Transfer-Encoding: binary');
    for (const [k, v] of Object.entries(p.headers ?? {})) lines.push(`${k}: ${v}`);
    chunks.push(Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'), Buffer.from(p.body.buffer, p.body.byteOffset, p.body.byteLength), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/** A header parameter value, quoted when it is not a token (RFC 2045 §5.1). */
export function param(v: string): string {
  return [...v].every((c) => c.charCodeAt(0) > 32 && c.charCodeAt(0) < 127 && !TSPECIALS.has(c)) ? v : `"${v.replace(/(["\\])/g, '\\$1')}"`;
}
