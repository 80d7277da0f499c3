/**
 * The part of serviceproviders.xml that can answer a lookup for given network codes: the
 * `<provider>` elements with a `<network-id>` whose MCC+MNC is one of them, each in its
 * `<country>`. Found by a linear scan of the text, without building the document: the full file
 * (0.7 MB) as a parsed tree costs the gateway several MB of resident memory that V8 keeps after
 * the one lookup made at start. A provider left out has no network id in `plmns`, so
 * `lookupCarrier` (which matches on them) would not have chosen it from the full database.
 */

/** Removes `<!-- … -->` comments (XML 1.0 §2.5), so a commented-out provider is not selected. */
function withoutComments(xml: string): string {
  let out = '';
  let at = 0;
  for (;;) {
    const open = xml.indexOf('<!--', at);
    if (open < 0) return out + xml.slice(at);
    out += xml.slice(at, open);
    const close = xml.indexOf('-->', open + 4);
    if (close < 0) return out;
    at = close + 3;
  }
}

const NETWORK_ID = /<network-id\b([^>]*)>/g;
const attr = (attrs: string, name: string): string | undefined => new RegExp(`\\b${name}\\s*=\\s*["']\\s*(\\d+)\\s*["']`).exec(attrs)?.[1];

function servesAny(provider: string, plmns: ReadonlySet<string>): boolean {
  for (const m of provider.matchAll(NETWORK_ID)) {
    const attrs = m[1] ?? '';
    const mcc = attr(attrs, 'mcc');
    const mnc = attr(attrs, 'mnc');
    if (mcc !== undefined && mnc !== undefined && plmns.has(`${mcc}${mnc}`)) return true;
  }
  return false;
}

/** A well-formed serviceproviders document holding only the providers that serve one of `plmns`. */
export function selectProviders(xml: string, plmns: readonly string[]): string {
  const want = new Set(plmns);
  const text = withoutComments(xml);
  let out = '<serviceproviders format="2.0">';
  let at = 0;
  for (;;) {
    const country = text.indexOf('<country', at);
    if (country < 0) break;
    const head = text.indexOf('>', country);
    const end = text.indexOf('</country>', head);
    if (head < 0 || end < 0) break;
    let kept = '';
    for (let p = text.indexOf('<provider', head); p >= 0 && p < end; ) {
      const close = text.indexOf('</provider>', p);
      if (close < 0 || close > end) break;
      const provider = text.slice(p, close + '</provider>'.length);
      if (servesAny(provider, want)) kept += provider;
      p = text.indexOf('<provider', close);
    }
    if (kept !== '') out += `${text.slice(country, head + 1)}${kept}</country>`;
    at = end + '</country>'.length;
  }
  return `${out}</serviceproviders>`;
}
