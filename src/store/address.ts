/**
 * The comparable form of an address as stored in `addresses.normalized`: phone numbers
 * without the MMS type suffix (OMA-TS-MMS_ENC §8: `+49…/TYPE=PLMN`), separators and with
 * `00` turned into `+`; email addresses lower-cased. Anything else (alphanumeric senders
 * like "BANK") is trimmed and kept as it is.
 */
export function normalizeAddress(raw: string): string {
  let s = raw.trim();
  const type = /\/TYPE=([A-Za-z0-9]+)$/i.exec(s);
  if (type) s = s.slice(0, type.index);
  if (s.includes('@')) {
    const angle = /<([^<>]+)>\s*$/.exec(s);
    return (angle?.[1] ?? s).trim().toLowerCase();
  }
  const compact = s.replace(/[\s\-().]/g, '');
  if (/^\+?\d+$/.test(compact)) return compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
  return s;
}
