import { z } from 'zod';
import { bool, domain, e164, email, host, int, isLoopback, port, show, text } from './fields.js';

/** The `mail` (out and in) and `compose` sections of the configuration schema. */

const oauth2 = z.strictObject({
  clientId: text(),
  clientSecret: text(),
  refreshToken: text(),
  accessToken: text().nullable().default(null),
});

const smtpAuth = z
  .strictObject({
    user: text(),
    password: text().nullable().default(null),
    oauth2: oauth2.nullable().default(null),
  })
  .superRefine((a, ctx) => {
    if (a.password === null && a.oauth2 === null) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: 'required unless oauth2 is set (or set MMSGW_SMTP_PASSWORD)' });
    }
    if (a.password !== null && a.oauth2 !== null) {
      ctx.addIssue({ code: 'custom', path: ['oauth2'], message: 'give either password or oauth2, not both' });
    }
  });

const smtp = z
  .strictObject({
    host: host().default('localhost'),
    port: port().default(587),
    /** Implicit TLS from the first byte (port 465). */
    secure: bool().default(false),
    /** Require STARTTLS on a plain connection. */
    starttls: bool().default(true),
    auth: smtpAuth.nullable().default(null),
    /** Keep SMTP connections open between relays (one pool for the process) instead of one connection per mail. */
    pool: bool().default(true),
    /** Connections the pool opens at most (the job worker relays 2 messages at once). */
    maxConnections: int(1, 10).default(2),
  })
  .prefault({})
  .superRefine((s, ctx) => {
    if (s.secure && s.starttls) {
      ctx.addIssue({ code: 'custom', path: ['starttls'], message: 'must be false when secure is true (implicit TLS already encrypts)' });
    }
  });

/** A sender pattern: an E.164 number, optionally ending in `*` (prefix match), or `*`. */
const senderPattern = z
  .string({ error: (iss) => `expected a number pattern like '+4930*', got ${show(iss.input)}` })
  .regex(/^(\*|\+?\d{1,15}\*?)$/, { error: (iss) => `expected a number pattern like '+4930*', got ${show(iss.input)}` });

const route = z.strictObject({
  to: e164().nullable().default(null),
  from: senderPattern.nullable().default(null),
  mailboxes: z.array(email()).min(1, { error: 'needs at least one mailbox' }),
});

const addressBook = z.union([text('a file path or a map of numbers to names'), z.record(z.string(), z.string())], {
  error: (iss) => `expected a file path or a map of numbers to names, got ${show(iss.input)}`,
});

const out = z
  .strictObject({
    smtp,
    fromDomain: domain().default('localhost'),
    fromNameFormat: text().default('{name} ({number})'),
    replyTo: text()
      .refine((v) => v.includes('{number}') && v.includes('@'), { error: "must be an address pattern containing {number}, like 'box+{number}@example.com'" })
      .nullable()
      .default(null),
    routes: z.array(route).default([]),
    defaultMailbox: email().nullable().default(null),
    addressBook: addressBook.default({}),
    attachRawMms: bool().default(false),
    /** A Subject fixed per correspondent for threading: {kind}, {name}, {number}, {box}; null: the message's own. */
    threadSubject: text('a subject template like "{kind} from {name}"').nullable().default(null),
    /** Tallest an inline picture is shown in the HTML view, CSS pixels. */
    imageMaxHeight: int(64, 4096).default(480),
  })
  .prefault({});

const imap = z
  .strictObject({
    enabled: bool().default(false),
    host: host().nullable().default(null),
    port: port().default(993),
    tls: bool().default(true),
    user: text().nullable().default(null),
    password: text().nullable().default(null),
    mailbox: text().default('INBOX'),
    pollSeconds: int(5, 86400).default(60),
    idle: bool().default(true),
    processedFolder: text().nullable().default('mmsgw/processed'),
  })
  .prefault({})
  .superRefine((i, ctx) => {
    if (i.processedFolder === i.mailbox) {
      ctx.addIssue({ code: 'custom', path: ['processedFolder'], message: 'must differ from mailbox, or processed mail would be read again' });
    }
    if (!i.enabled) return;
    for (const key of ['host', 'user', 'password'] as const) {
      if (i[key] === null) {
        const hint = key === 'password' ? ' (or set MMSGW_IMAP_PASSWORD)' : '';
        ctx.addIssue({ code: 'custom', path: [key], message: `required when mail.in.imap.enabled is true${hint}` });
      }
    }
  });

