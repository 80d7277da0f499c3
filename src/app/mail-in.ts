import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/index.js';
import { isLoopback } from '../config/plain.js';
import type { AllowedSender, MailInOptions } from '../mail/in/index.js';
import { acceptInbound } from '../pipeline/outbound.js';
import type { PipelineContext } from '../pipeline/context.js';
import type { Logger } from '../util/log.js';
import type { SenderUsage } from '../compose/limits.js';
import { boxCountry, type CountryCode } from '../util/phone.js';

export interface MailIn {
  stop(): Promise<void>;
}

/** The box's own mailbox: the Reply-To pattern without its `+{number}` tag. */
export function boxMailbox(config: Config): string {
  const out = config.mail.out;
  const pattern = out.replyTo ?? `mmsgw+{number}@${out.fromDomain}`;
  return pattern.replace(/\+?\{number\}/, '').replace(/\{box\}/, '');
}

/**
 * The box's country for numbers written in mail ("0871112223"): `box.country`, else the SIM's
 * MCC, else the country of the box's own number, else of `box.countryCode` (src/util/phone.ts).
 */
export function countryOf(config: Config, imsi?: string): CountryCode | undefined {
  return boxCountry({ configured: config.box.country, imsi, ownNumber: config.box.ownNumber ?? config.box.numbers[0]?.number, callingCode: config.box.countryCode });
}

/** The options every inbound mail is checked against, from the configuration. */
export function mailInOptions(config: Config, ctx: PipelineContext, imsi?: string): MailInOptions {
  const a = config.mail.in.authorisation;
  const senders: AllowedSender[] = [
    ...a.allowedSenders.map((address) => ({ address })),
    ...a.allowedDomains.map((d) => ({ address: `@${d}` })),
    ...a.perDestination.flatMap((rule) => [
      ...rule.allowedSenders.map((address) => ({ address, numbers: [rule.to] })),
      ...rule.allowedDomains.map((d) => ({ address: `@${d}`, numbers: [rule.to] })),
    ]),
  ];
  // A number with its own rule is reserved to that rule's senders.
  const perDestination = a.perDestination.map((r) => ({ to: r.to, senders: [...r.allowedSenders, ...r.allowedDomains.map((d) => `@${d}`)] }));
  const limits = config.mail.in.limits;
  const ownNumber = ctx.ownNumber;
  const country = countryOf(config, imsi);
  return {
    addressing: {
      mailbox: boxMailbox(config),
      numberDomains: [config.mail.out.fromDomain],
      numbering: {
        ...(country ? { country } : {}),
        refuseTypes: config.mail.in.destinations.refuseTypes,
        allow: config.mail.in.destinations.allow,
      },
      ...(ownNumber ? { ownNumber } : {}),
      ownNumbers: [...new Set([...(ctx.modems?.numbers() ?? []), config.box.ownNumber, ...config.box.numbers.map((n) => n.number), ...config.modems.map((m) => m.number)].filter((n): n is string => typeof n === 'string'))],
    },
    authorisation: {
      senders,
      perDestination,
      requireAuthenticated: !a.trustFromAlone,
      requireDkimPass: a.requireDkimPass,
      requireSpfPass: a.requireSpfPass,
      ...(a.authservId !== null ? { authservId: a.authservId } : {}),
    },
    compose: {
      maxSmsParts: config.compose.maxSmsParts,
      mmsMaxBytes: config.mmsc.maxMessageSize,
      trim: { quotes: config.compose.trimQuotes, signature: config.compose.trimSignatures },
      imageMaxDimension: config.compose.imageMaxDimension,
      jpegQuality: config.compose.jpegQuality,
    },
    limits: {
      maxRecipients: limits.maxRecipients,
      perHour: limits.perSenderPerHour,
      perDay: limits.perSenderPerDay,
      perDomainHour: limits.perDomainPerHour,
      perDomainDay: limits.perDomainPerDay,
      perBoxHour: limits.perBoxPerHour,
      perBoxDay: limits.perBoxPerDay,
    },
    maxMailBytes: config.mail.in.smtpListener.maxSize,
    ttlSeconds: config.mmsc.sendTtlHours * 3600,
    usage: (sender, now) => senderUsage(ctx, sender, now.getTime()),
    isDuplicate: (key) => ctx.store.messages.getByEmailMessageId(key) !== undefined,
    replyFrom: boxMailbox(config),
  };
}

