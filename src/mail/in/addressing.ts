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
 *
 * A box with several SIMs: `<numbers>=<own number>` (`box+4915112345678=4917600000001@…`) asks
 * to send from that own number, i.e. through the modem holding it ('=' is atext, RFC 5322
 * §3.2.3, and never part of a number).
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
  /** Every own number of the box (several SIMs): what `=<own number>` may name. */
  readonly ownNumbers?: readonly string[];
}

export type AddressClass =
  | { readonly kind: 'numbers'; readonly numbers: readonly string[]; readonly via?: string }
  /** The bare mailbox: ours, but names no phone. */
  | { readonly kind: 'mailbox' }
  | { readonly kind: 'invalid'; readonly reason: string }
  | { readonly kind: 'foreign' };

/** Characters allowed in the part of an address that names numbers. */
const DETAIL_CHARS = /^[0-9+\-._]+$/;
const LIST_SEPARATOR = '_';
/** Separates the destinations from the own number to send from. */
const VIA_SEPARATOR = '=';

function splitAddress(address: string): { local: string; domain: string } | undefined {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return undefined;
  let local = address.slice(0, at);
  // A quoted-string local part names the same mailbox as its unquoted content (RFC 5322 §3.4.1).
  if (local.length >= 2 && local.startsWith('"') && local.endsWith('"')) local = local.slice(1, -1).replace(/\\(.)/g, '$1');
  return { local, domain: address.slice(at + 1).toLowerCase() };
}

function parseDetail(full: string, opts: AddressingOptions, address: string): AddressClass {
  const [detail = '', via, extra] = full.split(VIA_SEPARATOR);
  if (extra !== undefined) return { kind: 'invalid', reason: `The address "${printable(address)}" names more than one number to send from.` };
  let own: string | undefined;
  if (via !== undefined) {
    const n = DETAIL_CHARS.test(via) ? normalizeNumber(via, opts.numbering) : undefined;
    own = n?.ok ? (opts.ownNumbers ?? []).find((o) => sameNumber(o, n.e164, opts.numbering)) : undefined;
    if (own === undefined) return { kind: 'invalid', reason: `The address "${printable(address)}" asks to send from ${printable(via)}, which is not a number of this gateway.` };
  }
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
  return { kind: 'numbers', numbers, ...(own !== undefined ? { via: own } : {}) };
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
export function resolveRecipients(addresses: readonly string[], opts: AddressingOptions): { ok: true; numbers: string[]; via?: string } | { ok: false; refusal: Refusal } {
  const numbers: string[] = [];
  let ownSeen = false;
  let via: string | undefined;
  for (const a of addresses) {
    const c = classifyAddress(a, opts);
    if (c.kind === 'invalid') return { ok: false, refusal: refusal('MAIL_BAD_RECIPIENT', c.reason) };
    if (c.kind !== 'numbers') continue;
    if (c.via !== undefined && via !== undefined && c.via !== via) {
      return { ok: false, refusal: refusal('MAIL_BAD_RECIPIENT', `The mail asks to be sent from two numbers (${via} and ${c.via}); one message goes out from one number.`) };
    }
    via = c.via ?? via;
    for (const n of c.numbers) {
      // Any of the box's own numbers (several SIMs): a message to itself would loop back to email.
      if ([opts.ownNumber, ...(opts.ownNumbers ?? [])].some((o) => o !== undefined && sameNumber(n, o, opts.numbering))) {
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
  return { ok: true, numbers, ...(via !== undefined ? { via } : {}) };
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
