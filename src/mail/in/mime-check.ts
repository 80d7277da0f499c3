/**
 * Structural checks mailparser does not make. mailparser is lenient on purpose and returns
 * something for any input; a truncated or broken multipart would then be sent as a text full
 * of MIME debris, or with attachments silently missing. RFC 2046 §5.1.1 requires every
 * multipart body to end with its close-delimiter `--boundary--`; a mail without one is
 * incomplete and is refused instead of half-sent.
 */

/** A multipart Content-Type header field, with folded continuation lines (RFC 5322 §2.2.3). */
const MULTIPART_FIELD = /^content-type:[ \t]*multipart\/[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*/gim;
const BOUNDARY_PARAM = /boundary\s*=\s*(?:"([^"\r\n]{1,200})"|([^\s;"]{1,200}))/i;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Returns a human sentence naming the problem, or undefined when the structure is sound. */
export function multipartProblem(raw: Buffer): string | undefined {
  const text = raw.toString('latin1');
  for (const field of text.matchAll(MULTIPART_FIELD)) {
    const m = BOUNDARY_PARAM.exec(field[0].replace(/\r?\n[ \t]/g, ' '));
    if (!m) return 'a multipart section has no boundary parameter';
    const boundary = escapeRegExp((m[1] ?? m[2] ?? '').trim());
    if (!new RegExp(`^--${boundary}[ \\t]*\\r?$`, 'm').test(text)) return 'a multipart section has no parts (its boundary never occurs)';
    if (!new RegExp(`^--${boundary}--[ \\t]*\\r?$`, 'm').test(text)) return 'a multipart section is not closed (the mail looks truncated)';
  }
  return undefined;
}
