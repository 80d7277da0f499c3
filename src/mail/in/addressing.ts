/**
 * Addressing: which phone numbers a mail is for. A mail addresses the box in one of three ways:
 *
 * - plus-addressing on the box's mailbox, `box+<numbers>@example.org` (RFC 5233 subaddress);
 * - `<numbers>@<number domain>` when the box owns a domain of its own;
 * - the Reply-To the box writes on relayed messages (`replyToAddress`), which is the plus form,
 *   so a plain "Reply" in a mail client reaches the right phone.
 *
 * `<numbers>` is one number, or several joined by '_' for a group MMS. Everything is validated
 * before anything is sent: one bad number refuses the whole mail.
 */
import type { Refusal } from '../../compose/types.js';
import { refusal } from '../../compose/types.js';
import { destinationProblem, normalizeNumber, printable, sameNumber } from './numbers.js';
import type { NumberingOptions } from './numbers.js';

export interface AddressingOptions {
  /** The box's mailbox, e.g. `box@example.org`; `box+<numbers>@example.org` addresses phones. */
  readonly mailbox: string;
  /** Domains where the local part is the number(s): `<numbers>@sms.example.org`. */
  readonly numberDomains?: readonly string[];
  readonly numbering: NumberingOptions;
  /** The SIM's own number: never a destination (a mail to it would loop back to email). */
  readonly ownNumber?: string;
}

export type AddressClass =
  | { readonly kind: 'numbers'; readonly numbers: readonly string[] }
  /** The bare mailbox: ours, but names no phone. */
  | { readonly kind: 'mailbox' }
  | { readonly kind: 'invalid'; readonly reason: string }
  | { readonly kind: 'foreign' };

/** Characters allowed in the part of an address that names numbers. */
const DETAIL_CHARS = /^[0-9+\-._]+$/;
const LIST_SEPARATOR = '_';

function splitAddress(address: string): { local: string; domain: string } | undefined {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return undefined;
  let local = address.slice(0, at);
  // A quoted-string local part names the same mailbox as its unquoted content (RFC 5322 §3.4.1).
  if (local.length >= 2 && local.startsWith('"') && local.endsWith('"')) local = local.slice(1, -1).replace(/\\(.)/g, '$1');
  return { local, domain: address.slice(at + 1).toLowerCase() };
}

function parseDetail(detail: string, opts: AddressingOptions, address: string): AddressClass {
  if (!DETAIL_CHARS.test(detail)) {
    return { kind: 'invalid', reason: `The address "${printable(address)}" does not name a phone number.` };
  }
  const numbers: string[] = [];
  for (const piece of detail.split(LIST_SEPARATOR)) {
    const n = normalizeNumber(piece, opts.numbering);
    if (!n.ok) return { kind: 'invalid', reason: `The address "${printable(address)}" is not usable: ${n.reason}.` };
    const costly = destinationProblem(n.e164, opts.numbering);
    if (costly !== undefined) return { kind: 'invalid', reason: `The address "${printable(address)}" is not usable: ${costly}.` };
    if (!numbers.includes(n.e164)) numbers.push(n.e164);
  }
  return { kind: 'numbers', numbers };
}

/** Classifies one email address (already unwrapped from any display name). */
export function classifyAddress(address: string, opts: AddressingOptions): AddressClass {
  const addr = splitAddress(address.trim());
  const box = splitAddress(opts.mailbox);
  if (!addr || !box) return { kind: 'foreign' };
  const local = addr.local;
  if (addr.domain === box.domain) {
    if (local.toLowerCase() === box.local.toLowerCase()) return { kind: 'mailbox' };
    const prefix = `${box.local}+`;
    if (local.length > prefix.length && local.slice(0, prefix.length).toLowerCase() === prefix.toLowerCase()) {
      return parseDetail(local.slice(prefix.length), opts, address);
    }
  }
  if ((opts.numberDomains ?? []).some((d) => d.toLowerCase() === addr.domain)) {
    // A name without a single digit is a person who shares the domain, not a bad number.
    return /[0-9]/.test(local) ? parseDetail(local, opts, address) : { kind: 'foreign' };
  }
  return { kind: 'foreign' };
}

/**
 * Destination numbers of a mail from all the addresses it was sent to (envelope recipients, or
 * To/Cc/Delivered-To when only headers are known). Foreign addresses are ignored (a Cc to a
 * person is not an instruction to the box); any invalid box address refuses the whole mail.
 */
export function resolveRecipients(addresses: readonly string[], opts: AddressingOptions): { ok: true; numbers: string[] } | { ok: false; refusal: Refusal } {
  const numbers: string[] = [];
  let ownSeen = false;
  for (const a of addresses) {
    const c = classifyAddress(a, opts);
    if (c.kind === 'invalid') return { ok: false, refusal: refusal('MAIL_BAD_RECIPIENT', c.reason) };
    if (c.kind !== 'numbers') continue;
    for (const n of c.numbers) {
      if (opts.ownNumber !== undefined && sameNumber(n, opts.ownNumber, opts.numbering)) {
        ownSeen = true;
        continue;
      }
      if (!numbers.includes(n)) numbers.push(n);
    }
  }
  if (numbers.length === 0) {
    const reason = ownSeen
      ? 'The only number addressed is the gateway\'s own number, so there is nobody to send to.'
      : `No phone number was found among the recipients; address the mail to ${plusExample(opts.mailbox)}.`;
    return { ok: false, refusal: refusal('MAIL_NO_RECIPIENT', reason) };
  }
  return { ok: true, numbers };
}

function plusExample(mailbox: string): string {
  const at = mailbox.lastIndexOf('@');
  return at > 0 ? `${mailbox.slice(0, at)}+<number>${mailbox.slice(at)}` : mailbox;
}

/**
 * The Reply-To the box writes on a relayed message so that a plain reply reaches the
 * sender (and, for a group, every other member): `box+<digits>_<digits>@domain`, the
 * numbers written as E.164 digits; `bareDigits: 'national'` configurations keep the '+'
 * (`box++4917…`, valid atext per RFC 5322 §3.2.3) so the address reads back the same.
 */
export function replyToAddress(numbers: readonly string[], opts: AddressingOptions): string {
  const box = splitAddress(opts.mailbox);
  if (!box) throw new TypeError(`mailbox "${opts.mailbox}" is not an email address`);
  const own = opts.ownNumber;
  const lead = (opts.numbering.bareDigits ?? 'international') === 'international' ? '' : '+';
  const parts = numbers
    .map((n) => normalizeNumber(n, opts.numbering))
    .filter((n): n is { ok: true; e164: string } => n.ok)
    .filter((n) => own === undefined || !sameNumber(n.e164, own, opts.numbering))
    .map((n) => lead + n.e164.slice(1));
  if (parts.length === 0) throw new TypeError('replyToAddress needs at least one valid number other than the own number');
  return `${box.local}+${[...new Set(parts)].join(LIST_SEPARATOR)}@${box.domain}`;
}
