import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isLoopback, type Config } from '../config/index.js';
import type { AllowedSender, MailInOptions } from '../mail/in/index.js';
import { acceptInbound } from '../pipeline/outbound.js';
import type { PipelineContext } from '../pipeline/context.js';
import type { Logger } from '../util/log.js';

export interface MailIn {
  stop(): Promise<void>;
}

/** The box's own mailbox: the Reply-To pattern without its `+{number}` tag. */
export function boxMailbox(config: Config): string {
  const out = config.mail.out;
  const pattern = out.replyTo ?? `mmsgw+{number}@${out.fromDomain}`;
  return pattern.replace(/\+?\{number\}/, '').replace(/\{box\}/, '');
}

/** Calling code of the box's own number, for national numbers written in mail ("0151…"). */
export function countryCodeOf(config: Config): string {
  if (config.box.countryCode !== null) return config.box.countryCode;
  const own = config.box.ownNumber ?? config.box.numbers[0]?.number ?? '';
  // ITU-T E.164 country codes are 1–3 digits; +1 and +7 are the one-digit zones.
  const d = own.replace(/\D/g, '');
  if (d.startsWith('1') || d.startsWith('7')) return d.slice(0, 1);
  return d.slice(0, 2) || '1';
}

/** The options every inbound mail is checked against, from the configuration. */
export function mailInOptions(config: Config, ctx: PipelineContext): MailInOptions {
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
  return {
    addressing: {
      mailbox: boxMailbox(config),
      numberDomains: [config.mail.out.fromDomain],
      numbering: { defaultCountryCode: countryCodeOf(config) },
      ...(ownNumber ? { ownNumber } : {}),
    },
    authorisation: {
      senders,
      perDestination,
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
    limits: { maxRecipients: limits.maxRecipients, perHour: limits.perSenderPerHour, perDay: limits.perSenderPerDay },
    maxMailBytes: config.mail.in.smtpListener.maxSize,
    ttlSeconds: config.mmsc.sendTtlHours * 3600,
    usage: (sender, now) => senderUsage(ctx, sender, now.getTime()),
    replyFrom: boxMailbox(config),
  };
}

/** Sends (one per destination number) a sender had accepted in the last hour and day, counted from the store. */
function senderUsage(ctx: PipelineContext, sender: string, now: number): { lastHour: number; lastDay: number } {
  const recent = ctx.store.messages
    .list({ direction: 'out', limit: 1000 })
    .filter((m) => m.from === sender.toLowerCase() && m.createdAt > now - 86_400_000);
  const sends = (since: number): number =>
    recent.filter((m) => m.createdAt > since).reduce((n, m) => n + ctx.store.messages.addresses(m.id).filter((x) => x.role === 'to').length, 0);
  return { lastHour: sends(now - 3600_000), lastDay: sends(now - 86_400_000) };
}

/** Starts the IMAP poller and/or the SMTP listener the configuration enables. */
export async function startMailIn(config: Config, ctx: PipelineContext, log: Logger): Promise<MailIn> {
  const stops: (() => Promise<void>)[] = [];
  const imapOn = config.mail.in.imap.enabled && config.mail.in.imap.host && config.mail.in.imap.user && config.mail.in.imap.password;
  if (!imapOn && !config.mail.in.smtpListener.enabled) return { stop: () => Promise.resolve() };
  // Loaded only when mail comes in: the IMAP client, the SMTP server and the MIME parser are
  // several MB of RSS a gateway that only relays out never needs.
  const { FileSeenStore, ImapIntake, SmtpListener, imapSink } = await import('../mail/in/index.js');
  const opts = mailInOptions(config, ctx);
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
