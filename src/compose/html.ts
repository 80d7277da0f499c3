/**
 * HTML mail bodies to plain text, for mails that carry no text/plain alternative, with
 * html-to-text (htmlparser2 underneath: one linear pass, no DOM, no script). Block elements
 * end lines, <br> breaks them, list items get "- ", <blockquote> content is prefixed with
 * "> " per level (so quote trimming treats it like a plain-text quote, RFC 3676 §4.5), links
 * keep their text only, images are dropped, scripts, styles and comments are dropped, and
 * character references are decoded by `he` (HTML Living Standard §13.5, every named one).
 */
import he from 'he';
import { convert, type HtmlToTextOptions } from 'html-to-text';

/** Character references decoded (numeric, hex, and every named one); unknown ones stay as written. */
export function decodeEntities(s: string): string {
  return he.decode(s);
}

const OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  decodeEntities: true,
  // The mail is already bounded in size; these bound the work on a hostile document.
  limits: { maxInputLength: 4 * 1024 * 1024, maxDepth: 256, maxChildNodes: 100_000, ellipsis: '…' },
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'head', format: 'skip' },
    { selector: 'title', format: 'skip' },
    { selector: 'template', format: 'skip' },
    { selector: 'ul', options: { itemPrefix: '- ', leadingLineBreaks: 1, trailingLineBreaks: 1 } },
    { selector: 'ol', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
    { selector: 'p', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
    { selector: 'blockquote', options: { leadingLineBreaks: 1, trailingLineBreaks: 1, trimEmptyLines: true } },
    { selector: 'table', format: 'block' },
    { selector: 'tr', format: 'block' },
    { selector: 'td', format: 'inline' },
    { selector: 'th', format: 'inline' },
    { selector: 'h1', options: { uppercase: false, leadingLineBreaks: 1, trailingLineBreaks: 1 } },
    { selector: 'h2', options: { uppercase: false, leadingLineBreaks: 1, trailingLineBreaks: 1 } },
    { selector: 'h3', options: { uppercase: false, leadingLineBreaks: 1, trailingLineBreaks: 1 } },
    { selector: 'h4', options: { uppercase: false, leadingLineBreaks: 1, trailingLineBreaks: 1 } },
    { selector: 'h5', options: { uppercase: false, leadingLineBreaks: 1, trailingLineBreaks: 1 } },
    { selector: 'h6', options: { uppercase: false, leadingLineBreaks: 1, trailingLineBreaks: 1 } },
  ],
};

export function htmlToText(html: string): string {
  return convert(html, OPTIONS)
    .replace(/\u00a0/g, ' ')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
