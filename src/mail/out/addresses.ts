/**
 * Numbers as email addresses, and the identifiers that keep a conversation together.
 *
 * A number becomes the local part of an address at the configured domain. The local part is
 * built from a closed alphabet ('+' and digits for phone numbers; lowercase letters, digits,
 * '.', '_' and '-' for alphanumeric senders), so it is always an RFC 5322 §3.2.3 dot-atom and
 * nothing a sender puts in its address can reach a header unencoded.
 */
import { createHash } from 'node:crypto';
import { asCountry, phoneKey } from '../../util/phone.js';
import { formatPhoneNumber } from '../../util/phone.js';
import type { RelayMessage, RenderConfig } from './types.js';

/** What a decoded address is, once the MMS `/TYPE=` suffix is gone (OMA-TS-MMS_ENC §8). */
export type NumberKind = 'phone' | 'alphanumeric' | 'unknown';

const TYPE_SUFFIX = /\/TYPE=[A-Za-z0-9_-]*$/;

/** Strips `/TYPE=PLMN` and phone punctuation; `+49 (151) 123-45` → `+4915112345`. */
export function normalizeNumber(raw: string): string {
  const bare = raw.replace(TYPE_SUFFIX, '').trim();
  const compact = bare.replace(/[\s().\-\u00a0]/g, '');
  // 00 is the international call prefix (ITU-T E.164 §6): 0049… is +49….
  if (/^00\d{1,18}$/.test(compact)) return `+${compact.slice(2)}`;
  if (/^\+?\d{1,20}$/.test(compact)) return compact;
  return bare;
}

export function numberKind(raw: string): NumberKind {
  const n = normalizeNumber(raw);
  if (/^\+?\d{1,20}$/.test(n)) return 'phone';
  return localPartToken(n) === '' ? 'unknown' : 'alphanumeric';
}

function localPartToken(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[.-]+|[.-]+$/g, '')
    .replace(/\.{2,}/g, '.')
    .slice(0, 64);
}

/**
 * The local part for a number: `+4915112345678`, `4915112345678`, `vodafone` — or `unknown`.
 * '+' and digits are atext (RFC 5322 §3.2.3), so a leading '+' needs no quoting.
 */
export function numberLocalPart(raw: string, country?: string): string {
  // With the box's country a national number ("0871112223" from the SMSC) becomes its E.164
  // form, so one contact has one address however the network wrote the number.
  const c = asCountry(country);
  const n = c && numberKind(raw) === 'phone' ? phoneKey(raw, c) : normalizeNumber(raw);
  if (/^\+?\d{1,20}$/.test(n)) return n;
  return localPartToken(n) || 'unknown';
}

/** `+4915112345678@sms.example` */
export function numberAddress(raw: string, domain: string): string {
  return `${numberLocalPart(raw)}@${domain}`;
}

/**
 * Header text from the message (display names, subject): C0/C1 controls, DEL, line and
 * paragraph separators and bidi overrides become spaces, runs of space collapse. A sender's
 * own RFC 2047 encoded-word (`=?utf-8?q?=0A…?=`) would be passed through by the composer and
 * decoded by the reader into whatever it hides, CR/LF included; a WORD JOINER (U+2060) between
 * '=' and '?' makes it plain text, which the composer then encodes like any other non-ASCII.
 */
export function cleanHeaderText(s: string): string {
  return s
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/=\?/g, '=\u2060?');
}

const normalisedBooks = new WeakMap<Readonly<Record<string, string>>, ReadonlyMap<string, string>>();

/** The address book keyed by normalised number, built once per book object. */
function normalisedBook(book: Readonly<Record<string, string>>): ReadonlyMap<string, string> {
  let map = normalisedBooks.get(book);
  if (map === undefined) {
    const m = new Map<string, string>();
    for (const [key, name] of Object.entries(book)) {
      const clean = cleanHeaderText(name);
      const n = normalizeNumber(key);
      if (clean !== '' && !m.has(n)) m.set(n, clean);
    }
    map = m;
    normalisedBooks.set(book, map);
  }
  return map;
}

/**
 * Looks a number up in the address book, whose keys may be written with spaces or `00`, and —
 * given the box's calling code — nationally (`0151 …` for `+49151…`), as phones export them.
 */
export function contactName(raw: string, book: RenderConfig['addressBook'], countryCode?: string): string | undefined {
  if (book === undefined) return undefined;
  const map = normalisedBook(book);
  const n = normalizeNumber(raw);
  const keys = [n];
  if (countryCode !== undefined && countryCode !== '') {
    if (n.startsWith(`+${countryCode}`)) keys.push(`0${n.slice(countryCode.length + 1)}`);
    else if (/^0[1-9]\d*$/.test(n)) keys.push(`+${countryCode}${n.slice(1)}`);
  }
  for (const k of keys) {
    const name = map.get(k);
    if (name !== undefined) return name;
  }
  return undefined;
}

export interface MailAddress {
  readonly name: string;
  readonly address: string;
}