/**
 * Sends (one per destination number) accepted in the last hour and day for the sender, its
 * domain and the whole box, counted from the store over the whole window.
 */
export function senderUsage(ctx: PipelineContext, sender: string, now: number): SenderUsage {
  const u = ctx.store.messages.outboundUsage(now, sender);
  return { ...u.from, ...(u.domain ? { domain: u.domain } : {}), box: u.box };
}

/**
 * Warnings about how mail in is authorised, for the start-up log and `mmsgw doctor`: a
 * configuration that trusts the From address alone lets anyone who knows an allowed address
 * make the box send; IMAP without a trusted authserv-id can authenticate nobody.
 */
export function mailInWarnings(config: Config): string[] {
  const m = config.mail.in;
  if (!m.imap.enabled && !m.smtpListener.enabled) return [];
  const out: string[] = [];
  if (m.authorisation.trustFromAlone) {
    out.push('mail.in.authorisation.trustFromAlone is true: anyone who writes an allowed From address can make this box send SMS/MMS; require a login, DKIM or SPF instead');
  } else if (m.imap.enabled && m.authorisation.authservId === null) {
    out.push('mail.in.imap is enabled without mail.in.authorisation.authservId: mail read over IMAP cannot be authenticated (no trusted Authentication-Results), so every mail from it is refused');
  }
  return out;
}

/** Starts the IMAP poller and/or the SMTP listener the configuration enables. */
export async function startMailIn(config: Config, ctx: PipelineContext, log: Logger, imsi?: string, onImapError?: () => void): Promise<MailIn> {
  const stops: (() => Promise<void>)[] = [];
  for (const w of mailInWarnings(config)) log.warn(w);
  const imapOn = config.mail.in.imap.enabled && config.mail.in.imap.host && config.mail.in.imap.user && config.mail.in.imap.password;
  if (!imapOn && !config.mail.in.smtpListener.enabled) return { stop: () => Promise.resolve() };
  // Loaded only when mail comes in: the IMAP client, the SMTP server and the MIME parser are
  // several MB of RSS a gateway that only relays out never needs.
  const { FileSeenStore, ImapIntake, SmtpListener, imapSink } = await import('../mail/in/index.js');
  const opts = mailInOptions(config, ctx, imsi);
  const handler = (outcome: Parameters<typeof acceptInbound>[1]): Promise<void> => acceptInbound(ctx, outcome);
  const imap = config.mail.in.imap;
  if (imap.enabled && imap.host && imap.user && imap.password) {
    const intake = new ImapIntake(
      {
        host: imap.host,
        port: imap.port,
        secure: imap.tls,
        // A mailbox on this machine (a local Dovecot) may offer no STARTTLS; the login then never
        // leaves the host. Anywhere else, tls: false still means STARTTLS is required.
        allowPlaintext: !imap.tls && isLoopback(imap.host),
        user: imap.user,
        pass: imap.password,
        mailbox: imap.mailbox,
        ...(imap.processedFolder ? { processedMailbox: imap.processedFolder } : {}),
        pollIntervalMs: imap.pollSeconds * 1000,
        idle: imap.idle,
        maxMailBytes: config.mail.in.smtpListener.maxSize,
        ...(onImapError ? { onError: onImapError } : {}),
      },
      new FileSeenStore(join(config.stateDir, 'imap-seen.json')),
      imapSink(opts, handler),
    );
    intake.start();
    stops.push(() => intake.stop());
    log.info({ host: imap.host, mailbox: imap.mailbox }, 'IMAP intake started');
  }
  const l = config.mail.in.smtpListener;
  if (l.enabled) {
    const listener = new SmtpListener(
      {
        host: l.host,
        port: l.port,
        users: l.users.map((u) => ({ username: u.user, password: u.password })),
        allowInsecureAuth: l.allowInsecureAuth,
        ...(l.starttls ? { tls: { key: readFileSync(l.starttls.key), cert: readFileSync(l.starttls.cert) } } : {}),
      },
      opts,
      handler,
    );
    await listener.listen();
    stops.push(() => listener.close());
    log.info({ host: l.host, port: l.port }, 'SMTP listener started');
  }
  return { stop: async () => { for (const s of stops) await s(); } };
}
