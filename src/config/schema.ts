import { isIP } from 'node:net';
import { z } from 'zod';
import { isTimeZone } from '../util/time.js';
import { bool, e164, host, hostPort, httpUrl, int, ip, isLoopback, oneOf, quoteHint, show, text } from './fields.js';
import { composeSection, mailSection } from './schema-mail.js';
import { apiSection, hooksSection, webhooksSection } from './schema-api.js';
import { metricsSection, mqttSection } from './schema-fleet.js';
import { mm7Section } from './schema-mm7.js';
import { DEFAULT_MODEM_PORT, MAX_MODEMS_LIST, modemEntryFields, modemsRefine, outboundModems, portOrUsb, withEntryPort, withModemIds } from './schema-modems.js';
import { asCountry } from '../util/phone.js';

/**
 * The configuration schema. Every setting has its range and default here and in
 * docs/CONFIG.md / config/mmsgw.example.yaml; objects are strict, so a misspelt key is an
 * error rather than a silently ignored setting.
 */

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const MODEM_PROFILES = ['auto', 'generic', 'huawei', 'quectel', 'simcom', 'sierra', 'zte'] as const;

const boxNumber = z.strictObject({
  number: e164(),
  /** ICCID or IMSI of the SIM holding that number, to tell SIMs apart. */
  simId: text().nullable().default(null),
  /** The serial port of the modem holding that SIM, when several modems are attached. */
  port: text().nullable().default(null),
});

const box = z
  .strictObject({
    ownNumber: e164().nullable().default(null),
    /** Calling code for national numbers written in mail ("0151…"), digits; null: taken from ownNumber. */
    countryCode: z
      .string({ error: (iss) => `expected a country calling code of 1 to 3 digits, got ${show(iss.input)}` })
      .regex(/^[1-9]\d{0,2}$/, { error: 'expected a country calling code of 1 to 3 digits, like "49"' })
      .nullable()
      .default(null),
    numbers: z.array(boxNumber).max(16, { error: 'at most 16 numbers' }).default([]),
    /**
     * The box's country (ISO 3166-1 alpha-2, e.g. "IE") for national numbers, display and
     * E.164 keys; null: from the SIM's MCC, else from ownNumber, else from countryCode.
     */
    country: z
      .string({ error: (iss) => `expected a two-letter country code like "IE", got ${show(iss.input)}` })
      .refine((v) => asCountry(v) !== undefined, { error: (iss) => `expected a two-letter country code like "IE", got ${show(iss.input)}` })
      .nullable()
      .default(null),
    /** IANA time zone for times shown to people (mails, the command line); null: the system's. */
    timeZone: text('an IANA time zone name like Europe/Berlin')
      .refine(isTimeZone, { error: (iss) => `expected an IANA time zone name like 'Europe/Berlin', got ${show(iss.input)}` })
      .nullable()
      .default(null),
  })
  .prefault({});

const recovery = z
  .strictObject({
    usbPath: text().nullable().default(null),
    powerCycleCommand: text().nullable().default(null),
    maxTimeouts: int(1, 100).default(3),
  })
  .prefault({});

const portPath = text('a serial device path or tcp://host:port').refine((v) => v.startsWith('/') || /^tcp:\/\/[^/:]+:\d{1,5}$/.test(v), {
  error: (iss) => `expected a device path like /dev/ttyUSB2 or tcp://host:port, got ${show(iss.input)}`,
});
const modemFields = {
    port: portPath.default(DEFAULT_MODEM_PORT),
    baudRate: int(300, 4_000_000).default(115200),
    rtscts: bool().default(false),
    profile: oneOf(MODEM_PROFILES).default('auto'),
    pin: z
      .string({ error: (iss) => `expected a SIM PIN of 4 to 8 digits, got ${show(iss.input)}${quoteHint(iss.input)}` })
      .regex(/^\d{4,8}$/, { error: 'expected a SIM PIN of 4 to 8 digits' })
      .nullable()
      .default(null),
    smsStorage: oneOf(['auto', 'SM', 'ME', 'MT']).default('auto'),
    recovery,
};
const modem = z.strictObject(modemFields).prefault({});

const sms = z
  .strictObject({
    preferSmsForShortText: bool().default(true),
    maxSmsParts: int(1, 255).default(10),
    statusReports: bool().default(true),
    concatTimeoutMinutes: int(1, 10080).default(60),
  })
  .prefault({});