/** A number as a person reads it (`+49 151 12345678`); an alphanumeric sender as sent, cleaned. */
export function shownNumber(raw: string, config: Pick<RenderConfig, 'countryCode'>): string {
  if (numberKind(raw) === 'phone') return formatPhoneNumber(normalizeNumber(raw), { countryCode: config.countryCode });
  return cleanHeaderText(normalizeNumber(raw)).slice(0, 64) || numberLocalPart(raw);
}

/**
 * The address of a remote party: `"Alice (+4915112345678)" <+4915112345678@sms.example>`, or
 * with no contact `"+4915112345678" <…>`. The display name is handed to the MIME composer as a
 * separate field, which quotes it or encodes it as an RFC 2047 encoded-word as needed.
 */
export function partyAddress(raw: string, config: RenderConfig): MailAddress {
  const local = numberLocalPart(raw, config.country);
  const name = contactName(raw, config.addressBook, config.countryCode);
  // The header keeps the number compact (searchable, and short enough for one RFC 2047
  // encoded-word: parsers disagree on the space between two); the HTML view formats it.
  const shown = numberKind(raw) === 'phone' ? local : cleanHeaderText(normalizeNumber(raw)).slice(0, 64) || local;
  if (name === undefined) return { name: shown, address: `${local}@${config.addressDomain}` };
  const format = config.nameFormat ?? '{name} ({number})';
  // One pass, so a contact name containing "{number}" stays literal.
  const display = format.replace(/\{(name|number)\}/g, (_m, key: string) => (key === 'name' ? name : shown));
  return { name: cleanHeaderText(display) || shown, address: `${local}@${config.addressDomain}` };
}

/** Reply-To from the pattern: `{number}` → the remote number's local part, `{box}` → the box's. */
export function replyToAddress(remote: string, boxNumber: string, pattern: string, country?: string): string {
  return pattern.replaceAll('{number}', numberLocalPart(remote, country)).replaceAll('{box}', numberLocalPart(boxNumber, country));
}

/**
 * The remote parties of a message other than the box itself, normalised and de-duplicated;
 * with the box's country, national numbers become E.164 (one key however a number is written).
 */
export function participants(msg: RelayMessage, country?: string): string[] {
  const c = asCountry(country);
  const key = (raw: string): string => (c ? phoneKey(raw, c) : normalizeNumber(raw));
  const box = key(msg.boxNumber);
  const all = [msg.from, ...msg.to, ...msg.cc].map(key);
  return [...new Set(all)].filter((n) => n !== '' && n !== box);
}

/** Conversation identity: the box number and the sorted set of the other participants. */
export function conversationKey(msg: RelayMessage, country?: string): string {
  if (msg.conversationKey !== undefined && msg.conversationKey !== '') return msg.conversationKey;
  const c = asCountry(country);
  return `${c ? phoneKey(msg.boxNumber, c) : normalizeNumber(msg.boxNumber)}|${participants(msg, country).sort().join(',')}`;
}

function idDomain(config: RenderConfig): string {
  return config.messageIdDomain ?? config.addressDomain;
}

function digest(s: string, hexChars: number): string {
  return createHash('sha256').update(s, 'utf8').digest('hex').slice(0, hexChars);
}

/**
 * Message-ID (RFC 5322 §3.6.4) derived only from the store id and the box: a retried relay
 * carries the same Message-ID, so a receiver that got the first attempt can drop the second.
 * Ids that are not a plain token are hashed, so the id-left is always a dot-atom.
 */
export function messageIdFor(msg: RelayMessage, config: RenderConfig): string {
  const box = numberLocalPart(msg.boxNumber).replace(/[+.]/g, '');
  const id = PLAIN_ID.test(msg.id) ? msg.id : `h.${digest(msg.id, 32)}`;
  return `<mmsgw.${msg.kind}.${id}.${box}@${idDomain(config)}>`;
}

const PLAIN_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The store id behind one of our Message-IDs, for the inbound side matching a reply's
 * In-Reply-To/References. `undefined` for anything else, and for ids that had to be hashed.
 */
export function relayIdFromMessageId(messageId: string): { kind: 'sms' | 'mms'; id: string; box: string } | undefined {
  const m = /^<?mmsgw\.(sms|mms)\.([A-Za-z0-9_-]{1,64})\.([a-z0-9_-]*)@[^>\s]+>?$/.exec(messageId.trim());
  if (m === null) return undefined;
  return { kind: m[1] === 'sms' ? 'sms' : 'mms', id: m[2] ?? '', box: m[3] ?? '' };
}

/**
 * The conversation's root Message-ID: never sent itself, but every message of the
 * conversation names it in In-Reply-To and References (RFC 5322 §3.6.4), which is what mail
 * clients thread on.
 */
export function conversationRootId(msg: RelayMessage, config: RenderConfig): string {
  return `<mmsgw.conv.${digest(conversationKey(msg, config.country), 32)}@${idDomain(config)}>`;
}
