/**
 * Textual Content-Transfer-Encoding in MMS parts. OMA-TS-MMS_ENC §7.1 carries part data as
 * binary octets in a WSP multipart (WAP-230-WSP §8.5), so the header has no place there; some
 * handsets still send it as an application header (`Content-Transfer-Encoding: base64`,
 * WSP §8.4.2.6 Token-text Text-string) with the body encoded accordingly. Such a body is decoded
 * for every consumer; the octets as sent stay in the part for re-encoding and in the raw PDU.
 * Both decoders are single passes over the input and never produce more octets than they read.
 */

/** RFC 2045 §6.1 mechanisms: the identity ones need no decoding. */
const IDENTITY = new Set(['7bit', '8bit', 'binary']);

export interface TransferDecoded {
  /** The decoded body; the input itself for the identity encodings. */
  readonly body: Uint8Array;
  /** Lower-case mechanism name as sent. */
  readonly encoding: string;
  readonly warning?: string;
}

/** The value of a textual Content-Transfer-Encoding header, if the part has one. */
export function transferEncodingOf(headers: readonly { name: string; code?: number; value: string }[]): string | undefined {
  const h = headers.find((x) => x.code === undefined && x.name.toLowerCase() === 'content-transfer-encoding');
  return h?.value.trim().toLowerCase();
}

export function decodeTransfer(encoding: string, body: Uint8Array): TransferDecoded {
  if (IDENTITY.has(encoding)) return { body, encoding };
  if (encoding === 'base64') return { body: base64(body), encoding };
  if (encoding === 'quoted-printable') return { body: quotedPrintable(body), encoding };
  return { body, encoding, warning: `unknown Content-Transfer-Encoding ${JSON.stringify(encoding)}: body kept as sent` };
}

/** RFC 2045 §6.8: characters outside the alphabet (line breaks, junk) are ignored; decoding stops at '='. */
function base64(body: Uint8Array): Uint8Array {
  // Buffer's base64 decoder skips characters outside the alphabet and stops at padding.
  const out = Buffer.from(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1'), 'base64');
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  return -1;
}

/**
 * RFC 2045 §6.7: `=XX` is an octet, `=` at the end of a line (soft line break, trailing blanks
 * allowed) is removed, a malformed `=` is kept literally (rule (1) "robust implementation").
 */
function quotedPrintable(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length);
  let n = 0;
  let i = 0;
  while (i < body.length) {
    const b = body[i] as number;
    if (b !== 0x3d) {
      out[n++] = b;
      i++;
      continue;
    }
    const h = hexValue(body[i + 1] ?? -1);
    const l = hexValue(body[i + 2] ?? -1);
    if (h >= 0 && l >= 0) {
      out[n++] = h * 16 + l;
      i += 3;
      continue;
    }
    let j = i + 1;
    while (body[j] === 0x20 || body[j] === 0x09) j++;
    if (body[j] === 0x0d && body[j + 1] === 0x0a) {
      i = j + 2;
      continue;
    }
    if (body[j] === 0x0a) {
      i = j + 1;
      continue;
    }
    if (j === body.length) break;
    out[n++] = b;
    i++;
  }
  return out.subarray(0, n);
}
