/**
 * Structural checks mailparser does not make. mailparser is lenient on purpose and returns
 * something for any input; a truncated or broken multipart would then be sent as a text full
 * of MIME debris, or with attachments silently missing. RFC 2046 §5.1.1 requires every
 * multipart body to end with its close-delimiter `--boundary--`; a mail without one is
 * incomplete and is refused instead of half-sent.
 *
 * One pass over the lines, whatever the input: delimiter lines (`--…`) go into a set, multipart
 * Content-Type fields into a list, and each field's boundary is then looked up in the set. (A
 * search of the whole mail per field costs fields × size: a 4 MB mail of such fields took
 * minutes.)
 */

/** Longest multipart field examined (its folded lines joined); real ones are under 1 KB. */
const MAX_FIELD_CHARS = 16 * 1024;
const MULTIPART_START = /^content-type:[ \t]*multipart\//i;
const BOUNDARY_PARAM = /boundary\s*=\s*(?:"([^"\r\n]{1,200})"|([^\s;"]{1,200}))/i;

/** The line without its trailing CR, spaces and tabs (transport padding, RFC 2046 §5.1.1). */
function trimLineEnd(s: string, start: number, end: number): string {
  let e = end;
  while (e > start) {
    const c = s.charCodeAt(e - 1);
    if (c !== 0x0d && c !== 0x20 && c !== 0x09) break;
    e--;
  }
  return s.slice(start, e);
}

/** Returns a human sentence naming the problem, or undefined when the structure is sound. */
export function multipartProblem(raw: Buffer): string | undefined {
  const text = raw.toString('latin1');
  const delimiters = new Set<string>();
  const fields: string[] = [];
  let field: string | undefined;
  for (let start = 0; start < text.length;) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    const first = text.charCodeAt(start);
    if (field !== undefined && (first === 0x20 || first === 0x09) && end > start) {
      // A continuation line of the multipart field (RFC 5322 §2.2.3 folding).
      if (field.length < MAX_FIELD_CHARS) field += ` ${trimLineEnd(text, start, Math.min(end, start + MAX_FIELD_CHARS))}`;
    } else {
      if (field !== undefined) fields.push(field);
      field = undefined;
      if (first === 0x2d && text.charCodeAt(start + 1) === 0x2d) delimiters.add(trimLineEnd(text, start + 2, end));
      else if ((first === 0x43 || first === 0x63) && MULTIPART_START.test(text.slice(start, Math.min(end, start + 64)))) {
        field = trimLineEnd(text, start, Math.min(end, start + MAX_FIELD_CHARS));
      }
    }
    start = end + 1;
  }
  if (field !== undefined) fields.push(field);
  for (const f of fields) {
    const m = BOUNDARY_PARAM.exec(f);
    if (!m) return 'a multipart section has no boundary parameter';
    const boundary = (m[1] ?? m[2] ?? '').trim();
    if (!delimiters.has(boundary)) return 'a multipart section has no parts (its boundary never occurs)';
    if (!delimiters.has(`${boundary}--`)) return 'a multipart section is not closed (the mail looks truncated)';
  }
  return undefined;
}
