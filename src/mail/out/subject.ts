/**
 * The Subject header (RFC 5322 §3.6.5) of a relayed message: the MMS subject, else the start
 * of the first text, else "MMS from …". Controls (CR and LF among them) become spaces before
 * anything else happens, so no value can start a header of its own; the composer then
 * encodes non-ASCII text as RFC 2047 encoded-words and folds the line.
 */
import { cleanHeaderText } from './addresses.js';

export const DEFAULT_SUBJECT_MAX = 78;
const ELLIPSIS = '\u2026';

/** One segmenter for every subject: ICU objects live outside the V8 heap (see src/util/time.ts). */
let segmenter: Intl.Segmenter | undefined;

/** The first `limit` grapheme clusters of `s` (the segmenter is lazy, so a long text costs nothing more). */
function graphemes(s: string, limit: number): string[] {
  const out: string[] = [];
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  for (const g of segmenter.segment(s)) {
    if (out.length >= limit) break;
    out.push(g.segment);
  }
  return out;
}

/**
 * Cuts `s` to at most `max` user-perceived characters (never inside a surrogate pair or a
 * combining sequence), preferring the last word break in the final fifth, and marks the cut
 * with an ellipsis.
 */
export function truncateText(s: string, max: number): string {
  const g = graphemes(s, max + 1);
  if (g.length <= max) return s;
  const keep = g.slice(0, Math.max(1, max - 1));
  const lastSpace = keep.lastIndexOf(' ');
  const cut = lastSpace >= Math.floor(keep.length * 0.8) ? keep.slice(0, lastSpace) : keep;
  return `${cut.join('').trimEnd()}${ELLIPSIS}`;
}

export interface SubjectInput {
  readonly subject?: string | undefined;
  readonly firstText?: string | undefined;
  /** Used when there is neither subject nor text, e.g. `MMS from Alice (+49…)`. */
  readonly fallback: string;
  readonly incomplete: boolean;
  readonly maxLength?: number | undefined;
}

export function buildSubject(input: SubjectInput): string {
  const max = Math.max(8, input.maxLength ?? DEFAULT_SUBJECT_MAX);
  const candidates = [input.subject, input.firstText, input.fallback];
  let subject = '';
  for (const c of candidates) {
    const clean = c === undefined ? '' : cleanHeaderText(c);
    if (clean !== '') {
      subject = truncateText(clean, max);
      break;
    }
  }
  return input.incomplete ? `[incomplete] ${subject}` : subject;
}

export interface ThreadSubjectValues {
  /** `SMS` or `MMS`. */
  readonly kind: string;
  /** The correspondents' contact names, or their numbers where there is none. */
  readonly names: readonly string[];
  /** The correspondents' numbers, formatted. */
  readonly numbers: readonly string[];
  readonly box: string;
}

/**
 * A subject fixed per correspondent from a template (`{kind} from {number}`): the same
 * conversation always gets the same subject, which is what Gmail and Outlook thread on
 * besides References. One pass, so a contact name containing `{number}` stays literal.
 */
export function threadSubject(template: string, v: ThreadSubjectValues): string {
  const names = v.names.join(', ');
  const numbers = v.numbers.join(', ');
  const filled = template.replace(/\{(kind|name|number|box)\}/g, (_m, key: string) =>
    key === 'kind' ? v.kind : key === 'name' ? names : key === 'number' ? numbers : v.box,
  );
  return truncateText(cleanHeaderText(filled), 200) || `${v.kind} ${numbers}`.trim();
}
