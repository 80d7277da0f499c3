/**
 * The comparable form of a Message-ID (MMS or email): without surrounding blanks and angle
 * brackets, lower-cased. MMSCs differ in whether the Message-ID of an m-send-conf and of the
 * m-delivery-ind / m-read-orig-ind about it carry `<>` (RFC 5322 §3.6.4 msg-id does,
 * OMA-TS-MMS_ENC §7.3.29 Message-ID is plain text) and some change its case. The SQL form is
 * `lower(trim(message_id, ' <>'))` (indexed, migration 3); both give the same for ASCII.
 */
export function messageIdKey(id: string): string {
  return id.replace(/^[ <>]+|[ <>]+$/g, '').replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** SQL expression of messageIdKey over a column. */
export const MESSAGE_ID_KEY_SQL = (column: string): string => `lower(trim(${column}, ' <>'))`;

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
