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

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z][a-z0-9]{1,31});?/gi, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const cp = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      // Surrogates and out-of-range code points become U+FFFD (§13.2.5.80).
      return Number.isFinite(cp) && cp > 0 && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : '\ufffd';
    }
    return NAMED[ref] ?? whole;
  });
}

export function htmlToText(html: string): string {
  const cleaned = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(script|style|head|title|template)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '');
  const lines: string[] = [];
  let line = '';
  let depth = 0;
  /** Ends the current line; an empty one only when forced (<br>), so nested blocks add no blank lines. */
  const newline = (force = false): void => {
    const t = line.replace(/[ \t]+/g, ' ').trim();
    if (t !== '') lines.push(`${'> '.repeat(depth)}${t}`);
    else if (force) lines.push('');
    line = '';
  };
  for (const tok of cleaned.split(/(<[^>]*>)/)) {
    if (tok === '') continue;
    if (!tok.startsWith('<')) {
      line += decodeEntities(tok.replace(/\s+/g, ' '));
      continue;
    }
    const m = /^<\s*(\/?)\s*([a-z][a-z0-9]*)/i.exec(tok);
    if (!m) continue;
    const closing = m[1] === '/';
    const name = (m[2] as string).toLowerCase();
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