const bearer = z
  .strictObject({
    kind: oneOf(['interface', 'modem-http', 'ppp', 'system']).default('interface'),
    interface: text('a network interface name').default('wwan0'),
    apn: text().nullable().default(null),
    apnUser: text().nullable().default(null),
    apnPassword: text().nullable().default(null),
    ipType: oneOf(['ipv4', 'ipv6', 'ipv4v6']).default('ipv4'),
    /** null: the context already carrying the APN, else the lowest free cid from 2 up (cid 1 is usually the internet's). */
    contextId: int(1, 24).nullable().default(null),
    dns: z.array(ip()).max(4, { error: 'at most 4 DNS servers' }).default([]),
    hosts: z.record(host(), ip()).default({}),
    ppp: z.strictObject({ dataPort: text().nullable().default(null) }).prefault({}),
  })
  .prefault({})
  .superRefine((b, ctx) => {
    if (b.kind === 'ppp' && b.ppp.dataPort === null) {
      ctx.addIssue({ code: 'custom', path: ['ppp', 'dataPort'], message: "required when bearer.kind is 'ppp'" });
    }
  });

const backoff = z
  .strictObject({
    initialSeconds: int(1, 86400).default(30),
    maxSeconds: int(1, 604800).default(3600),
    factor: z.number({ error: (iss) => `expected a number between 1 and 10, got ${show(iss.input)}` }).min(1).max(10).default(2),
  })
  .prefault({})
  .superRefine((b, ctx) => {
    if (b.maxSeconds < b.initialSeconds) {
      ctx.addIssue({ code: 'custom', path: ['maxSeconds'], message: `must be at least initialSeconds (${b.initialSeconds})` });
    }
  });

const mmsc = z
  .strictObject({
    url: httpUrl().nullable().default(null),
    proxy: hostPort().nullable().default(null),
    carrierProfile: text().default('auto'),
    userAgent: text().nullable().default(null),
    uaProf: httpUrl().nullable().default(null),
    maxMessageSize: int(1024, 52_428_800).default(1_048_576),
    /** Deadline of one MM1 HTTP exchange; null: the carrier profile's (120 s by default). */
    timeoutSeconds: int(5, 3600).nullable().default(null),
    retrieval: oneOf(['immediate', 'deferred', 'reject']).default('immediate'),
    fetchRetries: int(0, 100).default(8),
    backoff,
    sendTtlHours: int(1, 720).default(72),
    /** Hosts a Content-Location may name when there is no proxy, besides the MMSC host and its domain (`host`, `.domain`). */
    allowedHosts: z.array(text('a host name, or .domain for a domain and its subdomains')).default([]),
    /** Networks a Content-Location may reach although loopback, link-local, private or the box's own (CIDR). */
    allowedNetworks: z.array(cidr()).default([]),
    /** Originators whose WAP Push is acted on (numbers, `prefix*`, alphanumeric names); empty: the carrier profile's, else anyone. */
    pushSources: z.array(text('a number, a number prefix ending in *, or an alphanumeric sender')).default([]),
  })
  .prefault({});

/** `modems:` — several modems, each with its own SIM, number and carrier settings (docs/FLEET.md "Multi-modem"). */
export const modemEntrySchema = z
  .strictObject({
    ...modemFields,
    ...modemEntryFields,
    /** Its serial port; not given: `usb` names it, else /dev/ttyUSB2. */
    port: portPath.optional(),
    /** This SIM's bearer; null: the top-level `bearer`. */
    bearer: bearer.nullable().default(null),
    /** This SIM's MMSC settings; null: the top-level `mmsc`. */
    mmsc: mmsc.nullable().default(null),
  })
  .superRefine(portOrUsb)
  .transform(withEntryPort);
const modems = z
  .array(modemEntrySchema)
  .max(MAX_MODEMS_LIST, { error: `at most ${MAX_MODEMS_LIST} modems` })
  .transform(withModemIds)
  .default([]);

function cidr(): z.ZodString {
  return z
    .string({ error: (iss) => `expected a network like 10.0.0.0/8 or fd00::/8, got ${show(iss.input)}` })
    .refine((v) => {
      const [net = '', prefix, extra] = v.split('/');
      const family = isIP(net);
      if (family === 0 || extra !== undefined) return false;
      if (prefix === undefined) return true;
      const n = Number(prefix);
      return /^\d{1,3}$/.test(prefix) && n >= 0 && n <= (family === 4 ? 32 : 128);
    }, { error: (iss) => `expected a network like 10.0.0.0/8 or fd00::/8, got ${show(iss.input)}` });
}

