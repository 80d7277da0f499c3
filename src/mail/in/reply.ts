/**
 * Replies to refused mail, and the loop rules that keep them from ping-ponging. The reply is
 * an automatic response in the sense of RFC 3834: sent to the envelope sender (Return-Path,
 * RFC 3834 §4), marked `Auto-Submitted: auto-replied` (§5), threaded with In-Reply-To and
 * References (RFC 5322 §3.6.4), and sent with a null reverse-path (RFC 5321 §4.5.5) so that
 * its own bounce cannot come back. Nothing is ever sent in answer to automatic mail.
 */
import type { Refusal } from '../../compose/types.js';

/** A ready-to-send message; the shape is accepted as-is by nodemailer's `sendMail`. */
export interface ReplyMail {
  /** SMTP envelope: null reverse-path (`from: ''`), the one recipient. */
  readonly envelope: { readonly from: ''; readonly to: string };
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly inReplyTo?: string;
  readonly references?: string[];
  readonly headers: Readonly<Record<string, string>>;
}

/** What the loop rules look at; header names lowercase, values unfolded. */
export interface LoopEvidence {
  readonly header: (name: string) => string | undefined;
  readonly contentType: string | undefined;
  /** Envelope sender: address, `null` for the null reverse-path `<>`, undefined when unknown. */
  readonly envelopeFrom: string | null | undefined;
  readonly fromAddress: string | undefined;
  readonly ownMailbox: string;
}

/**
 * Why a mail must get no automatic answer, or undefined. RFC 3834 §2 (Auto-Submitted, list
 * and bulk mail, MAILER-DAEMON / -request / owner- senders), RFC 2369 / RFC 2919 list
 * headers, RFC 3464 / RFC 6522 delivery reports, and Microsoft's X-Auto-Response-Suppress.
 */
export function noReplyReason(m: LoopEvidence): string | undefined {
  const auto = m.header('auto-submitted');
  if (auto !== undefined && auto.trim().toLowerCase().split(';')[0]?.trim() !== 'no') return `Auto-Submitted: ${auto}`;
  const precedence = m.header('precedence')?.trim().toLowerCase();
  if (precedence === 'bulk' || precedence === 'list' || precedence === 'junk') return `Precedence: ${precedence}`;
  for (const h of ['list-id', 'list-unsubscribe', 'list-post']) if (m.header(h) !== undefined) return `${h} header`;
  const suppress = m.header('x-auto-response-suppress')?.toLowerCase() ?? '';
  if (/\b(all|autoreply|oof)\b/.test(suppress)) return `X-Auto-Response-Suppress: ${suppress}`;
  if (m.contentType?.toLowerCase().startsWith('multipart/report')) return 'delivery or disposition report';
  if (m.envelopeFrom === null) return 'null envelope sender';
  const sender = (m.envelopeFrom ?? m.fromAddress ?? '').toLowerCase();
  const local = sender.slice(0, Math.max(0, sender.lastIndexOf('@')));
  if (/^(mailer-daemon|postmaster|listserv|majordomo|noreply|no-reply|do-not-reply|donotreply)$/.test(local) || local.endsWith('-request') || local.startsWith('owner-')) {
    return `automatic sender ${sender}`;
  }
  const own = m.ownMailbox.toLowerCase();
  if ([m.fromAddress, m.envelopeFrom].some((a) => typeof a === 'string' && a.toLowerCase() === own)) return 'mail from the gateway itself';
  return undefined;
}

export interface ReplyInput {
  readonly to: string;
  readonly from: string;
  readonly refusal: Refusal;
  readonly originalSubject?: string;
  readonly originalMessageId?: string;
  readonly originalReferences?: readonly string[];
  readonly numbers?: readonly string[];
}

function oneLine(s: string, max: number): string {
  const flat = s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').replace(/\s+/g, ' ').trim();
  return [...flat].length > max ? `${[...flat].slice(0, max - 1).join('')}…` : flat;
}

/** Message-ID in angle brackets if it is one, else undefined (RFC 5322 §3.6.4 msg-id). */
function msgId(id: string | undefined): string | undefined {
  if (id === undefined) return undefined;
  const t = id.trim();
  return /^<[^<>\s]+@[^<>\s]+>$/.test(t) ? t : undefined;
}

export function buildReply(r: ReplyInput): ReplyMail {
  const subject = r.originalSubject ? `Not sent: ${oneLine(r.originalSubject, 120)}` : 'Not sent: your message to the SMS/MMS gateway';
  const lines = [
    r.numbers && r.numbers.length > 0
      ? `Your message to ${r.numbers.join(', ')} was not sent.`
      : 'Your message was not sent.',
    '',
    oneLine(r.refusal.reason, 600),
    '',
    `(code ${r.refusal.code})`,
    '',
    'This is an automatic reply from the SMS/MMS gateway; answers to it are not read.',
  ];
  const inReplyTo = msgId(r.originalMessageId);
  const references = [...(r.originalReferences ?? []).map(msgId).filter((x): x is string => x !== undefined), ...(inReplyTo ? [inReplyTo] : [])];
  const base = {
    envelope: { from: '' as const, to: r.to },
    from: r.from,
    to: r.to,
    subject,
    text: lines.join('\n'),
    headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
  };
  if (inReplyTo === undefined) return base;
  return { ...base, inReplyTo, references: references.slice(-20) };
}
