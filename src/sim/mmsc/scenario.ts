import type { MmsPart, WspHeader } from '../../codec/mms/index.js';
import type { MessageScenario } from './types.js';

/**
 * Per-message encodings a real MMSC or handset may use for the parts of an m-retrieve-conf:
 * Content-ID / Content-Location as textual application headers (WAP-230-WSP §8.4.2.6:
 * Token-text name, Text-string value) and a textual Content-Transfer-Encoding with the body
 * encoded accordingly (RFC 2045 §6.7, §6.8).
 */
export function applyScenario(parts: readonly MmsPart[], sc: MessageScenario | undefined): MmsPart[] {
  if (!sc?.textualPartHeaders && !sc?.transferEncoding) return [...parts];
  return parts.map((p) => {
    const headers: WspHeader[] = [];
    if (sc.textualPartHeaders) {
      if (p.contentId !== undefined) headers.push(textual('Content-ID', p.contentId));
      if (p.contentLocation !== undefined) headers.push(textual('Content-Location', p.contentLocation));
    }
    let body = p.body;
    if (sc.transferEncoding) {
      headers.push(textual('Content-Transfer-Encoding', sc.transferEncoding));
      body = sc.transferEncoding === 'base64' ? base64Lines(p.body) : quotedPrintable(p.body);
    }
    return { ...p, headers, body };
  });
}

/** Application-header (WAP-230-WSP §8.4.2.6): name and value both Text-string (NUL-terminated). */
function textual(name: string, value: string): WspHeader {
  return { name, value, raw: Buffer.concat([Buffer.from(value, 'utf8'), Buffer.from([0])]) };
}

/** RFC 2045 §6.8: base64 in lines of at most 76 characters, CRLF-separated. */
function base64Lines(body: Uint8Array): Uint8Array {
  const b64 = Buffer.from(body).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return Buffer.from(lines.join('\r\n'), 'latin1');
}

/**
 * RFC 2045 §6.7: octets other than printable ASCII (33–126 except "=") as "=XX", a space
 * literal except before a line break, CRLF kept as a hard line break, soft line breaks ("=")
 * keeping lines at most 76 characters.
 */
export function quotedPrintable(body: Uint8Array): Uint8Array {
  let out = '';
  let line = 0;
  const put = (s: string): void => {
    if (line + s.length > 75) { out += '=\r\n'; line = 0; }
    out += s;
    line += s.length;
  };
  for (let i = 0; i < body.length; i++) {
    const b = body[i] as number;
    if (b === 0x0d && body[i + 1] === 0x0a) { out += '\r\n'; line = 0; i++; continue; }
    const atLineEnd = i + 1 >= body.length || (body[i + 1] === 0x0d && body[i + 2] === 0x0a);
    const literal = (b >= 33 && b <= 126 && b !== 0x3d) || (b === 0x20 && !atLineEnd);
    put(literal ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`);
  }
  return Buffer.from(out, 'latin1');
}
