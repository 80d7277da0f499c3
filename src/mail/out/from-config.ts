/**
 * The outbound mail settings from the validated configuration (`mail.out`, see src/config):
 * SMTP connection, rendering, routing. Only a type is taken from the config module; the
 * address book file, when one is named, is read here.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type { Config } from '../../config/index.js';
import { ConfigError, errorMessage } from '../../util/errors.js';
import { boxCountry } from '../../util/phone.js';
import { boxCallingCode } from '../../util/phone.js';
import type { RenderConfig, RouteRule, RoutingConfig, SmtpConfig } from './types.js';

export interface MailOutSettings {
  readonly smtp: SmtpConfig;
  readonly render: RenderConfig;
  readonly routing: RoutingConfig;
}

type MailOutSection = Config['mail']['out'];

/** The YAML parser, loaded only when an address book file is read (not at every start). */
function parseYaml(text: string): unknown {
  return (createRequire(import.meta.url)('yaml') as typeof Yaml).parse(text);
}

/**
 * Reads an address book file: a YAML (or JSON) mapping of numbers to names,
 * `"+4915112345678": Alice`, or — for a name ending in `.csv` — CSV rows `number,name` (as
 * phones and spreadsheets export contacts; RFC 4180 quoting; a first row whose first field
 * holds no digit is a header). Non-string names are refused so a typo is noticed.
 */
export function readAddressBook(path: string): Record<string, string> {
  let doc: unknown;
  try {
    const text = readFileSync(path, 'utf8');
    if (/\.csv$/i.test(path)) return addressBookFromCsv(text, path);
    doc = parseYaml(text);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
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

function addressBookFromCsv(text: string, path: string): Record<string, string> {
  const book: Record<string, string> = {};
  parseCsv(text).forEach((row, i) => {
    const [number = '', ...rest] = row.map((f) => f.trim());
    const name = rest.join(' ').trim();
    if (number === '' && name === '') return;
    if (i === 0 && !/\d/.test(number)) return;
    if (!/\d/.test(number) || name === '') {
      throw new ConfigError('mail.out.addressBook', `${path} line ${i + 1}: expected "number,name"`);
    }
    book[number] = name;
  });
  return book;
}

/** RFC 4180 records: fields separated by ',', quoted with '"' ('""' inside), CRLF or LF. One pass. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const src = text.startsWith('\ufeff') ? text.slice(1) : text;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
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

/**
 * The box's country (conversation keys) and calling code (showing numbers): configured, else
 * that of its own number or calling code. Worked out at the first read, so libphonenumber-js
 * (src/util/phone.ts) loads with the first mail rather than at start (issue 17); the values are
 * the same. Defined as getters on `render`, which is read and never spread or copied.
 */
function withBoxNumbering(render: RenderConfig, config: Config): RenderConfig {
  const own = config.box.ownNumber ?? config.box.numbers[0]?.number;
  let memo: { country: string | undefined; countryCode: string | undefined } | undefined;
  const get = (): NonNullable<typeof memo> => (memo ??= {
    country: boxCountry({ configured: config.box.country, ownNumber: own, callingCode: config.box.countryCode }),
    countryCode: boxCallingCode(config.box.countryCode, own),
  });
  return Object.defineProperties(render, {
    country: { get: () => get().country, enumerable: true },
    countryCode: { get: () => get().countryCode, enumerable: true },
  });
}

export function mailOutFromConfig(config: Config): MailOutSettings {
  const out = config.mail.out;
  const book = typeof out.addressBook === 'string' ? readAddressBook(out.addressBook) : out.addressBook;
  return {
    smtp: smtpFromConfig(out),
    render: withBoxNumbering({
      addressDomain: out.fromDomain,
      nameFormat: out.fromNameFormat,
      ...(out.replyTo === null ? {} : { replyToPattern: out.replyTo }),
      addressBook: book,
      attachRawMms: out.attachRawMms,
      ...(config.box.timeZone === null ? {} : { timeZone: config.box.timeZone }),
      ...(out.threadSubject === null ? {} : { threadSubject: out.threadSubject }),
      imageMaxHeight: out.imageMaxHeight,
    }, config),
    routing: routingFromConfig(out),
  };
}
