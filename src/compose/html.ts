/**
 * HTML mail bodies to plain text, for mails that carry no text/plain alternative. A linear
 * pass over tags (no DOM): block elements end lines, <br> breaks them, list items get "- ",
 * <blockquote> content is prefixed with "> " per level (so quote trimming treats it like a
 * plain-text quote, RFC 3676 §4.5), scripts, styles and comments are dropped, and character
 * references are decoded (HTML Living Standard §13.5).
 */

const BLOCK = new Set([
  'p', 'div', 'tr', 'table', 'ul', 'ol', 'dl', 'dt', 'dd', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'pre', 'hr', 'section', 'article', 'header', 'footer', 'aside', 'nav', 'main', 'address', 'center', 'body', 'html', 'form',
]);

const NAMED: Readonly<Record<string, string>> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', hellip: '…', mdash: '—', ndash: '–',
  lsquo: '‘', rsquo: '’', sbquo: '‚', ldquo: '“', rdquo: '”', bdquo: '„', laquo: '«', raquo: '»',
  euro: '€', pound: '£', yen: '¥', cent: '¢', copy: '©', reg: '®', trade: '™', deg: '°', bull: '•', middot: '·',
  auml: 'ä', ouml: 'ö', uuml: 'ü', Auml: 'Ä', Ouml: 'Ö', Uuml: 'Ü', szlig: 'ß', eacute: 'é', egrave: 'è',
  ecirc: 'ê', agrave: 'à', aacute: 'á', acirc: 'â', ccedil: 'ç', iacute: 'í', oacute: 'ó', uacute: 'ú', ntilde: 'ñ',
  Eacute: 'É', Ntilde: 'Ñ', aring: 'å', Aring: 'Å', aelig: 'æ', AElig: 'Æ', oslash: 'ø', Oslash: 'Ø', iexcl: '¡', iquest: '¿',
  sect: '§', para: '¶', times: '×', divide: '÷', zwnj: '\u200c', zwj: '\u200d', shy: '',
};

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
const isAlpha = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

/**
 * Character references (HTML Living Standard §13.5): `&#x41;`, `&#65;`, and the named ones
 * in NAMED, the `;` optional. A hand scan from one '&' to the next (a regex with a callback per
 * reference costs microseconds each: seconds for a body of references).
 */
export function decodeEntities(s: string): string {
  let amp = s.indexOf('&');
  if (amp < 0) return s;
  const out: string[] = [];
  let last = 0;
  while (amp >= 0) {
    let j = amp + 1;
    let value: string | undefined;
    if (s.charCodeAt(j) === 0x23) {
      const hex = s.charCodeAt(j + 1) === 0x78 || s.charCodeAt(j + 1) === 0x58;
      const from = j + (hex ? 2 : 1);
      let k = from;
      while (k - from < (hex ? 6 : 7) && (hex ? isHex(s.charCodeAt(k)) : isDigit(s.charCodeAt(k)))) k++;
      if (k > from) {
        const cp = parseInt(s.slice(from, k), hex ? 16 : 10);
        // Surrogates and out-of-range code points become U+FFFD (§13.2.5.80).
        value = cp > 0 && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : '\ufffd';
        j = k;
      }
    } else if (isAlpha(s.charCodeAt(j))) {
      let k = j + 1;
      while (k - j < 32 && (isAlpha(s.charCodeAt(k)) || isDigit(s.charCodeAt(k)))) k++;
      value = NAMED[s.slice(j, k)];
      if (value !== undefined) j = k;
    }
    if (value !== undefined) {
      if (s.charCodeAt(j) === 0x3b) j++;
      out.push(s.slice(last, amp), value);
      last = j;
    }
    amp = s.indexOf('&', Math.max(j, amp + 1));
  }
  out.push(s.slice(last));
  return out.join('');
}

/** Quote levels shown; deeper nesting is shown at this level (the output stays linear in the input). */
const MAX_QUOTE_DEPTH = 8;
const QUOTE_PREFIX = Array.from({ length: MAX_QUOTE_DEPTH + 1 }, (_, i) => '> '.repeat(i));

/** Elements whose content is never text. */
const RAW_CONTENT = new Set(['script', 'style', 'head', 'title', 'template']);

type Token = string | { readonly name: string; readonly closing: boolean };

/** Name and closing slash of the tag starting at `lt` (`<`, spaces, optional `/`, spaces, name), by hand. */
function tagAt(html: string, lt: number, gt: number): { name: string; closing: boolean } | undefined {
  let k = lt + 1;
  while (k < gt && html.charCodeAt(k) <= 0x20) k++;
  const closing = html.charCodeAt(k) === 0x2f;
  if (closing) {
    k++;
    while (k < gt && html.charCodeAt(k) <= 0x20) k++;
  }
  const from = k;
  while (k < gt && k - from < 16 && (isAlpha(html.charCodeAt(k)) || (k > from && isDigit(html.charCodeAt(k))))) k++;
  return k > from ? { name: html.slice(from, k).toLowerCase(), closing } : undefined;
}

/**
 * Splits HTML into text runs and tags in one left-to-right pass. Comments and raw-content
 * elements are skipped by searching forward for their end; an unterminated one runs to the
 * end of the input (as in a browser, HTML Living Standard §13.2.5.43), and a '<' with no
 * '>' after it makes the rest text. Nothing is ever searched twice, so the cost is linear
 * whatever the input (lazy regexes like `<!--[\s\S]*?-->` retry from every opener).
 */
function* tokens(html: string): Generator<Token> {
  let lower: string | undefined;
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      yield html.slice(i);
      return;
    }
    if (lt > i) yield html.slice(i, lt);
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      if (end < 0) return;
      i = end + 3;
      continue;
    }
    const gt = html.indexOf('>', lt + 1);
    if (gt < 0) {
      yield html.slice(lt);
      return;
    }
    i = gt + 1;
    const tag = tagAt(html, lt, gt);
    if (!tag) continue;
    if (!tag.closing && RAW_CONTENT.has(tag.name) && html.charCodeAt(gt - 1) !== 0x2f) {
      lower ??= html.toLowerCase();
      const close = lower.indexOf(`</${tag.name}`, i);
      if (close < 0) return;
      const closeEnd = html.indexOf('>', close);
      i = closeEnd < 0 ? html.length : closeEnd + 1;
      continue;
    }
    yield tag;
  }
}

export function htmlToText(html: string): string {
  const lines: string[] = [];
  let line = '';
  let depth = 0;
  /** Ends the current line; an empty one only when forced (<br>), so nested blocks add no blank lines. */
  const newline = (force = false): void => {
    const t = line === '' ? '' : line.replace(/[ \t]+/g, ' ').trim();
    if (t !== '') lines.push(`${QUOTE_PREFIX[Math.min(depth, MAX_QUOTE_DEPTH)] ?? ''}${t}`);
    else if (force) lines.push('');
    line = '';
  };
  for (const tok of tokens(html)) {
    if (typeof tok === 'string') {
      line += decodeEntities(tok.replace(/\s+/g, ' '));
      continue;
    }
    const { name, closing } = tok;
    if (name === 'br') newline(true);
    else if (name === 'blockquote') {
      newline();
      depth = Math.max(0, depth + (closing ? -1 : 1));
    } else if (name === 'li' && !closing) {
      newline();
      line = '- ';
    } else if ((name === 'td' || name === 'th') && closing) line += ' ';
    else if (BLOCK.has(name) || name === 'li') newline();
  }
  newline();
  return lines
    .join('\n')
    .replace(/\u00a0/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