const web = z
  .strictObject({
    enabled: bool().default(true),
    host: host().default('127.0.0.1'),
    port: int(0, 65535).default(8080),
    username: text().nullable().default(null),
    /** Plain password (prefer MMSGW_WEB_PASSWORD); hashed with scrypt in memory at start. */
    password: text().nullable().default(null),
    /** scrypt hash from `mmsgw web-password` (`scrypt$N$r$p$salt$hash`); wins over `password`. */
    passwordHash: z
      .string({ error: (iss) => `expected a hash printed by 'mmsgw web-password', got ${show(iss.input)}` })
      .regex(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/, { error: "expected a hash printed by 'mmsgw web-password' (scrypt$N$r$p$salt$hash)" })
      .nullable()
      .default(null),
    /** PEM files; when both are set the web interface speaks HTTPS only. */
    tls: z.strictObject({ cert: text('a file path'), key: text('a file path') }).nullable().default(null),
    sessionHours: int(1, 720).default(12),
  })
  .prefault({})
  .superRefine((w, ctx) => {
    if (!w.enabled || isLoopback(w.host)) return;
    if (w.username === null) {
      ctx.addIssue({
        code: 'custom',
        path: ['username'],
        message: `required when web.host is '${w.host}' (not loopback): the web interface must not be exposed without a credential`,
      });
    }
    if (w.password === null && w.passwordHash === null) {
      ctx.addIssue({
        code: 'custom',
        path: ['password'],
        message: `required when web.host is '${w.host}' (not loopback): the web interface must not be exposed without a credential (set web.passwordHash, or the password here or in MMSGW_WEB_PASSWORD)`,
      });
    }
    if (w.password !== null && w.password.length < 8) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: 'must be at least 8 characters when the web interface is exposed' });
    }
  });

const storage = z
  .strictObject({
    /** Finished messages older than this are pruned (with their files); 0 keeps everything. */
    retentionDays: int(0, 36500).default(0),
    checkpointMinutes: int(1, 1440).default(5),
    integrityCheck: oneOf(['quick', 'full', 'off']).default('quick'),
    /**
     * When a commit reaches the disk: `commit` — an fsync inside every commit (SQLite
     * synchronous=FULL); `acknowledge` — one WAL fsync shared by every commit made before an
     * acknowledgement (SMS delete, MMS ack, 250, API/MM7 answer, a send). docs/STORAGE.md.
     */
    durability: oneOf(['commit', 'acknowledge']).default('commit'),
    /** Intake pauses (SMS stay on the SIM, mail gets 451) below this much free space, and resumes above it. */
    minFreeMegabytes: int(1, 102_400).default(16),
  })
  .prefault({});

/**
 * `outbound.uncertain`: what to do with a send a crash left between writing the PDU and
 * recording the network's answer — `resend` (the recipient may get it twice) or `hold` (kept
 * back until `mmsgw retry`). One word for both kinds, or `{ sms, mms }`.
 */
const uncertainPolicy = oneOf(['resend', 'hold']);
const outbound = z
  .strictObject({
    uncertain: z
      .union([
        uncertainPolicy.transform((p) => ({ sms: p, mms: p })),
        z.strictObject({ sms: uncertainPolicy.default('resend'), mms: uncertainPolicy.default('hold') }),
      ])
      .default({ sms: 'resend', mms: 'hold' }),
    /** Which modem sends a message that names no sender number (several modems; docs/FLEET.md). */
    modems: outboundModems,
  })
  .prefault({});

export const configSchema = z.strictObject({
  stateDir: text('a directory path').default('/var/lib/mmsgw'),
  logLevel: oneOf(LOG_LEVELS).default('info'),
  storage,
  box,
  modem,
  modems,
  sms,
  bearer,
  mmsc,
  mail: mailSection,
  compose: composeSection,
  web,
  api: apiSection,
  webhooks: webhooksSection,
  hooks: hooksSection,
  mm7: mm7Section,
  outbound,
  metrics: metricsSection,
  mqtt: mqttSection,
}).superRefine((c, ctx) => {
  if (c.compose.maxSmsParts > c.sms.maxSmsParts) {
    ctx.addIssue({
      code: 'custom',
      path: ['compose', 'maxSmsParts'],
      message: `must not exceed sms.maxSmsParts (${c.sms.maxSmsParts}): longer text could be composed as SMS but never sent`,
    });
  }
  modemsRefine(c, ctx, modem.parse(undefined));
  // Routing rules must name numbers this box has, when the box's numbers are known.
  const own = new Set([c.box.ownNumber, ...c.box.numbers.map((n) => n.number), ...c.modems.map((m) => m.number)].filter((n): n is string => n !== null));
  if (own.size === 0) return;
  const check = (to: string | null, path: (string | number)[]): void => {
    if (to !== null && !own.has(to)) {
      ctx.addIssue({ code: 'custom', path, message: `'${to}' is not a number of this box (box.ownNumber / box.numbers / modems[].number: ${[...own].join(', ')})` });
    }
  };
  c.mail.out.routes.forEach((r, i) => check(r.to, ['mail', 'out', 'routes', i, 'to']));
  c.mail.in.authorisation.perDestination.forEach((d, i) => check(d.to, ['mail', 'in', 'authorisation', 'perDestination', i, 'to']));
});

export type Config = z.output<typeof configSchema>;
/** The shape accepted from YAML, before defaults are applied. */
export type ConfigInput = z.input<typeof configSchema>;
