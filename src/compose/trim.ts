/**
 * Trimming of reply mail down to what the sender wrote: quoted lines ('>', RFC 3676 §4.5),
 * attribution lines ("On … wrote:" in common languages), Outlook's "-----Original Message-----"
 * and "From: … Sent: …" header blocks, the "-- " signature separator (RFC 3676 §4.3) and
 * mobile footers ("Sent from my iPhone"). Everything from the first such marker on is cut.
 */

export interface TrimOptions {
  /** Cut quoted text, attributions and original-message blocks (default true). */
  readonly quotes?: boolean;
  /** Cut the signature and mobile footers (default true). */
  readonly signature?: boolean;
}

/** "On <date>, <name> wrote:" and its translations; the closing verb may be on the next line. */
const ATTRIBUTION_START = /^(on|am|le|el|il|op|em|den|dne|w dniu|el día|den|på)\s.+/i;
const VERBS = 'wrote|schrieb|a écrit|escribió|ha scritto|schreef|escreveu|skrev|napsal|pisze|napisał|napisała|kirjoitti|yazdı|написал|написала|írta';
/** The verb closes the line, or is followed by the author (German, Dutch, Scandinavian word order). */
const ATTRIBUTION_END = new RegExp(`(?:^|\\s)(?:${VERBS})(?:\\s[^\\n]*)?\\s*:\\s*$`, 'i');
/** Lines that alone introduce a quoted original: "<name> wrote:" without a date prefix. */
const BARE_ATTRIBUTION = /^.{1,120}\s(wrote|schrieb|a écrit|escribió|ha scritto|schreef|escreveu|skrev|написал|написала)\s*:\s*$/i;

const ORIGINAL_MESSAGE =
  /^\s*-{2,}\s*(original message|ursprüngliche nachricht|message d'origine|mensaje original|messaggio originale|oorspronkelijk bericht|mensagem original|originalmeddelande|forwarded message|weitergeleitete nachricht)\s*-{2,}\s*$/i;
const OUTLOOK_RULE = /^\s*_{20,}\s*$/;
const HEADER_FROM = /^\s*\*?(from|von|de|da|van|från|fra|od)\s*:\*?\s*\S/i;
const HEADER_NEXT = /^\s*\*?(sent|date|gesendet|datum|envoyé|enviado|inviato|verzonden|skickat|sendt|wysłano|to|an|à|para|a|aan|till|til|do|subject|betreff|objet|asunto|oggetto|onderwerp|ämne|emne|temat)\s*:\*?/i;

const SIGNATURE = /^--\s?$/;
const MOBILE_FOOTER =
  /^\s*(sent from my\b.*|sent from (outlook|mail|yahoo mail)\b.*|get outlook for (ios|android).*|von meinem .* gesendet\.?|gesendet von meinem .*|envoyé de mon .*|enviado desde mi .*|enviado do meu .*|inviato da(l mio)? .*|verzonden vanaf mijn .*|skickat från min .*)\s*$/i;

/**
 * Markers (attributions, header blocks, separators, footers) are short lines. Longer lines are
 * never markers, and the patterns are only tried on lines up to this length, so their cost
 * per line is bounded and the whole trim is linear in the text whatever the input.
 */
const MAX_MARKER_CHARS = 400;

/** The line if it is short enough to be a marker, else '' (which matches no marker). */
function marker(lines: readonly string[], i: number): string {
  const l = lines[i] ?? '';
  return l.length <= MAX_MARKER_CHARS ? l : '';
}

function isOutlookHeaderBlock(lines: readonly string[], i: number): boolean {
  if (!HEADER_FROM.test(marker(lines, i))) return false;
  let following = 0;
  for (let j = i + 1; j < Math.min(lines.length, i + 5); j++) if (HEADER_NEXT.test(marker(lines, j))) following++;
  return following >= 2;
}

function isAttribution(lines: readonly string[], i: number): boolean {
  const line = marker(lines, i).trim();
  if (line === '') return false;
  if (ATTRIBUTION_START.test(line)) {
    if (ATTRIBUTION_END.test(line)) return true;
    const next = marker(lines, i + 1).trim();
    if (next !== '' && ATTRIBUTION_END.test(`${line} ${next}`) && !next.startsWith('>')) return true;
  }
  return BARE_ATTRIBUTION.test(line) && (lines[i + 1] ?? '').trimStart().startsWith('>');
}

/** Index of the first line where the sender's own text ends, or lines.length. */
function cutIndex(lines: readonly string[], opts: TrimOptions): number {
  const quotes = opts.quotes ?? true;
  const signature = opts.signature ?? true;
  for (let i = 0; i < lines.length; i++) {
    const line = marker(lines, i);
    if (quotes && (ORIGINAL_MESSAGE.test(line) || isAttribution(lines, i) || isOutlookHeaderBlock(lines, i))) return i;
    if (quotes && OUTLOOK_RULE.test(line) && isOutlookHeaderBlock(lines, i + 1)) return i;
    if (signature && (SIGNATURE.test(line) || MOBILE_FOOTER.test(line))) return i;
  }
  return lines.length;
}

/** The line without trailing spaces and tabs, by a scan from the end (a regex `[ \t]+$` retries at every space: quadratic on long runs). */
function trimSpacesEnd(l: string): string {
  let e = l.length;
  while (e > 0) {
    const c = l.charCodeAt(e - 1);
    if (c !== 0x20 && c !== 0x09) break;
    e--;
  }
  return e === l.length ? l : l.slice(0, e);
}

/** Normalises line ends, strips trailing spaces and collapses runs of blank lines. */
export function tidyText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map(trimSpacesEnd)
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * The sender's own text. When trimming would leave nothing (a bare forward, say), the whole
 * text is kept instead: an empty message is never the sender's intent.
 */
export function trimReply(text: string, opts: TrimOptions = {}): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept = lines.slice(0, cutIndex(lines, opts));
  const own = (opts.quotes ?? true) ? kept.filter((l) => !/^\s*>/.test(l)) : kept;
  const result = tidyText(own.join('\n'));
  return result === '' ? tidyText(text) : result;
}
