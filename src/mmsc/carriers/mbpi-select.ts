/**
 * The part of serviceproviders.xml that can answer a lookup for given network codes: the
 * `<provider>` elements with a `<network-id>` whose MCC+MNC is one of them, each in its
 * `<country>`. Found by a linear scan of the file's bytes, without decoding the file into a
 * string or building the document: the full file (0.36 MB, 0.7 MB as a JavaScript string) as a
 * parsed tree costs the gateway several MB of resident memory that V8 keeps after the one lookup
 * made at start; only the providers kept are decoded. A provider left out has no network id in
 * `plmns`, so `lookupCarrier` (which matches on them) would not have chosen it from the full
 * database. The markup searched for is ASCII, so byte offsets in UTF-8 are safe to cut at.
 */

/** `<!-- … -->` comments (XML 1.0 §2.5) as [start, end) byte ranges, in order. */
function commentRanges(buf: Buffer): Array<readonly [number, number]> {
  const out: Array<readonly [number, number]> = [];
  for (let open = buf.indexOf('<!--'); open >= 0; ) {
    const close = buf.indexOf('-->', open + 4);
    const end = close < 0 ? buf.length : close + 3;
    out.push([open, end]);
    open = buf.indexOf('<!--', end);
  }
  return out;
}

/** Finds `needle` at or after `from`, outside comments (so a commented-out provider is not selected). */
class Scanner {
  private readonly comments: Array<readonly [number, number]>;
  constructor(readonly buf: Buffer) {
    this.comments = commentRanges(buf);
  }

  /** The comment containing byte `i`, if any (binary search over the ordered ranges). */
  private commentAt(i: number): readonly [number, number] | undefined {
    let lo = 0;
    let hi = this.comments.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = this.comments[mid] as readonly [number, number];
      if (i < c[0]) hi = mid - 1;
      else if (i >= c[1]) lo = mid + 1;
      else return c;
    }
    return undefined;
  }

  indexOf(needle: string, from: number, before = this.buf.length): number {
    for (let i = this.buf.indexOf(needle, from); i >= 0 && i < before; i = this.buf.indexOf(needle, i + 1)) {
      const c = this.commentAt(i);
      if (!c) return i;
      i = c[1] - 1;
    }
    return -1;
  }
}

const ATTR = (name: string): RegExp => new RegExp(`\\b${name}\\s*=\\s*["']\\s*(\\d+)\\s*["']`);
const MCC = ATTR('mcc');
const MNC = ATTR('mnc');

/**
 * Whether a `<provider>` (bytes `from`–`to`) has a `<network-id>` with one of `plmns`. A tag
 * without one of their MCCs' digits anywhere in it is passed over without being decoded.
 */
function servesAny(s: Scanner, from: number, to: number, plmns: ReadonlySet<string>, mccs: readonly string[]): boolean {
  for (let n = s.indexOf('<network-id', from, to); n >= 0; n = s.indexOf('<network-id', n + 1, to)) {
    const end = s.buf.indexOf('>', n);
    if (end < 0 || end > to) return false;
    if (!mccs.some((m) => { const i = s.buf.indexOf(m, n); return i >= 0 && i < end; })) continue;
    const attrs = s.buf.toString('latin1', n + '<network-id'.length, end);
    const mcc = MCC.exec(attrs)?.[1];
    const mnc = MNC.exec(attrs)?.[1];
    if (mcc !== undefined && mnc !== undefined && plmns.has(`${mcc}${mnc}`)) return true;
  }
  return false;
}

/**
 * A well-formed serviceproviders document holding only the providers that serve one of `plmns`
 * (`<serviceproviders format="2.0"></serviceproviders>` when none does).
 */
export function selectProviders(xml: Buffer | string, plmns: readonly string[]): string {
  const want = new Set(plmns);
  const mccs = [...new Set(plmns.map((p) => p.slice(0, 3)))];
  const s = new Scanner(typeof xml === 'string' ? Buffer.from(xml, 'utf8') : xml);
  const buf = s.buf;
  let out = '<serviceproviders format="2.0">';
  for (let country = s.indexOf('<country', 0); country >= 0; ) {
    const head = buf.indexOf('>', country);
    const end = head < 0 ? -1 : s.indexOf('</country>', head);
    if (end < 0) break;
    let kept = '';
    for (let p = s.indexOf('<provider', head, end); p >= 0; ) {
      const close = s.indexOf('</provider>', p, end);
      if (close < 0) break;
      const after = close + '</provider>'.length;
      if (servesAny(s, p, close, want, mccs)) kept += buf.toString('utf8', p, after);
      p = s.indexOf('<provider', after, end);
    }
    if (kept !== '') out += `${buf.toString('utf8', country, head + 1)}${kept}</country>`;
    country = s.indexOf('<country', end + '</country>'.length);
  }
  return `${out}</serviceproviders>`;
}

/** Whether a document from `selectProviders` holds any provider (else there is nothing to parse). */
export function hasProviders(selected: string): boolean {
  return selected.includes('<provider');
}
