/**
 * Which originators may send the box WAP Push (WAP-251 over SMS, 3GPP 23.040 §9.2.3.7
 * TP-OA). Carriers push MMS notifications from a few fixed addresses (a short code, the MMSC's
 * number, an alphanumeric name); where the carrier profile or the configuration lists them,
 * a push from anyone else is kept and reported but never acted on. Pure.
 */

/**
 * True when `from` is one of `sources`. An entry is a number (`+4917…`, `00…`, national or
 * short-code digits; compared on digits, so `+491234` and `00491234` match) optionally ending
 * in `*` for a prefix, or an alphanumeric address compared case-insensitively. An empty or
 * absent list allows every originator.
 */
export function pushSourceAllowed(from: string, sources: readonly string[] | undefined): boolean {
  if (!sources || sources.length === 0) return true;
  const digits = digitsOf(from);
  return sources.some((entry) => {
    const e = entry.trim();
    const prefix = e.endsWith('*');
    const body = prefix ? e.slice(0, -1) : e;
    const d = digitsOf(body);
    if (d === undefined || digits === undefined) return body.toLowerCase() === from.trim().toLowerCase();
    return prefix ? digits.startsWith(d) : digits === d;
  });
}

/** Digits of a phone number (`+`, `00` prefix and separators removed); undefined for alphanumeric addresses. */
function digitsOf(s: string): string | undefined {
  const c = s.trim().replace(/[\s\-().]/g, '');
  if (!/^\+?\d+$/.test(c)) return undefined;
  const d = c.replace(/^\+/, '');
  return c.startsWith('+') ? d : d.startsWith('00') ? d.slice(2) : d;
}