const smtpListener = z
  .strictObject({
    enabled: bool().default(false),
    host: host().default('127.0.0.1'),
    port: port(true).default(2525),
    starttls: z.strictObject({ cert: text('a PEM file path'), key: text('a PEM file path') }).nullable().default(null),
    users: z.array(z.strictObject({ user: text(), password: text() })).default([]),
    maxSize: int(1024, 104_857_600).default(10_485_760),
    /** Offer AUTH without STARTTLS (only sensible on a trusted LAN segment). */
    allowInsecureAuth: bool().default(false),
  })
  .prefault({})
  .superRefine((l, ctx) => {
    if (l.users.length > 0 && l.starttls === null && !l.allowInsecureAuth) {
      ctx.addIssue({ code: 'custom', path: ['starttls'], message: 'required when users are set: passwords must not cross the network in clear text (or set allowInsecureAuth: true)' });
    }
  });

const destinationRule = z.strictObject({
  to: e164(),
  allowedSenders: z.array(email()).default([]),
  allowedDomains: z.array(domain()).default([]),
});

const authorisation = z
  .strictObject({
    allowedSenders: z.array(email()).default([]),
    allowedDomains: z.array(domain()).default([]),
    perDestination: z.array(destinationRule).default([]),
    requireDkimPass: bool().default(false),
    requireSpfPass: bool().default(false),
    /**
     * Accept a mail on its From address alone (no login, no DKIM or SPF pass). Off by default:
     * a From address is easy to forge.
     */
    trustFromAlone: bool().default(false),
    /** authserv-id of the mail server whose Authentication-Results headers are trusted (RFC 8601 §2.5). */
    authservId: text('the authserv-id of your mail server, e.g. mx.example.com').nullable().default(null),
  })
  .superRefine((a, ctx) => {
    if ((a.requireDkimPass || a.requireSpfPass) && a.authservId === null) {
      ctx.addIssue({
        code: 'custom',
        path: ['authservId'],
        message: 'required when requireDkimPass or requireSpfPass is true: only Authentication-Results written by this server are trusted',
      });
    }
  })
  .prefault({});

const limits = z
  .strictObject({
    perSenderPerHour: int(0, 100_000).default(30),
    perSenderPerDay: int(0, 1_000_000).default(200),
    /** All senders of one domain together (several addresses of one domain cannot multiply the sender cap). */
    perDomainPerHour: int(0, 100_000).default(60),
    perDomainPerDay: int(0, 1_000_000).default(400),
    /** The whole box, every sender together. */
    perBoxPerHour: int(0, 100_000).default(120),
    perBoxPerDay: int(0, 1_000_000).default(1000),
    maxRecipients: int(1, 100).default(10),
  })
  .prefault({});

/** Destination numbers: types refused (premium-rate and other costly ones) and numbers allowed anyway. */
const NUMBER_TYPES = ['PREMIUM_RATE', 'SHARED_COST', 'PERSONAL_NUMBER', 'UAN', 'VOICEMAIL', 'PAGER', 'TOLL_FREE', 'VOIP', 'FIXED_LINE', 'MOBILE', 'FIXED_LINE_OR_MOBILE'] as const;
const destinations = z
  .strictObject({
    refuseTypes: z.array(z.enum(NUMBER_TYPES, { error: (iss) => `expected one of ${NUMBER_TYPES.join(', ')}, got ${show(iss.input)}` })).default(['PREMIUM_RATE', 'SHARED_COST', 'PERSONAL_NUMBER', 'UAN', 'VOICEMAIL', 'PAGER']),
    allow: z
      .array(z.string({ error: (iss) => `expected an E.164 number or prefix like '+49900*', got ${show(iss.input)}` }).regex(/^\+[1-9]\d{0,14}\*?$/, { error: (iss) => `expected an E.164 number or prefix like '+49900*', got ${show(iss.input)}` }))
      .default([]),
  })
  .prefault({});

const inbound = z
  .strictObject({ imap, smtpListener, authorisation, limits, destinations })
  .prefault({})
  .superRefine((m, ctx) => {
    const receiving = m.imap.enabled || m.smtpListener.enabled;
    const a = m.authorisation;
    if (receiving && a.allowedSenders.length === 0 && a.allowedDomains.length === 0 && a.perDestination.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['authorisation', 'allowedSenders'],
        message: 'email in is enabled but nobody is authorised to send: list allowedSenders, allowedDomains or perDestination',
      });
    }
    if (m.smtpListener.enabled && m.smtpListener.users.length === 0 && !isLoopback(m.smtpListener.host)) {
      ctx.addIssue({ code: 'custom', path: ['smtpListener', 'users'], message: 'required when the SMTP listener is reachable from other hosts' });
    }
  });

export const mailSection = z.strictObject({ out, in: inbound }).prefault({});

export const composeSection = z
  .strictObject({
    trimQuotes: bool().default(true),
    trimSignatures: bool().default(true),
    /** Text longer than this many SMS parts goes out as MMS. */
    maxSmsParts: int(1, 255).default(4),
    imageMaxDimension: int(64, 8192).default(1280),
    jpegQuality: int(1, 100).default(80),
  })
  .prefault({});
