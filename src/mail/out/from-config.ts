/**
 * The outbound mail settings from the validated configuration (`mail.out`, see src/config):
 * SMTP connection, rendering, routing. Only a type is taken from the config module; the
 * address book file, when one is named, is read here.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Config } from '../../config/index.js';
import { ConfigError, errorMessage } from '../../util/errors.js';
import type { RenderConfig, RouteRule, RoutingConfig, SmtpConfig } from './types.js';

export interface MailOutSettings {
  readonly smtp: SmtpConfig;
  readonly render: RenderConfig;
  readonly routing: RoutingConfig;
}

type MailOutSection = Config['mail']['out'];

/**
 * Reads an address book file: a YAML (or JSON) mapping of numbers to names,
 * `"+4915112345678": Alice`. Non-string names are refused so a typo is noticed.
 */
export function readAddressBook(path: string): Record<string, string> {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError('mail.out.addressBook', `cannot read ${path}: ${errorMessage(e)}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError('mail.out.addressBook', `${path}: expected a mapping of numbers to names`);
  }
  const book: Record<string, string> = {};
  for (const [number, name] of Object.entries(doc as Record<string, unknown>)) {
    if (typeof name !== 'string' && typeof name !== 'number') {
      throw new ConfigError('mail.out.addressBook', `${path}: the name for ${number} is not text`);
    }
    book[number] = String(name);
  }
  return book;
}

export function smtpFromConfig(out: MailOutSection): SmtpConfig {
  const s = out.smtp;
  const a = s.auth;
  let auth: SmtpConfig['auth'];
  if (a !== null && a.oauth2 !== null) {
    auth = {
      type: 'oauth2',
      user: a.user,
      clientId: a.oauth2.clientId,
      clientSecret: a.oauth2.clientSecret,
      refreshToken: a.oauth2.refreshToken,
      ...(a.oauth2.accessToken === null ? {} : { accessToken: a.oauth2.accessToken }),
    };
  } else if (a !== null && a.password !== null) {
    auth = { type: 'password', user: a.user, pass: a.password };
  }
  return { host: s.host, port: s.port, secure: s.secure, requireTLS: s.secure ? false : s.starttls, auth, pool: s.pool, maxConnections: s.maxConnections };
}

export function routingFromConfig(out: MailOutSection): RoutingConfig {
  const rules: RouteRule[] = out.routes.map((r) => ({
    ...(r.to === null ? {} : { box: r.to }),
    ...(r.from === null || r.from === '*' ? {} : { sender: r.from }),
    mailboxes: r.mailboxes,
  }));
  return { rules, defaultMailboxes: out.defaultMailbox === null ? [] : [out.defaultMailbox] };
}

export function mailOutFromConfig(config: Config): MailOutSettings {
  const out = config.mail.out;
  const book = typeof out.addressBook === 'string' ? readAddressBook(out.addressBook) : out.addressBook;
  return {
    smtp: smtpFromConfig(out),
    render: {
      addressDomain: out.fromDomain,
      nameFormat: out.fromNameFormat,
      ...(out.replyTo === null ? {} : { replyToPattern: out.replyTo }),
      addressBook: book,
      attachRawMms: out.attachRawMms,
    },
    routing: routingFromConfig(out),
  };
}
