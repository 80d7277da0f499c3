/**
 * Authorisation: who may make the box send. Only configured senders (an address, or a whole
 * domain written `@example.org`) pass, optionally restricted to some destination numbers. When
 * the operator asks for it, the receiving server's verdicts (RFC 8601 Authentication-Results
 * with the operator's authserv-id) must show a DKIM (RFC 6376) and/or SPF (RFC 7208) pass
 * aligned with the From domain; a DMARC (RFC 7489) fail for the From domain is refused
 * in any case. An SMTP AUTH login on the box's own listener is stronger
 * evidence than either and satisfies both requirements.
 */
import type { Refusal } from '../../compose/types.js';
import { refusal } from '../../compose/types.js';
import type { AuthResults } from './auth-results.js';
import { dkimPassFor, dmarcFailFor, domainOf, spfPassFor } from './auth-results.js';
import { printable, sameNumber } from './numbers.js';
import type { NumberingOptions } from './numbers.js';

export interface AllowedSender {
  /** `alice@example.org`, or `@example.org` for every address of that domain. */
  readonly address: string;
  /** When present, the only destination numbers this sender may use. */
  readonly numbers?: readonly string[];
}

export interface AuthorisationOptions {
  readonly senders: readonly AllowedSender[];
  /**
   * Numbers reserved to some senders: a number listed here may only be sent to by the senders
   * of its rule (addresses or `@domain`), whatever the general sender list says.
   */
  readonly perDestination?: readonly { readonly to: string; readonly senders: readonly string[] }[];
  readonly requireDkimPass?: boolean;
  readonly requireSpfPass?: boolean;
  /** authserv-id of the receiving server whose Authentication-Results are trusted (RFC 8601 §2.5). */
  readonly authservId?: string;
  /**
   * Demand proof beyond the From address: an SMTP login on the listener, or a DKIM pass
   * aligned with the From domain, or an SPF pass for an envelope sender aligned with it
   * (configuration default; `trustFromAlone` turns it off).
   */
  readonly requireAuthenticated?: boolean;
}

export interface SenderEvidence {
  /** Addresses of the From header field (RFC 5322 §3.6.2). */
  readonly from: readonly string[];
  /** The trusted Authentication-Results, when the receiving server wrote them. */
  readonly authResults?: AuthResults;
  /** Set when the mail came in over an authenticated SMTP session on the box's listener. */
  readonly smtpUser?: { readonly username: string; readonly senders?: readonly string[] };
}

export type AuthorisationResult = { readonly ok: true; readonly sender: string } | { readonly ok: false; readonly refusal: Refusal };

function matches(entry: string, address: string): boolean {
  const e = entry.trim().toLowerCase();
  const a = address.trim().toLowerCase();
  if (e.startsWith('@')) return domainOf(a) === e.slice(1);
  return e === a;
}

/**
 * Checks one mail's sender against the configuration for the given destination numbers.
 * All-or-nothing: a sender allowed for some numbers but not all is refused as a whole.
 */
export function authorise(evidence: SenderEvidence, numbers: readonly string[], opts: AuthorisationOptions, numbering: NumberingOptions): AuthorisationResult {
  if (evidence.from.length !== 1) {
    const why = evidence.from.length === 0 ? 'The mail has no sender address (From).' : 'The mail names more than one sender address (From), so the sender is ambiguous.';
    return { ok: false, refusal: refusal('MAIL_NO_SENDER', why) };
  }
  const from = (evidence.from[0] as string).toLowerCase();
  const shown = printable(from);

  if (evidence.smtpUser?.senders !== undefined && !evidence.smtpUser.senders.some((s) => matches(s, from))) {
    return { ok: false, refusal: refusal('MAIL_SENDER_UNKNOWN', `The login "${printable(evidence.smtpUser.username)}" may not send as ${shown}.`) };
  }
  // A sender named in a destination rule is known for that number even if listed nowhere else.
  const fromRules = (opts.perDestination ?? []).filter((r) => r.senders.some((x) => matches(x, from))).map((r) => ({ address: from, numbers: [r.to] }));
  const entries: AllowedSender[] = [...opts.senders.filter((s) => matches(s.address, from)), ...fromRules];
  if (entries.length === 0 && evidence.smtpUser?.senders === undefined) {
    return { ok: false, refusal: refusal('MAIL_SENDER_UNKNOWN', `${shown} is not allowed to send text messages through this gateway.`) };
  }

  if (evidence.smtpUser === undefined) {
    const ar = evidence.authResults;
    // The trusted server's verdicts are honoured even when no pass is required.
    if (ar && dmarcFailFor(ar, from)) {
      return { ok: false, refusal: refusal('MAIL_AUTH_FAILED', `The mail claims to come from ${shown}, but its domain's DMARC policy says it did not, so it cannot be trusted.`) };
    }
    if (opts.requireAuthenticated && !(ar && (dkimPassFor(ar, from) || spfPassFor(ar, from)))) {
      return {
        ok: false,
        refusal: refusal('MAIL_AUTH_FAILED', `The mail from ${shown} carries no proof that it comes from you: it was sent without a login to this gateway, and neither a DKIM signature nor SPF for ${printable(domainOf(from))} passed.`),
      };
    }
    if (opts.requireDkimPass && !(ar && dkimPassFor(ar, from))) {
      return { ok: false, refusal: refusal('MAIL_AUTH_FAILED', `The mail from ${shown} carries no valid DKIM signature for its domain, so it cannot be trusted to come from you.`) };
    }
    if (opts.requireSpfPass && !(ar && spfPassFor(ar, from))) {
      return { ok: false, refusal: refusal('MAIL_AUTH_FAILED', `The mail from ${shown} did not pass SPF for its domain, so it cannot be trusted to come from you.`) };
    }
  }

  // Numbers reserved to some senders.
  const reserved = numbers.filter((n) => {
    const rules = (opts.perDestination ?? []).filter((r) => sameNumber(r.to, n, numbering));
    return rules.length > 0 && !rules.some((r) => r.senders.some((x) => matches(x, from)));
  });
  if (reserved.length > 0) {
    return { ok: false, refusal: refusal('MAIL_SENDER_NOT_ALLOWED_FOR_NUMBER', `${shown} is not allowed to send to ${reserved.join(', ')}; nothing was sent.`) };
  }

  // Restriction by number: an unrestricted matching entry (or an SMTP login with its own
  // sender list) allows every number; otherwise every number must be listed somewhere.
  const unrestricted = entries.some((e) => e.numbers === undefined) || (entries.length === 0 && evidence.smtpUser?.senders !== undefined);
  if (!unrestricted) {
    const allowed = entries.flatMap((e) => e.numbers ?? []);
    const denied = numbers.filter((n) => !allowed.some((a) => sameNumber(a, n, numbering)));
    if (denied.length > 0) {
      return { ok: false, refusal: refusal('MAIL_SENDER_NOT_ALLOWED_FOR_NUMBER', `${shown} is not allowed to send to ${denied.join(', ')}; nothing was sent.`) };
    }
  }
  return { ok: true, sender: from };
}
